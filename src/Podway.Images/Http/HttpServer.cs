using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Podway.Images.Common;

namespace Podway.Images.Http;

/// <summary>
/// A small HTTP/1.1 server on raw sockets: keep-alive, Content-Length and chunked request bodies, 100-continue,
/// optional TLS. Malformed requests get a 400 and the connection is closed; nothing a client sends can crash it.
/// Built-in images run one per Pod, so it avoids ASP.NET's memory and startup cost.
/// </summary>
internal sealed class HttpServer(Socket listener, Func<HttpRequest, ValueTask<HttpResponse>> handler, SslServerAuthenticationOptions? tls = null)
{
    const int MaxHeaderBytes = 1 << 20;
    const int MaxBodyBytes = 64 << 20;
    static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(2);

    public static HttpServer Listen(int port, Func<HttpRequest, ValueTask<HttpResponse>> handler, SslServerAuthenticationOptions? tls = null) =>
        new(Listeners.Tcp(port), handler, tls);

    public int Port => ((IPEndPoint)listener.LocalEndPoint!).Port;

    /// <summary>Accepts until cancelled, then closes the listener (open connections end with the process).</summary>
    public async Task ServeAsync(CancellationToken ct)
    {
        using var reg = ct.Register(() => listener.Dispose());
        while (!ct.IsCancellationRequested)
        {
            Socket client;
            try { client = await listener.AcceptAsync(ct); }
            catch (OperationCanceledException) { break; }
            catch (ObjectDisposedException) { break; }
            catch (SocketException) { continue; }
            _ = Task.Run(() => ServeConnectionAsync(client));
        }
    }

    async Task ServeConnectionAsync(Socket socket)
    {
        socket.NoDelay = true;
        var remote = (IPEndPoint)socket.RemoteEndPoint!;
        var local = (IPEndPoint)socket.LocalEndPoint!;
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        var buffer = ArrayPool<byte>.Shared.Rent(8192);
        using var idle = new CancellationTokenSource();
        try
        {
            if (tls is not null)
            {
                var ssl = new SslStream(stream);
                idle.CancelAfter(TimeSpan.FromSeconds(10));
                await ssl.AuthenticateAsServerAsync(tls, idle.Token);
                stream = ssl;
            }
            var reader = new ConnectionReader(stream, buffer);
            while (true)
            {
                idle.CancelAfter(IdleTimeout);
                var head = await reader.ReadHeadAsync(MaxHeaderBytes, idle.Token);
                if (head is null) return; // client closed between requests
                var request = ParseHead(head, remote, local);
                if (request is null)
                {
                    await WriteAsync(stream, BadRequest(), "GET", keepAlive: false);
                    return;
                }
                if (string.Equals(request.Header("Expect"), "100-continue", StringComparison.OrdinalIgnoreCase))
                    await stream.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray(), idle.Token);
                var body = await ReadBodyAsync(reader, request, idle.Token);
                if (body is null)
                {
                    await WriteAsync(stream, BadRequest(), request.Method, keepAlive: false);
                    return;
                }
                request.Body = body;
                request.Tls = stream as SslStream;

                HttpResponse response;
                try { response = await handler(request); }
                catch (Exception e) { response = HttpResponse.Error($"internal error: {e.Message}", 500); }

                var keepAlive = !response.Close && WantsKeepAlive(request);
                await WriteAsync(stream, response, request.Method, keepAlive);
                response.AfterSend?.Invoke();
                if (!keepAlive) return;
            }
        }
        catch (Exception)
        {
            // Client went away, timed out or spoke garbage: drop the connection, never the server.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            await stream.DisposeAsync();
        }
    }

    static HttpResponse BadRequest()
    {
        var r = HttpResponse.Text("400 Bad Request", 400);
        r.Close = true;
        return r;
    }

    static bool WantsKeepAlive(HttpRequest r)
    {
        var connection = r.Header("Connection");
        if (connection is not null && connection.Contains("close", StringComparison.OrdinalIgnoreCase)) return false;
        return r.Version == "HTTP/1.1" || (connection?.Contains("keep-alive", StringComparison.OrdinalIgnoreCase) ?? false);
    }

    internal static HttpRequest? ParseHead(string head, IPEndPoint remote, IPEndPoint local)
    {
        var lines = head.Split("\r\n");
        var parts = lines[0].Split(' ');
        if (parts.Length != 3 || parts[0].Length == 0 || !parts[0].All(IsTokenChar)
            || parts[1].Length == 0 || parts[2] is not ("HTTP/1.1" or "HTTP/1.0"))
            return null;
        var target = parts[1];
        if (target[0] != '/')
        {
            // Absolute-form (proxies) is allowed; keep the path and query.
            if (!Uri.TryCreate(target, UriKind.Absolute, out var uri)) return target == "*" ? null : null;
            target = uri.PathAndQuery;
        }
        var headers = new List<KeyValuePair<string, string>>(lines.Length);
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i];
            var colon = line.IndexOf(':');
            if (colon <= 0) return null;
            var name = line[..colon];
            if (!name.All(IsTokenChar)) return null;
            headers.Add(new(name, line[(colon + 1)..].Trim(' ', '\t')));
        }
        return new HttpRequest { Method = parts[0], Target = target, Version = parts[2], Headers = headers, Remote = remote, Local = local };
    }

    static bool IsTokenChar(char c) => c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".IndexOf(c) < 0;

    static async Task<byte[]?> ReadBodyAsync(ConnectionReader reader, HttpRequest request, CancellationToken ct)
    {
        var te = request.Header("Transfer-Encoding");
        if (te is not null)
        {
            if (!te.Equals("chunked", StringComparison.OrdinalIgnoreCase)) return null;
            return await reader.ReadChunkedAsync(MaxBodyBytes, ct);
        }
        var cl = request.Header("Content-Length");
        if (cl is null) return [];
        if (!long.TryParse(cl, NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length > MaxBodyBytes) return null;
        return await reader.ReadExactAsync((int)length, ct);
    }

    static async Task WriteAsync(Stream stream, HttpResponse response, string method, bool keepAlive)
    {
        var sb = new StringBuilder(256);
        sb.Append("HTTP/1.1 ").Append(response.Status).Append(' ').Append(HttpResponse.Reason(response.Status)).Append("\r\n");
        var hasDate = false;
        foreach (var (k, v) in response.Headers)
        {
            hasDate |= k.Equals("Date", StringComparison.OrdinalIgnoreCase);
            sb.Append(k).Append(": ").Append(v).Append("\r\n");
        }
        if (!hasDate) sb.Append("Date: ").Append(DateTime.UtcNow.ToString("R", CultureInfo.InvariantCulture)).Append("\r\n");
        var noBody = method == "HEAD" || response.Status is 204 or 304 || response.Status < 200;
        if (response.Status is not (204 or 304)) sb.Append("Content-Length: ").Append(response.Body.Length).Append("\r\n");
        if (!keepAlive) sb.Append("Connection: close\r\n");
        sb.Append("\r\n");
        var headBytes = Encoding.Latin1.GetBytes(sb.ToString());
        if (noBody || response.Body.Length == 0)
        {
            await stream.WriteAsync(headBytes);
        }
        else
        {
            var all = new byte[headBytes.Length + response.Body.Length];
            headBytes.CopyTo(all, 0);
            response.Body.CopyTo(all, headBytes.Length);
            await stream.WriteAsync(all);
        }
        await stream.FlushAsync();
    }
}
