using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Podway.Node.Streaming.Transport;

/// <summary>The `Upgrade: SPDY/3.1` handshake with X-Stream-Protocol-Version negotiation (k8s httpstream.Handshake).</summary>
internal static class SpdyUpgrade
{
    public const string HeaderProtocolVersion = "X-Stream-Protocol-Version";

    public static bool IsSpdyRequest(HttpRequest request) =>
        request.Headers.Upgrade.ToString().Equals("SPDY/3.1", StringComparison.OrdinalIgnoreCase);

    public static IReadOnlyList<string> OfferedProtocols(HttpRequest request) =>
        request.Headers[HeaderProtocolVersion].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();

    /// <summary>Picks the first of the server's protocols the client offered, or null (the caller answers 403).</summary>
    public static string? Negotiate(HttpRequest request, IReadOnlyList<string> serverProtocols)
    {
        var offered = OfferedProtocols(request);
        return serverProtocols.FirstOrDefault(offered.Contains);
    }

    /// <summary>httpstream's wording when no protocol matches.</summary>
    public static string NegotiationError(HttpRequest request, IReadOnlyList<string> serverProtocols) =>
        $"unable to upgrade: unable to negotiate protocol: client supports [{string.Join(" ", OfferedProtocols(request))}], server supports [{string.Join(" ", serverProtocols)}]";

    public static async Task<Stream> AcceptAsync(HttpContext ctx, string protocol)
    {
        var upgrade = ctx.Features.Get<IHttpUpgradeFeature>();
        if (upgrade is not { IsUpgradableRequest: true }) throw new InvalidOperationException("the request cannot be upgraded");
        ctx.Response.Headers.Connection = "Upgrade";
        ctx.Response.Headers.Upgrade = "SPDY/3.1";
        ctx.Response.Headers[HeaderProtocolVersion] = protocol;
        return await upgrade.UpgradeAsync();
    }
}
