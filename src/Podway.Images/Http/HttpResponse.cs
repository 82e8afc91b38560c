using System.Text;

namespace Podway.Images.Http;

/// <summary>A response to write: status, headers and a body held in memory (all built-in answers are small).</summary>
internal sealed class HttpResponse
{
    public int Status { get; init; } = 200;
    public List<KeyValuePair<string, string>> Headers { get; } = [];
    public byte[] Body { get; init; } = [];
    /// <summary>Close the connection after this response.</summary>
    public bool Close { get; set; }
    /// <summary>Runs once the response has been written (agnhost's /exit shuts down after answering).</summary>
    public Action? AfterSend { get; init; }

    public const string TextPlain = "text/plain; charset=utf-8";

    public static HttpResponse Text(string body, int status = 200, string contentType = TextPlain)
    {
        var r = new HttpResponse { Status = status, Body = Encoding.UTF8.GetBytes(body) };
        if (body.Length > 0) r.Headers.Add(new("Content-Type", contentType));
        return r;
    }

    /// <summary>Go's http.Error: the message plus a newline, text/plain, nosniff.</summary>
    public static HttpResponse Error(string message, int status)
    {
        var r = Text(message + "\n", status);
        r.Headers.Add(new("X-Content-Type-Options", "nosniff"));
        return r;
    }

    public static HttpResponse Json(string json, int status = 200) => Text(json, status, "application/json");

    public static string Reason(int status) => status switch
    {
        100 => "Continue", 200 => "OK", 201 => "Created", 202 => "Accepted", 204 => "No Content",
        301 => "Moved Permanently", 302 => "Found", 303 => "See Other", 304 => "Not Modified",
        307 => "Temporary Redirect", 308 => "Permanent Redirect",
        400 => "Bad Request", 401 => "Unauthorized", 403 => "Forbidden", 404 => "Not Found",
        405 => "Method Not Allowed", 408 => "Request Timeout", 411 => "Length Required", 412 => "Precondition Failed",
        413 => "Request Entity Too Large", 417 => "Expectation Failed", 418 => "I'm a teapot",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error", 501 => "Not Implemented", 502 => "Bad Gateway", 503 => "Service Unavailable",
        504 => "Gateway Timeout", 505 => "HTTP Version Not Supported",
        _ => "status code " + status,
    };
}
