using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Podway.Edge.Forwarding;
using Podway.Edge.Forwarding.Http1;
using Podway.Edge.Routing;

namespace Podway.Edge.Serving;

/// <summary>
/// The edge's data plane: Kestrel on a cleartext endpoint (HTTP/1.1 and h2c prior knowledge) and a TLS endpoint
/// (HTTP/1.1 and HTTP/2 by ALPN), routing every request on the snapshot <c>routes()</c> returns at that moment and
/// picking each handshake's certificate from it by SNI, so a new snapshot applies without restart or dropped
/// connections.
/// </summary>
public sealed class EdgeServer : IAsyncDisposable
{
    readonly WebApplication _app;
    readonly HttpMessageInvoker _upstreams;
    readonly Http1ConnectionPool _http1Upstreams;
    readonly AccessLog? _log;

    public EdgeServer(Func<IEdgeRoutes> routes, EdgeServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxAttempts < 1) throw new ArgumentException("MaxAttempts must be at least 1", nameof(options));

        _upstreams = UpstreamClient.Create(options.ConnectTimeout, options.PooledConnectionLifetime);
        _http1Upstreams = new Http1ConnectionPool(options.ConnectTimeout, options.PooledConnectionLifetime,
            UpstreamClient.IdleTimeout, options.ResponseHeaderTimeout);
        _log = options.AccessLog is null ? null : new AccessLog(options.AccessLog);
        var http1 = new Http1Forwarder(_http1Upstreams, options.ResponseHeaderTimeout);
        var forwarder = new HttpForwarder(_upstreams, http1, options.ResponseHeaderTimeout, options.MaxAttempts);
        RequestDelegate handler = options.GatewayPort is { } gatewayPort
            ? new GatewayRequestHandler(gatewayPort, routes, forwarder, _upstreams, _log).HandleAsync
            : new EdgeRequestHandler(routes, forwarder, _log).HandleAsync;

        // The empty builder: no configuration sources, no logging providers, no hosting diagnostics middleware.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseKestrelHttpsConfiguration();
        // Run the request on the socket thread that read it instead of hopping to the thread pool: the handler never
        // blocks, and on a few shared cores the hops (context switches) were the largest cost per request. With
        // DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 (set for the edge Pod) the upstream side stays inline too.
        // Kestrel's default zero-byte read before each real one saves idle connections a buffer at the price of a
        // syscall per request; an edge's connections are busy, so it reads straight away (as nginx does).
        builder.WebHost.UseSockets(sockets =>
        {
            sockets.UnsafePreferInlineScheduling = true;
            sockets.WaitForDataBeforeAllocatingBuffer = false;
        });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Bodies are streamed through, not held: the upstream decides what is too large or too slow.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.MinRequestBodyDataRate = null;
            if (options.Http is { } http)
                kestrel.Listen(http, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    if (CleartextHttp2Detection.Supported) listen.Use(CleartextHttp2Detection.Middleware);
                });
            if (options.Https is { } https)
                kestrel.Listen(https, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    listen.UseHttps(new HttpsConnectionAdapterOptions
                    {
                        ServerCertificateSelector = options.GatewayPort is { } gatewayPort
                            ? (_, serverName) => routes().Gateways.CertificateFor(gatewayPort, serverName?.ToLowerInvariant())
                            : (_, serverName) => CertificateFor(routes, serverName),
                    });
                });
        });
        _app = builder.Build();
        _app.Use((context, next) =>
        {
            context.Response.Headers.Server = EdgeIdentity.ServerHeader;
            return next(context);
        });
        if (options.Draining is { } draining)
            _app.Use((context, next) =>
            {
                // While the Pod drains, HTTP/1.1 clients are told to reconnect (through the Service, to another edge
                // Pod) rather than race the final close of their idle keep-alive connection.
                if (draining() && context.Request.Protocol == "HTTP/1.1")
                    context.Response.OnStarting(() => { context.Response.Headers.Connection = "close"; return Task.CompletedTask; });
                return next(context);
            });
        _app.Run(handler);
    }

    /// <summary>The bound cleartext port (useful with port 0).</summary>
    public int HttpPort { get; private set; }

    /// <summary>The bound TLS port, 0 without HTTPS.</summary>
    public int HttpsPort { get; private set; }

    public async Task StartAsync(CancellationToken ct = default)
    {
        await _app.StartAsync(ct);
        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        foreach (var address in addresses)
        {
            var uri = new Uri(address);
            if (uri.Scheme == "https") HttpsPort = uri.Port;
            else HttpPort = uri.Port;
        }
    }

    static X509Certificate2? CertificateFor(Func<IEdgeRoutes> routes, string? serverName)
    {
        try
        {
            return routes().CertificateFor(string.IsNullOrEmpty(serverName) ? null : serverName.ToLowerInvariant());
        }
        catch (Exception e)
        {
            // No certificate fails this handshake only.
            Console.Error.WriteLine($"edge: no certificate for SNI '{serverName}': {e.Message}");
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstreams.Dispose();
        _http1Upstreams.Dispose();
        if (_log is not null) await _log.DisposeAsync();
    }
}
