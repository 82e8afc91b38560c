using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Podway.Api.Errors;
using Podway.ApiServer.Bootstrap;
using Podway.ApiServer.Handlers;
using Podway.ApiServer.Http;
using Podway.ApiServer.Registry;
using Podway.ApiServer.Routing;
using Podway.Storage;

namespace Podway.ApiServer;

/// <summary>The Kubernetes-compatible API server: HTTPS on Kestrel, bearer-token auth, discovery, OpenAPI and the REST resources.</summary>
public sealed class ApiServerHost : IAsyncDisposable
{
    readonly WebApplication _app;
    readonly ApiServerOptions _options;
    readonly ResourceHandler _resources;
    readonly Metrics.MetricsScraper _metricsScraper;
    readonly Metrics.MetricsApi _metrics;
    readonly ILogger _log;
    volatile bool _ready;

    public ObjectRegistry Registry { get; }
    public IObjectStore Store { get; }
    public Uri Url => new($"https://127.0.0.1:{_options.Port}");

    ApiServerHost(ApiServerOptions options, IObjectStore store)
    {
        _options = options;
        Store = store;
        var clock = TimeProvider.System;
        Registry = new ObjectRegistry(store, options, clock);
        var kubelets = new Proxy.KubeletConnector(options.KubeletClientCertificate, options.CertificateAuthority);
        _resources = new ResourceHandler(Registry, new ListWatchHandler(store, clock), new ScaleHandler(Registry), clock,
            new Proxy.PodStreamingProxy(Registry, kubelets), new Proxy.NodeProxy(Registry, kubelets));
        _metricsScraper = new Metrics.MetricsScraper(store, kubelets, options.MetricResolution);
        _metrics = new Metrics.MetricsApi(store, _metricsScraper);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MinResponseDataRate = null; // watches idle for minutes by design
            k.Limits.MaxRequestBodySize = BodyLimits.MaxBodyBytes;
            k.Limits.Http2.MaxStreamsPerConnection = 1000;
            k.AddServerHeader = false;
            foreach (var address in options.ListenAddresses)
                k.Listen(address, options.Port, l =>
                {
                    l.Protocols = HttpProtocols.Http1AndHttp2;
                    l.Use(PlainHttpRefusal.Middleware);
                    l.UseHttps(options.ServingCertificate);
                });
        });
        _app = builder.Build();
        _log = _app.Logger;
        _app.Run(HandleAsync);
    }

    /// <summary>Starts listening, then writes the objects every cluster has (namespaces, the kubernetes Service) and reports ready.</summary>
    public static async Task<ApiServerHost> StartAsync(ApiServerOptions options, IObjectStore store, CancellationToken ct = default)
    {
        var host = new ApiServerHost(options, store);
        await host._app.StartAsync(ct);
        await new ClusterBootstrap(host.Registry, options).RunAsync(ct);
        host._metricsScraper.Start();
        host._ready = true;
        return host;
    }

    async Task HandleAsync(HttpContext ctx)
    {
        // Every request also ends when the server stops: watches, followed logs and exec sessions never end by
        // themselves, and Kestrel would hold the stop for its 30 s shutdown timeout and then reset them.
        using var untilStopping = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, _app.Lifetime.ApplicationStopping);
        ctx.RequestAborted = untilStopping.Token;
        var path = ctx.Request.Path.Value ?? "/";
        try
        {
            if (path is "/healthz" or "/livez" or "/readyz" || path.StartsWith("/readyz/") || path.StartsWith("/livez/") || path.StartsWith("/healthz/"))
            {
                var ok = !path.StartsWith("/readyz") || _ready;
                ctx.Response.StatusCode = ok ? 200 : 503;
                ctx.Response.ContentType = "text/plain; charset=utf-8";
                await ctx.Response.WriteAsync(ok ? "ok" : "[-]bootstrap not finished\nreadyz check failed");
                return;
            }
            if (!Authentication.IsPublic(path) && !Authentication.IsAuthenticated(ctx.Request, _options.Tokens))
                throw ApiException.Unauthorized();
            if (await DiscoveryHandler.TryHandleAsync(ctx, path)) return;
            if (await _metrics.TryHandleAsync(ctx, path)) return;
            if (_options.ExtraHandler is { } extra && await extra(ctx, path)) return;
            var info = RequestInfoParser.Parse(path)
                ?? throw new ApiException(404, "NotFound", "the server could not find the requested resource");
            await _resources.HandleAsync(ctx, info);
        }
        catch (ApiException e)
        {
            if (!ctx.Response.HasStarted) await Responses.WriteErrorAsync(ctx, e);
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested) { }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException e)
        {
            // Kestrel's own refusals of a request's framing or size, answered as a Status rather than a 500.
            var error = e.StatusCode == StatusCodes.Status413PayloadTooLarge ? BodyLimits.TooLarge() : ApiException.BadRequest(e.Message);
            if (!ctx.Response.HasStarted) await Responses.WriteErrorAsync(ctx, error);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            // Malformed input that slipped past a parser: a 400, never a crash.
            if (!ctx.Response.HasStarted) await Responses.WriteErrorAsync(ctx, ApiException.BadRequest(e.Message));
        }
        catch (Exception e)
        {
            _log.LogError(e, "{Method} {Path} failed", ctx.Request.Method, path);
            if (!ctx.Response.HasStarted) await Responses.WriteErrorAsync(ctx, ApiException.Internal(e.Message));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _metricsScraper.DisposeAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
