using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Podway.Edge.Forwarding;

/// <summary>
/// Whether a request asks to leave HTTP: an HTTP/1.1 Upgrade (WebSocket, SPDY, anything) or a WebSocket over HTTP/2
/// (RFC 8441 extended CONNECT, which browsers use when the server offers it). Both go upstream as an HTTP/1.1
/// Upgrade; on 101 the client side is switched (101, or 200 for the CONNECT) and the bytes are tunnelled.
/// </summary>
internal readonly struct UpgradeKind
{
    readonly byte _kind; // 0 none, 1 HTTP/1.1 upgrade, 2 HTTP/2 WebSocket

    UpgradeKind(byte kind) => _kind = kind;

    public bool IsNone => _kind == 0;

    public static UpgradeKind Of(HttpContext context)
    {
        if (context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true }) return new(1);
        if (context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true } connect
            && string.Equals(connect.Protocol, "websocket", StringComparison.OrdinalIgnoreCase)) return new(2);
        return default;
    }

    /// <summary>Connection and Upgrade are hop-by-hop and were not copied; an upgrade puts them back.</summary>
    public void AddRequestHeaders(HttpContext context, HttpRequestMessage message)
    {
        if (_kind == 0) return;
        message.Version = System.Net.HttpVersion.Version11;
        message.Headers.TryAddWithoutValidation("Connection", "Upgrade");
        if (_kind == 1)
        {
            message.Headers.TryAddWithoutValidation("Upgrade", context.Request.Headers.Upgrade.ToString());
            return;
        }
        // HTTP/2 WebSockets have no key; the HTTP/1.1 handshake needs one (its accept is checked by nobody but us).
        message.Headers.TryAddWithoutValidation("Upgrade", "websocket");
        message.Headers.TryAddWithoutValidation("Sec-WebSocket-Key", Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));
    }

    /// <summary>Switches the client connection and tunnels it to the upstream's; returns bytes sent to the client.</summary>
    public async Task<long> TunnelAsync(HttpContext context, HttpResponseMessage response)
    {
        var upstream = await response.Content.ReadAsStreamAsync(context.RequestAborted);
        ResponseHeaders.Copy(response, context.Response);
        Stream client;
        if (_kind == 1)
        {
            context.Response.Headers.Upgrade = string.Join(", ", response.Headers.Upgrade);
            client = await context.Features.Get<IHttpUpgradeFeature>()!.UpgradeAsync();
        }
        else
        {
            context.Response.Headers.Remove("Sec-WebSocket-Accept");
            context.Response.StatusCode = StatusCodes.Status200OK;
            client = await context.Features.Get<IHttpExtendedConnectFeature>()!.AcceptAsync();
        }
        return await UpgradeTunnel.PumpAsync(client, upstream, context.RequestAborted);
    }
}
