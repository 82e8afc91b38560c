using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Podway.Node.Streaming.Transport;

/// <summary>
/// The server WebSocket handshake done by hand: Kestrel's AcceptWebSocketAsync rejects subprotocols containing '/'
/// (SPDY/3.1+portforward.k8s.io) after it has already sent the 101, so the 101 is written here and the WebSocket
/// is built over the upgraded stream.
/// </summary>
internal static class WebSocketUpgrade
{
    const string Guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    public static bool IsWebSocketRequest(HttpRequest request) =>
        request.Method == "GET" && request.Headers.Upgrade.ToString().Equals("websocket", StringComparison.OrdinalIgnoreCase)
        && request.Headers.SecWebSocketKey.Count > 0;

    /// <summary>The subprotocols the client offered, in its order.</summary>
    public static IReadOnlyList<string> OfferedProtocols(HttpRequest request) =>
        request.Headers.SecWebSocketProtocol.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();

    public static async Task<WebSocket> AcceptAsync(HttpContext ctx, string protocol)
    {
        var upgrade = ctx.Features.Get<IHttpUpgradeFeature>();
        if (upgrade is not { IsUpgradableRequest: true }) throw new InvalidOperationException("the request cannot be upgraded");
        var key = ctx.Request.Headers.SecWebSocketKey.ToString();
        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + Guid)));
        ctx.Response.Headers.Connection = "Upgrade";
        ctx.Response.Headers.Upgrade = "websocket";
        ctx.Response.Headers.SecWebSocketAccept = accept;
        if (protocol.Length > 0) ctx.Response.Headers.SecWebSocketProtocol = protocol;
        var stream = await upgrade.UpgradeAsync();
        return WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.FromSeconds(30) });
    }
}
