using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Podway.Edge.Forwarding;

/// <summary>Copies the client's request headers to the upstream request: hop-by-hop headers dropped, Host kept as
/// the client sent it, X-Forwarded-For appended to, X-Forwarded-Proto/Host/Port and X-Real-IP set by us.</summary>
internal static class RequestHeaders
{
    public static void Copy(HttpContext context, HttpRequestMessage upstream, bool upstreamIsHttp2, string clientIp)
    {
        var request = context.Request;
        var headers = request.Headers;
        var connection = headers.Connection.Count > 0 ? headers.Connection.ToString() : null;
        // Only a Connection value beyond the usual tokens names extra hop-by-hop headers.
        if (connection is not null && IsPlainConnectionValue(connection)) connection = null;
        StringValues forwardedFor = default;

        foreach (var (name, value) in headers)
        {
            if (name.Length == 0 || name[0] == ':' || HopByHop.Is(name))
            {
                // gRPC needs "TE: trailers" end to end; it is only meaningful (and allowed) towards HTTP/2.
                if (upstreamIsHttp2 && name.Equals("TE", StringComparison.OrdinalIgnoreCase) && value.ToString() == "trailers")
                    upstream.Headers.TryAddWithoutValidation("TE", "trailers");
                continue;
            }
            if (IsOurs(name, ref forwardedFor, value)) continue;
            if (connection is not null && HopByHop.NamedBy(connection, name)) continue;
            Add(upstream, name, value);
        }

        var host = request.Host.Value;
        if (!string.IsNullOrEmpty(host)) upstream.Headers.Host = host;
        upstream.Headers.TryAddWithoutValidation("X-Forwarded-For",
            forwardedFor.Count == 0 ? clientIp : string.Concat(forwardedFor.ToString(), ", ", clientIp));
        upstream.Headers.TryAddWithoutValidation("X-Real-IP", clientIp);
        upstream.Headers.TryAddWithoutValidation("X-Forwarded-Proto", request.IsHttps ? "https" : "http");
        if (!string.IsNullOrEmpty(host)) upstream.Headers.TryAddWithoutValidation("X-Forwarded-Host", host);
        upstream.Headers.TryAddWithoutValidation("X-Forwarded-Port", PortText(context.Connection.LocalPort));
    }

    /// <summary>Headers we set ourselves (the client's values would be spoofable), and Host (set once, below);
    /// Expect is answered by Kestrel when we read the body, so the upstream must not wait for a 100 of its own.</summary>
    static bool IsOurs(string name, ref StringValues forwardedFor, StringValues value)
    {
        switch (name.Length)
        {
            case 4: return name.Equals("Host", StringComparison.OrdinalIgnoreCase);
            case 6: return name.Equals("Expect", StringComparison.OrdinalIgnoreCase);
            case 9: return name.Equals("X-Real-IP", StringComparison.OrdinalIgnoreCase);
            case 15:
                if (!name.Equals("X-Forwarded-For", StringComparison.OrdinalIgnoreCase)) return false;
                forwardedFor = value;
                return true;
            case 16: return name.Equals("X-Forwarded-Host", StringComparison.OrdinalIgnoreCase)
                            || name.Equals("X-Forwarded-Port", StringComparison.OrdinalIgnoreCase);
            case 17: return name.Equals("X-Forwarded-Proto", StringComparison.OrdinalIgnoreCase);
            default: return false;
        }
    }

    static void Add(HttpRequestMessage upstream, string name, StringValues value)
    {
        var added = value.Count == 1
            ? upstream.Headers.TryAddWithoutValidation(name, value[0])
            : upstream.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)value);
        if (added) return;
        // A content header (Content-Type, Content-Length, ...): it belongs to the content; a request without body
        // still gets one, empty, so that e.g. "POST, Content-Length: 0" stays exactly that.
        upstream.Content ??= new ByteArrayContent([]);
        if (value.Count == 1) upstream.Content.Headers.TryAddWithoutValidation(name, value[0]);
        else upstream.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)value);
    }

    static bool IsPlainConnectionValue(string value) =>
        value.Equals("keep-alive", StringComparison.OrdinalIgnoreCase) || value.Equals("close", StringComparison.OrdinalIgnoreCase)
        || value.Equals("upgrade", StringComparison.OrdinalIgnoreCase);

    static readonly string[] SmallPorts = ["80", "443", "8080", "8443"];

    static string PortText(int port) => port switch
    {
        80 => SmallPorts[0], 443 => SmallPorts[1], 8080 => SmallPorts[2], 8443 => SmallPorts[3],
        _ => port.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The client address as text, IPv4-mapped IPv6 addresses shown as IPv4.</summary>
    public static string ClientIp(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null) return "-";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return address.ToString();
    }
}
