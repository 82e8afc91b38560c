using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Podway.Api.Tls;
using Podway.Node.Streaming.Logs;
using Podway.Node.Streaming.PortForward;
using Podway.Node.Streaming.RemoteCommand;
using Podway.Node.Streaming.Transport;

namespace Podway.Node.Streaming;

/// <summary>
/// The kubelet's streaming server: the endpoints the API server proxies pods/log, exec, attach and portforward to
/// (/containerLogs, /exec, /attach, /portForward, as on the real kubelet), /metrics/resource for the metrics API, and
/// /flows, the node's flow log (podway's own, read through the API server's nodes/NAME/proxy/flows).
/// HTTPS only, with the kubelet's x509 authentication and a fixed authorizer: a client certificate from the cluster CA
/// whose CN is an authorized user (the API server's) may do everything; no certificate is 401, another user 403.
/// </summary>
public sealed class KubeletServer : IAsyncDisposable
{
    readonly WebApplication _app;
    readonly IContainerStreams _streams;
    readonly KubeletAuthorizer _authorizer;
    readonly IResourceMetricsSource? _resourceMetrics;
    readonly Func<long, string>? _flows;
    readonly ILogger _log;

    KubeletServer(KubeletServerOptions options, IContainerStreams streams)
    {
        _streams = streams;
        _authorizer = new KubeletAuthorizer(options.AuthorizedUsers);
        _resourceMetrics = options.ResourceMetrics;
        _flows = options.Flows;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MinResponseDataRate = null; // followed logs and sessions idle by design
            k.Limits.KeepAliveTimeout = TimeSpan.FromMinutes(10);
            k.AddServerHeader = false;
            k.Listen(options.Address, options.Port, l =>
            {
                l.Protocols = HttpProtocols.Http1;
                l.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = options.ServingCertificate,
                    // Asked for, not required: a request without one gets the kubelet's 401 rather than a failed handshake.
                    ClientCertificateMode = ClientCertificateMode.AllowCertificate,
                    ClientCertificateValidation = (cert, _, _) => CaTrust.ChainsTo(options.ClientCertificateAuthority, cert),
                });
            });
        });
        _app = builder.Build();
        _log = _app.Logger;
        _app.Run(HandleAsync);
    }

    /// <summary>The port actually bound (useful when options.Port is 0).</summary>
    public int Port { get; private set; }

    public static async Task<KubeletServer> StartAsync(KubeletServerOptions options, IContainerStreams streams, CancellationToken ct = default)
    {
        var server = new KubeletServer(options, streams);
        await server._app.StartAsync(ct);
        var address = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Port = new Uri(address).Port;
        return server;
    }

    async Task HandleAsync(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value ?? "/";
        try
        {
            if (_authorizer.Refusal(ctx.Connection.ClientCertificate, ctx.Request.Method, path) is { } refusal)
            {
                await PlainAsync(ctx, refusal.StatusCode, refusal.Message);
                return;
            }
            var parts = path.Trim('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
            switch (parts)
            {
                case ["containerLogs", var ns, var pod, var container] when ctx.Request.Method == "GET":
                    await ContainerLogsAsync(ctx, ns, pod, container);
                    return;
                case ["exec", var ns, var pod, var container, ..]:
                    await RemoteCommandAsync(ctx, ns, pod, container, exec: true);
                    return;
                case ["attach", var ns, var pod, var container, ..]:
                    await RemoteCommandAsync(ctx, ns, pod, container, exec: false);
                    return;
                case ["metrics", "resource"] when ctx.Request.Method == "GET" && _resourceMetrics != null:
                    ctx.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                    await ctx.Response.WriteAsync(_resourceMetrics.Render(), ctx.RequestAborted);
                    return;
                case ["flows"] when ctx.Request.Method == "GET" && _flows != null:
                    var since = long.TryParse(ctx.Request.Query["since"], out var n) ? n : 0;
                    ctx.Response.ContentType = "application/json";
                    await ctx.Response.WriteAsync(_flows(since), ctx.RequestAborted);
                    return;
                case ["portForward", var ns, var pod, ..]:
                    await PortForwardAsync(ctx, ns, pod);
                    return;
                default:
                    await PlainAsync(ctx, 404, "404 page not found");
                    return;
            }
        }
        catch (StreamingException e)
        {
            if (!ctx.Response.HasStarted) await PlainAsync(ctx, e.StatusCode, e.Message);
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested) { }
        catch (Exception e) when (e is IOException or System.Net.WebSockets.WebSocketException or ObjectDisposedException) { }
        catch (Exception e)
        {
            _log.LogError(e, "{Method} {Path} failed", ctx.Request.Method, path);
            if (!ctx.Response.HasStarted) await PlainAsync(ctx, 500, e.Message);
        }
    }

    static async Task PlainAsync(HttpContext ctx, int code, string text)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "text/plain; charset=utf-8";
        var body = System.Text.Encoding.UTF8.GetBytes(text + "\n");
        ctx.Response.ContentLength = body.Length; // the API server's upgrade proxy relays error bodies by length
        await ctx.Response.Body.WriteAsync(body);
    }

    async Task ContainerLogsAsync(HttpContext ctx, string ns, string pod, string container)
    {
        var options = LogOptions.Parse(ctx.Request.Query, DateTimeOffset.UtcNow, out var error);
        if (error != null) { await PlainAsync(ctx, 400, error); return; }
        var path = _streams.LogPath(ns, pod, container, options.Previous);
        if (path == null || !File.Exists(path))
        {
            await PlainAsync(ctx, 400, options.Previous
                ? $"previous terminated container \"{container}\" in pod \"{pod}\" not found"
                : $"container \"{container}\" in pod \"{pod}\" is waiting to start - no logs yet");
            return;
        }
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/plain";
        await ctx.Response.StartAsync(ctx.RequestAborted);
        // A previous run has stopped for good: following it ends at its end.
        Func<bool> running = options.Previous ? () => false : () => _streams.IsRunning(ns, pod, container);
        await ContainerLogReader.CopyAsync(path, options, running, ctx.Response.Body, ctx.RequestAborted);
    }

    async Task RemoteCommandAsync(HttpContext ctx, string ns, string pod, string container, bool exec)
    {
        var options = RemoteCommandOptions.Parse(ctx.Request.Query);
        if (options.Validate() is { } invalid) { await PlainAsync(ctx, 400, invalid); return; }
        if (exec && options.Command.Count == 0) { await PlainAsync(ctx, 400, "you must specify at least one command for the container"); return; }
        // The kubelet finds only running containers; anything else is "container not found", before any upgrade.
        if (!_streams.IsRunning(ns, pod, container)) { await PlainAsync(ctx, 500, $"container not found (\"{container}\")"); return; }

        RemoteCommandChannels? client;
        if (WebSocketUpgrade.IsWebSocketRequest(ctx.Request))
        {
            var protocol = WebSocketChannels.Protocols.FirstOrDefault(WebSocketUpgrade.OfferedProtocols(ctx.Request).Contains);
            if (protocol == null) { await PlainAsync(ctx, 400, "unable to upgrade: no supported WebSocket subprotocol (v5.channel.k8s.io, v4.channel.k8s.io) offered"); return; }
            client = new WebSocketChannels(await WebSocketUpgrade.AcceptAsync(ctx, protocol), options);
        }
        else if (SpdyUpgrade.IsSpdyRequest(ctx.Request))
        {
            var protocol = SpdyUpgrade.Negotiate(ctx.Request, SpdyChannels.Protocols);
            if (protocol == null) { await PlainAsync(ctx, 403, SpdyUpgrade.NegotiationError(ctx.Request, SpdyChannels.Protocols)); return; }
            client = await SpdyChannels.OpenAsync(await SpdyUpgrade.AcceptAsync(ctx, protocol), options);
            if (client == null) return; // the client never opened its streams
        }
        else
        {
            await PlainAsync(ctx, 400, "Upgrade request required");
            return;
        }

        await using (client)
        {
            IProcessSession session;
            try
            {
                session = exec
                    ? await _streams.ExecAsync(ns, pod, container, options.Command, options.Tty, ctx.RequestAborted)
                    : await _streams.AttachAsync(ns, pod, container, options.Tty, ctx.RequestAborted);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await client.FinishAsync(RemoteCommandStatus.InternalError(
                    exec ? $"error executing command in container: {e.Message}" : $"error attaching to container: {e.Message}"));
                return;
            }
            await using (session)
                await RemoteCommandRunner.RunAsync(session, client, options, reportExitCode: exec);
        }
    }

    async Task PortForwardAsync(HttpContext ctx, string ns, string pod)
    {
        Stream transport;
        if (WebSocketUpgrade.IsWebSocketRequest(ctx.Request))
        {
            const string tunneled = "SPDY/3.1+" + PortForwardSession.Protocol;
            var offered = WebSocketUpgrade.OfferedProtocols(ctx.Request);
            if (!offered.Contains(tunneled))
            {
                // The client libraries' protocol: channels per port, ports in the query.
                var channelProtocol = WebSocketPortForward.Protocols.FirstOrDefault(offered.Contains) ?? (offered.Count == 0 ? WebSocketPortForward.Binary : null);
                if (channelProtocol is null)
                {
                    await PlainAsync(ctx, 400, $"unable to upgrade: none of the WebSocket subprotocols {string.Join(", ", offered)} is supported");
                    return;
                }
                var ports = WebSocketPortForward.ParsePorts(ctx.Request.Query["port"].Concat(ctx.Request.Query["ports"]), out var error);
                if (ports is null) { await PlainAsync(ctx, 400, error!); return; }
                using var socket = await WebSocketUpgrade.AcceptAsync(ctx, offered.Count == 0 ? "" : channelProtocol);
                await WebSocketPortForward.RunAsync(socket, channelProtocol == WebSocketPortForward.Base64, ports, () => _streams.PodIp(ns, pod), $"{pod}_{ns}", ctx.RequestAborted);
                return;
            }
            transport = new WebSocketByteStream(await WebSocketUpgrade.AcceptAsync(ctx, tunneled));
        }
        else if (SpdyUpgrade.IsSpdyRequest(ctx.Request))
        {
            string[] supported = [PortForwardSession.Protocol];
            var protocol = SpdyUpgrade.Negotiate(ctx.Request, supported);
            if (protocol == null) { await PlainAsync(ctx, 403, SpdyUpgrade.NegotiationError(ctx.Request, supported)); return; }
            transport = await SpdyUpgrade.AcceptAsync(ctx, protocol);
        }
        else
        {
            await PlainAsync(ctx, 400, "Upgrade request required");
            return;
        }
        await using (transport)
            await PortForwardSession.RunAsync(transport, () => _streams.PodIp(ns, pod), $"{pod}_{ns}", ctx.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
