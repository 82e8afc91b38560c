using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Podway.Edge.Tests.Serving;

/// <summary>
/// A real Kestrel upstream on 127.0.0.1 (random port). Paths: <c>/echo</c> streams the request body back as it arrives, <c>/sha256</c>
/// reads the whole body and answers its hash,
/// <c>/headers</c> answers the request's protocol and headers as JSON, <c>/slow</c> answers after 10 s, <c>/delay?ms=N</c> after N ms,
/// <c>/big?bytes=N</c> sends N bytes, <c>/ws</c> is a WebSocket echo; anything else answers the backend's name.
/// </summary>
internal sealed class Backend : IAsyncDisposable
{
    readonly WebApplication _app;

    Backend(WebApplication app, string name) { _app = app; Name = name; }

    public string Name { get; }
    public int Port { get; private set; }
    public int Requests;

    public static async Task<Backend> StartAsync(string name, bool http2Only = false, bool tls = false)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null;
            k.Listen(IPAddress.Loopback, 0, l =>
            {
                l.Protocols = http2Only ? HttpProtocols.Http2 : HttpProtocols.Http1;
                if (tls) l.UseHttps(TestCertificates.For("backend.test"));
            });
        });
        var app = builder.Build();
        var backend = new Backend(app, name);
        app.UseWebSockets();
        app.Run(backend.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        backend.Port = new Uri(address).Port;
        return backend;
    }

    async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref Requests);
        var request = context.Request;
        switch (request.Path.Value)
        {
            case "/echo":
                context.Response.ContentType = "application/octet-stream";
                context.Response.ContentLength = request.ContentLength;
                await request.Body.CopyToAsync(context.Response.Body);
                break;
            case "/sha256":
                using (var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256))
                {
                    var buffer = new byte[64 * 1024];
                    int read;
                    while ((read = await request.Body.ReadAsync(buffer)) > 0) hash.AppendData(buffer, 0, read);
                    await context.Response.WriteAsync(Convert.ToHexString(hash.GetHashAndReset()));
                }
                break;
            case "/headers":
                var headers = request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
                headers[":protocol"] = request.Protocol;
                headers[":method"] = request.Method;
                headers[":scheme"] = request.Scheme;
                headers[":target"] = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget;
                await context.Response.WriteAsJsonAsync(headers);
                break;
            case "/delay":
                await Task.Delay(int.Parse(request.Query["ms"]!), context.RequestAborted);
                context.Response.Headers["X-Backend"] = Name;
                await context.Response.WriteAsync(Name);
                break;
            case "/slow":
                await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);
                await context.Response.WriteAsync("slow");
                break;
            case "/big":
                var remaining = long.Parse(request.Query["bytes"]!);
                context.Response.ContentLength = remaining;
                var chunk = new byte[64 * 1024];
                for (var i = 0; i < chunk.Length; i++) chunk[i] = (byte)i;
                while (remaining > 0)
                {
                    var n = (int)Math.Min(remaining, chunk.Length);
                    await context.Response.Body.WriteAsync(chunk.AsMemory(0, n));
                    remaining -= n;
                }
                break;
            case "/ws" when context.WebSockets.IsWebSocketRequest:
                using (var socket = await context.WebSockets.AcceptWebSocketAsync())
                {
                    var buffer = new byte[64 * 1024];
                    while (true)
                    {
                        var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
                        if (received.MessageType == WebSocketMessageType.Close)
                        {
                            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                            break;
                        }
                        await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, CancellationToken.None);
                    }
                }
                break;
            default:
                context.Response.Headers["X-Backend"] = Name;
                await context.Response.WriteAsync(Name);
                break;
        }
    }

    public static Dictionary<string, string> ParseHeaders(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(json)!;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
