using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Podway.Api.Errors;

namespace Podway.ApiServer.Proxy;

/// <summary>
/// exec, attach and portforward: the client's upgrade request (WebSocket GET or SPDY POST) is replayed to the
/// kubelet over TCP; its 101 headers go back to the client and then bytes are piped both ways untouched, as
/// kube-apiserver's UpgradeAwareHandler does (toward a WebSocket client, a whole frame per write: WebSocketFrameRelay). A non-101 answer is relayed as it is (kubectl then falls back from
/// WebSocket to SPDY, or prints the kubelet's text).
/// </summary>
internal sealed class UpgradeProxy(KubeletConnector kubelets)
{
    /// <summary>The request headers the upgrade handshake needs; everything else stays with the API server.</summary>
    static readonly string[] Forwarded =
    [
        "Connection", "Upgrade", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Protocol", "X-Stream-Protocol-Version",
    ];
    const int MaxHeadLength = 64 * 1024;

    public async Task ServeAsync(HttpContext ctx, KubeletTarget target, string kubeletPath)
    {
        var upgrade = ctx.Features.Get<IHttpUpgradeFeature>();
        if (upgrade is not { IsUpgradableRequest: true }) throw ApiException.BadRequest("Upgrade request required");

        var (kubelet, backend) = await kubelets.ConnectAsync(target.Host!, target.Port, ctx.RequestAborted);
        using var _ = kubelet;
        await using var __ = backend;

        var head = new StringBuilder();
        head.Append($"{ctx.Request.Method} {kubeletPath}{ctx.Request.QueryString} HTTP/1.1\r\n");
        head.Append($"Host: {target.Host}:{target.Port}\r\n");
        foreach (var name in Forwarded)
            foreach (var value in ctx.Request.Headers[name])
                head.Append($"{name}: {value}\r\n");
        if (ctx.Request.Method != "GET") head.Append("Content-Length: 0\r\n");
        head.Append("\r\n");
        await backend.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), ctx.RequestAborted);

        var (status, headers, leftover) = await ReadResponseHeadAsync(backend, ctx.RequestAborted);
        if (status != 101)
        {
            await RelayErrorAsync(ctx, backend, status, headers, leftover);
            return;
        }

        foreach (var (name, value) in headers)
            if (!name.Equals("Date", StringComparison.OrdinalIgnoreCase) && !name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                ctx.Response.Headers.Append(name, value);
        await using var client = await upgrade.UpgradeAsync();
        var webSocket = headers.Any(h => h.Name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase) && h.Value.Equals("websocket", StringComparison.OrdinalIgnoreCase));
        if (!webSocket && leftover.Length > 0) await client.WriteAsync(leftover);
        await client.FlushAsync();

        // A stopping server (or a client gone) closes the kubelet side, which ends both directions.
        await using var stop = ctx.RequestAborted.Register(kubelet.Dispose);
        // The client's end of sending reaches the kubelet as TLS close_notify plus FIN: its reads end, its writes go on.
        var toKubelet = PipeAsync(client, backend, async () =>
        {
            if (backend is System.Net.Security.SslStream tls) await tls.ShutdownAsync();
            kubelet.Client.Shutdown(SocketShutdown.Send);
        });
        var toClient = webSocket ? RelayFramesAsync(backend, client, leftover) : PipeAsync(backend, client, () => Task.CompletedTask);
        // The kubelet ends a session; once its side is done, the client gets a moment to finish sending.
        await toClient;
        await Task.WhenAny(toKubelet, Task.Delay(TimeSpan.FromSeconds(1)));
    }

    static async Task PipeAsync(Stream from, Stream to, Func<Task> onEnd)
    {
        var buffer = new byte[32 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, read));
                await to.FlushAsync();
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException or OperationCanceledException) { }
        try { await onEnd(); } catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException or InvalidOperationException) { }
    }

    static async Task RelayFramesAsync(Stream from, Stream to, byte[] start)
    {
        try { await WebSocketFrameRelay.RunAsync(from, to, start); }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException or OperationCanceledException) { }
    }

    /// <summary>Reads the status line and headers; returns bytes read past them (the start of the upgraded stream or body).</summary>
    static async Task<(int Status, List<(string Name, string Value)> Headers, byte[] Leftover)> ReadResponseHeadAsync(Stream backend, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int end;
        while ((end = IndexOfHeadEnd(buffer.GetBuffer().AsSpan(0, (int)buffer.Length))) < 0)
        {
            var read = await backend.ReadAsync(chunk, ct);
            if (read == 0 || buffer.Length > MaxHeadLength) throw ApiException.Internal("error proxying to the kubelet: incomplete response");
            buffer.Write(chunk, 0, read);
        }
        var all = buffer.ToArray();
        var lines = Encoding.ASCII.GetString(all, 0, end).Split("\r\n");
        var statusParts = lines[0].Split(' ', 3);
        if (statusParts.Length < 2 || !int.TryParse(statusParts[1], out var status)) throw ApiException.Internal("error proxying to the kubelet: bad status line");
        var headers = lines.Skip(1).Where(l => l.Contains(':'))
            .Select(l => (l[..l.IndexOf(':')].Trim(), l[(l.IndexOf(':') + 1)..].Trim())).ToList();
        return (status, headers, all[(end + 4)..]);
    }

    static int IndexOfHeadEnd(ReadOnlySpan<byte> data) => data.IndexOf("\r\n\r\n"u8);

    static async Task RelayErrorAsync(HttpContext ctx, Stream backend, int status, List<(string Name, string Value)> headers, byte[] leftover)
    {
        var body = new MemoryStream();
        body.Write(leftover);
        var length = headers.FirstOrDefault(h => h.Name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Value;
        var chunked = headers.Any(h => h.Name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && h.Value.Contains("chunked"));
        if (int.TryParse(length, out var n))
        {
            var buffer = new byte[4096];
            while (body.Length < n && await backend.ReadAsync(buffer) is var read and > 0) body.Write(buffer, 0, read);
        }
        else if (!chunked)
            await backend.CopyToAsync(body);
        var text = chunked ? Dechunk(body.ToArray()) : body.ToArray();
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = headers.FirstOrDefault(h => h.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).Value ?? "text/plain; charset=utf-8";
        ctx.Response.ContentLength = text.Length;
        await ctx.Response.Body.WriteAsync(text);
    }

    /// <summary>Only the kubelet's short error bodies are chunked here; whatever arrived with the head is decoded.</summary>
    static byte[] Dechunk(byte[] data)
    {
        var output = new MemoryStream();
        var at = 0;
        while (at < data.Length)
        {
            var lineEnd = data.AsSpan(at).IndexOf("\r\n"u8);
            if (lineEnd < 0) break;
            var size = Convert.ToInt32(Encoding.ASCII.GetString(data, at, lineEnd).Split(';')[0], 16);
            at += lineEnd + 2;
            if (size == 0 || at + size > data.Length) break;
            output.Write(data, at, size);
            at += size + 2;
        }
        return output.ToArray();
    }
}
