using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Podway.Edge.Forwarding;
using Podway.Edge.Routing;

namespace Podway.Edge.Serving;

/// <summary>
/// The one request delegate: route by host and path on the current snapshot, then answer 404, redirect (308),
/// or hand the request to its Ingress (<see cref="IngressForward"/>: annotations, 503 without endpoint, forward); and
/// log the request.
/// </summary>
internal sealed class EdgeRequestHandler(Func<IEdgeRoutes> routes, HttpForwarder forwarder, AccessLog? log)
{
    public async Task HandleAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var clientIp = RequestHeaders.ClientIp(context);
        ForwardOutcome outcome = default;
        IngressRef? ingress = null;
        try
        {
            if (IsRefusedMethod(context))
            {
                outcome = await Local(context, StatusCodes.Status405MethodNotAllowed);
                if (log is not null) Log(log, context, clientIp, outcome, ingress?.ToString(), started);
                return;
            }
            var decision = routes().Route(HostOf(context.Request), context.Request.Path.Value ?? "/", context.Request.IsHttps);
            switch (decision)
            {
                case RouteDecision.Forward forward:
                    ingress = forward.Ingress;
                    outcome = await IngressForward.HandleAsync(context, forward, forwarder, clientIp);
                    break;
                case RouteDecision.Redirect redirect:
                    context.Response.StatusCode = redirect.Status;
                    context.Response.Headers.Location = redirect.KeepQuery ? redirect.Location + context.Request.QueryString.Value : redirect.Location;
                    break;
                default:
                    outcome = await Local(context, StatusCodes.Status404NotFound);
                    break;
            }
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
            outcome = outcome with { ClientAborted = true };
        }
        catch (Exception e)
        {
            // A bug in routing or forwarding answers 500 for this request only (Kestrel would do the same, silently).
            Console.Error.WriteLine($"edge: {context.Request.Method} {context.Request.Host}{context.Request.Path}: {e}");
            outcome = await Local(context, StatusCodes.Status500InternalServerError);
        }
        if (log is not null) Log(log, context, clientIp, outcome, ingress?.ToString(), started);
    }

    /// <summary>CONNECT (tunnels to arbitrary hosts; HTTP/2 WebSocket CONNECTs are fine) and TRACE (echoes
    /// credentials back, cross-site tracing) are refused as nginx does, with 405.</summary>
    static bool IsRefusedMethod(HttpContext context)
    {
        var method = context.Request.Method;
        if (HttpMethods.IsTrace(method)) return true;
        return HttpMethods.IsConnect(method) && context.Features.Get<IHttpExtendedConnectFeature>() is not { IsExtendedConnect: true };
    }

    /// <summary>The edge's own answer (404, 503, ...), as the access log counts it.</summary>
    internal static async Task<ForwardOutcome> Local(HttpContext context, int status)
    {
        await LocalResponse.WriteAsync(context, status);
        return new(null, LocalResponse.BodyLength(status), ClientAborted: false);
    }

    /// <summary>The Host header (HTTP/2: :authority) in lower case without port.</summary>
    internal static string HostOf(HttpRequest request)
    {
        if (!request.Host.HasValue) return ""; // HTTP/1.0 without Host
        var host = request.Host.Host;
        foreach (var c in host)
            if (char.IsAsciiLetterUpper(c)) return host.ToLowerInvariant();
        return host;
    }

    /// <summary>One access log line; <paramref name="owner"/> is the Ingress (or HTTPRoute) that routed it.</summary>
    internal static void Log(AccessLog log, HttpContext context, string clientIp, ForwardOutcome outcome, string? owner, long started)
    {
        var request = context.Request;
        var headers = request.Headers;
        log.Write(
            clientIp,
            request.Method,
            context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "/",
            request.Protocol,
            outcome.ClientAborted ? 499 : context.Response.StatusCode,
            outcome.BodyBytes,
            headers.Referer.Count > 0 ? headers.Referer.ToString() : null,
            headers.UserAgent.Count > 0 ? headers.UserAgent.ToString() : null,
            outcome.Upstream?.ToString(),
            Stopwatch.GetElapsedTime(started).TotalSeconds,
            owner);
    }
}
