using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Podway.Edge.Forwarding;
using Podway.Edge.Gateway;
using Podway.Edge.Routing;

namespace Podway.Edge.Serving;

/// <summary>
/// The request delegate of a Gateway port: the edge target port says which Gateway and listener port a request came
/// in on (see the README), the Host picks the listener, the HTTPRoute rules of that listener pick the action; then
/// the rule's filters (header changes, redirect, rewrite, mirror) and a weighted backend, forwarded as Ingress
/// traffic is. gRPC calls try the listener's GRPCRoute rules first (GatewayRequestHandler.Grpc.cs).
/// </summary>
internal sealed partial class GatewayRequestHandler(int targetPort, Func<IEdgeRoutes> routes, HttpForwarder forwarder, HttpMessageInvoker mirrorClient, AccessLog? log)
{
    public async Task HandleAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var clientIp = RequestHeaders.ClientIp(context);
        ForwardOutcome outcome = default;
        string? owner = null;
        try
        {
            var request = context.Request;
            var port = routes().Gateways.Port(targetPort);
            // X-Forwarded-Port (and redirects) name the listener's port, not the edge's.
            if (port is not null) context.Connection.LocalPort = port.ListenerPort;
            var host = EdgeRequestHandler.HostOf(request);
            var path = request.Path.Value is { Length: > 0 } p ? p : "/";
            var listener = port?.ListenerFor(host);
            Func<string, string?> header = name => request.Headers.TryGetValue(name, out var v) ? v.ToString() : null;
            var grpcCall = GrpcLocalStatus.IsGrpc(request);
            if (grpcCall && listener?.MatchGrpc(host, path, header) is { } grpcRule)
            {
                owner = $"GRPCRoute/{grpcRule.Action.Route}";
                outcome = await ForwardGrpcAsync(context, grpcRule.Action, clientIp);
                return;
            }
            var rule = listener?.Match(host, path, request.Method, header,
                name => request.Query.TryGetValue(name, out var v) ? v[0] : null);
            if (rule is null)
            {
                // What upstream conformance expects of a gRPC call no route takes: the status UNIMPLEMENTED.
                outcome = grpcCall
                    ? GrpcLocalStatus.Write(context, GrpcLocalStatus.Unimplemented, $"no route for {path} on {(host.Length > 0 ? host : "this Gateway")}")
                    : await EdgeRequestHandler.Local(context, StatusCodes.Status404NotFound);
                return;
            }
            var action = rule.Action;
            owner = $"HTTPRoute/{action.Route}";
            if (action.RequestHeaders is { } requestChanges) Apply(request.Headers, requestChanges);
            if (action.ResponseHeaders is { } responseChanges)
                context.Response.OnStarting(() => { Apply(context.Response.Headers, responseChanges); return Task.CompletedTask; });
            if (action.Redirect is { } redirect)
            {
                context.Response.StatusCode = redirect.StatusCode;
                context.Response.Headers.Location = Location(redirect, request, host, path, rule.Path, port!.ListenerPort);
                return;
            }
            if (action.Rewrite is { } rewrite) Rewrite(context, rewrite, path, rule.Path);
            foreach (var mirror in action.Mirrors) Mirror(context, mirror);
            var backend = action.Pick();
            if (backend?.Pool is not { } pool)
            {
                // The spec: a request for a backend that cannot be used (invalid ref, no backends) gets 500.
                outcome = await EdgeRequestHandler.Local(context, StatusCodes.Status500InternalServerError);
                return;
            }
            if (pool.Usable.Count == 0)
            {
                outcome = await EdgeRequestHandler.Local(context, StatusCodes.Status503ServiceUnavailable);
                return;
            }
            outcome = await ForwardWithTimeout(context, pool, clientIp, action);
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
            outcome = outcome with { ClientAborted = true };
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"edge: gateway {context.Request.Method} {context.Request.Host}{context.Request.Path}: {e}");
            outcome = await EdgeRequestHandler.Local(context, StatusCodes.Status500InternalServerError);
        }
        finally
        {
            if (log is not null) EdgeRequestHandler.Log(log, context, clientIp, outcome, owner, started);
        }
    }

    /// <summary>timeouts.request / backendRequest: the forwarder gives up when the request's token fires; a client still
    /// there then gets 504 (when nothing was sent yet).</summary>
    async Task<ForwardOutcome> ForwardWithTimeout(HttpContext context, BackendPool pool, string clientIp, RouteAction action)
    {
        var timeout = (action.RequestTimeout, action.BackendTimeout) switch
        {
            ({ } r, { } b) => r < b ? r : b,
            ({ } r, null) => r,
            (null, { } b) => b,
            _ => (TimeSpan?)null,
        };
        if (timeout is null) return await forwarder.ForwardAsync(context, pool, clientIp);
        var clientAborted = context.RequestAborted;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(clientAborted);
        deadline.CancelAfter(timeout.Value);
        context.RequestAborted = deadline.Token;
        var outcome = await forwarder.ForwardAsync(context, pool, clientIp);
        context.RequestAborted = clientAborted;
        if (outcome.ClientAborted && !clientAborted.IsCancellationRequested)
            return await EdgeRequestHandler.Local(context, StatusCodes.Status504GatewayTimeout);
        return outcome;
    }

    static void Apply(IHeaderDictionary headers, HeaderChanges changes)
    {
        foreach (var (name, value) in changes.Set) headers[name] = value;
        foreach (var (name, value) in changes.Add)
            headers[name] = headers.TryGetValue(name, out var existing) && existing.Count > 0 ? $"{existing},{value}" : value;
        foreach (var name in changes.Remove) headers.Remove(name);
    }

    /// <summary>RequestRedirect: each part the filter leaves out is the request's; the port is the listener's unless
    /// the scheme changes, and is left out when it is the scheme's default.</summary>
    static string Location(RequestRedirect redirect, HttpRequest request, string host, string path, PathMatch matched, int listenerPort)
    {
        var scheme = redirect.Scheme ?? (request.IsHttps ? "https" : "http");
        var hostname = redirect.Hostname ?? host;
        int? port = redirect.Port ?? (redirect.Scheme is null ? listenerPort : null);
        if (port == 80 && scheme == "http" || port == 443 && scheme == "https") port = null;
        var newPath = redirect.Path?.Apply(path, matched) ?? path;
        return $"{scheme}://{hostname}{(port is null ? "" : $":{port}")}{newPath}{request.QueryString.Value}";
    }

    /// <summary>URLRewrite: the Host header and the request target the upstream gets (the query is kept).</summary>
    static void Rewrite(HttpContext context, UrlRewrite rewrite, string path, PathMatch matched)
    {
        if (rewrite.Hostname is { } hostname) context.Request.Headers.Host = hostname;
        if (rewrite.Path is { } modifier)
        {
            var feature = context.Features.Get<IHttpRequestFeature>()!;
            feature.RawTarget = modifier.Apply(path, matched) + context.Request.QueryString.Value;
        }
    }

    /// <summary>RequestMirror: a copy of the request (head only: a body is streamed once, to the real backend) to one
    /// endpoint of the mirror backend; its answer is dropped.</summary>
    void Mirror(HttpContext context, BackendPool pool)
    {
        if (pool.Usable.Count == 0) return;
        var upstream = pool.Usable[Random.Shared.Next(pool.Usable.Count)];
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "/";
        var address = upstream.Address.Contains(':') ? $"[{upstream.Address}]" : upstream.Address;
        var message = new HttpRequestMessage(new HttpMethod(context.Request.Method), $"http://{address}:{upstream.Port}{target}");
        foreach (var (name, values) in context.Request.Headers)
            if (!name.StartsWith(':') && !HopByHop.Is(name)) message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        _ = Task.Run(async () =>
        {
            try { using var response = await mirrorClient.SendAsync(message, CancellationToken.None); }
            catch (Exception) { } // a mirror's failure is never the client's
            finally { message.Dispose(); }
        });
    }
}
