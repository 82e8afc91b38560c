using System.Net;
using System.Text;

namespace Podway.Images.Http;

/// <summary>A parsed HTTP/1.x request with its whole body.</summary>
internal sealed class HttpRequest
{
    public required string Method { get; init; }
    /// <summary>The request target as sent ("/echo?msg=hi").</summary>
    public required string Target { get; init; }
    public required string Version { get; init; }
    public required List<KeyValuePair<string, string>> Headers { get; init; }
    public required IPEndPoint Remote { get; init; }
    public required IPEndPoint Local { get; init; }
    public byte[] Body { get; set; } = [];
    /// <summary>The connection's TLS session (null on cleartext), for servers that report it (echo-basic's "tls").</summary>
    public System.Net.Security.SslStream? Tls { get; set; }

    public string Path => Target.IndexOf('?') is var q and >= 0 ? Target[..q] : Target;
    public string RawQuery => Target.IndexOf('?') is var q and >= 0 ? Target[(q + 1)..] : "";

    public string? Header(string name)
    {
        foreach (var (k, v) in Headers)
            if (string.Equals(k, name, StringComparison.OrdinalIgnoreCase)) return v;
        return null;
    }

    public IReadOnlyList<KeyValuePair<string, string>> Query() => FormEncoding.Parse(RawQuery);

    /// <summary>Go's Request.FormValue: the first value from an urlencoded POST/PUT/PATCH body, else from the query.</summary>
    public string FormValue(string key)
    {
        if (Method is "POST" or "PUT" or "PATCH"
            && (Header("Content-Type") ?? "").StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var (k, v) in FormEncoding.Parse(Encoding.UTF8.GetString(Body)))
                if (k == key) return v;
        }
        foreach (var (k, v) in Query())
            if (k == key) return v;
        return "";
    }
}

/// <summary>application/x-www-form-urlencoded, as Go's url.ParseQuery reads it.</summary>
internal static class FormEncoding
{
    public static List<KeyValuePair<string, string>> Parse(string s)
    {
        var result = new List<KeyValuePair<string, string>>();
        foreach (var part in s.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            var key = eq < 0 ? part : part[..eq];
            var value = eq < 0 ? "" : part[(eq + 1)..];
            result.Add(new(Unescape(key), Unescape(value)));
        }
        return result;
    }

    static string Unescape(string s) => s.Contains('%') || s.Contains('+') ? WebUtility.UrlDecode(s) : s;
}
