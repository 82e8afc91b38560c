using System.Text;
using Microsoft.AspNetCore.Http;

namespace Podway.Edge.Forwarding;

/// <summary>The edge's own small answers (404, 405, 502, 503, 504, ...), nginx-style HTML, bodies built once.</summary>
internal static class LocalResponse
{
    static readonly Dictionary<int, byte[]> Bodies = new[] { 400, 401, 403, 404, 405, 413, 429, 500, 502, 503, 504 }
        .ToDictionary(s => s, s => Encoding.ASCII.GetBytes(Html(s)));

    static string Html(int status)
    {
        var title = $"{status} {Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status)}";
        return $"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>podway</center>\r\n</body>\r\n</html>\r\n";
    }

    public static long BodyLength(int status) => Bodies.TryGetValue(status, out var body) ? body.Length : 0;

    public static Task WriteAsync(HttpContext context, int status)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            context.Abort();
            return Task.CompletedTask;
        }
        response.Clear();
        response.Headers.Server = Serving.EdgeIdentity.ServerHeader;
        response.StatusCode = status;
        if (!Bodies.TryGetValue(status, out var body)) return Task.CompletedTask;
        response.ContentType = "text/html";
        response.ContentLength = body.Length;
        if (HttpMethods.IsHead(context.Request.Method)) return Task.CompletedTask;
        return response.Body.WriteAsync(body, 0, body.Length, context.RequestAborted);
    }
}
