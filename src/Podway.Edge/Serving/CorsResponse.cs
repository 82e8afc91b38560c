using Microsoft.AspNetCore.Http;
using Podway.Edge.Routing.Annotations;

namespace Podway.Edge.Serving;

/// <summary>ingress-nginx's CORS block: for an allowed Origin (any, with `*`) the Access-Control-* headers go on the
/// response whatever its status (`more_set_headers`), and an OPTIONS request is answered here: 204, `Content-Type:
/// text/plain charset=UTF-8`, `Content-Length: 0`.</summary>
internal static class CorsResponse
{
    /// <summary>True when the request was answered (a preflight).</summary>
    public static bool Apply(HttpContext context, CorsPolicy cors)
    {
        var origin = cors.AllowedOrigin(context.Request.Headers.Origin.Count > 0 ? context.Request.Headers.Origin.ToString() : null);
        if (origin is null) return false;
        if (HttpMethods.IsOptions(context.Request.Method))
        {
            SetHeaders(context.Response.Headers, cors, origin);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            context.Response.Headers.ContentType = "text/plain charset=UTF-8";
            context.Response.Headers.ContentLength = 0;
            return true;
        }
        context.Response.OnStarting(() =>
        {
            SetHeaders(context.Response.Headers, cors, origin);
            return Task.CompletedTask;
        });
        return false;
    }

    static void SetHeaders(IHeaderDictionary headers, CorsPolicy cors, string origin)
    {
        headers["Access-Control-Allow-Origin"] = origin;
        if (cors.Credentials) headers["Access-Control-Allow-Credentials"] = "true";
        headers["Access-Control-Allow-Methods"] = cors.Methods;
        headers["Access-Control-Allow-Headers"] = cors.Headers;
        if (cors.ExposeHeaders is { } expose) headers["Access-Control-Expose-Headers"] = expose;
        headers["Access-Control-Max-Age"] = cors.MaxAge.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
