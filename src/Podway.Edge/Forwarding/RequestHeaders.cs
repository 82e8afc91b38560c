using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Podway.Edge.Forwarding;

/// <summary>Copies the client's request headers to the upstream request: hop-by-hop headers dropped, Host kept as
/// the client sent it, X-Forwarded-For appended to, X-Forwarded-Proto/Host/Port and X-Real-IP set by us.</summary>
internal static class RequestHeaders
{
    /// <summary>The upstream request's headers in order: Host, the client's end-to-end headers, then ours.</summary>
    public static void Copy<TSink>(HttpContext context, ref TSink upstream, bool upstreamIsHttp2, string clientIp)
        where TSink : struct, IUpstreamHeaderSink
    {
        var request = context.Request;
        var headers = request.Headers;
        var connection = headers.Connection.Count > 0 ? headers.Connection.ToString() : null;
        // Only a Connection value beyond the usual tokens names extra hop-by-hop headers.
        if (connection is not null && IsPlainConnectionValue(connection)) connection = null;
        StringValues forwardedFor = default;

        var host = request.Host.Value;
        var upstreamHost = context.Features.Get<UpstreamHostFeature>()?.Host ?? host;
        if (!string.IsNullOrEmpty(upstreamHost)) upstream.Add("Host", upstreamHost);
        foreach (var (name, value) in headers)
        {
            if (name.Length == 0 || name[0] == ':' || HopByHop.Is(name))
            {
                // gRPC needs "TE: trailers" end to end; it is only meaningful (and allowed) towards HTTP/2.
                if (upstreamIsHttp2 && name.Equals("TE", StringComparison.OrdinalIgnoreCase) && value.ToString() == "trailers")
                    upstream.Add("TE", "trailers");
                continue;
            }
            if (IsOurs(name, ref forwardedFor, value)) continue;
            if (connection is not null && HopByHop.NamedBy(connection, name)) continue;
            upstream.Add(name, value);
        }

        upstream.Add("X-Forwarded-For", forwardedFor.Count == 0 ? clientIp : string.Concat(forwardedFor.ToString(), ", ", clientIp));
        upstream.Add("X-Real-IP", clientIp);
        upstream.Add("X-Forwarded-Proto", request.IsHttps ? "https" : "http");
        if (!string.IsNullOrEmpty(host)) upstream.Add("X-Forwarded-Host", host);
        upstream.Add("X-Forwarded-Port", PortText(context.Connection.LocalPort));
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
