using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Podway.Edge.Forwarding;
using Podway.Edge.Routing;
using Podway.Edge.Routing.Annotations;

namespace Podway.Edge.Serving;

/// <summary>
/// A request an Ingress routes, with that Ingress's annotations applied in nginx's phase order: the body size against
/// Content-Length (nginx checks it when it picks the location: 413), the CORS answer to OPTIONS (rewrite phase: 204),
/// the per-client limits (preaccess phase: 503), the source ranges and basic auth (access phase: 403, 401), then the
/// rewrite, the upstream Host, the canary and affinity choice, and the forward with the Ingress's backend protocol and
/// timeouts (503 when the backend has no usable endpoint). Pooled state machines, as the forwarder's: every Ingress
/// request passes here.
/// </summary>
internal static class IngressForward
{
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<ForwardOutcome> HandleAsync(HttpContext context, RouteDecision.Forward forward, HttpForwarder forwarder, string clientIp)
    {
        var behaviour = forward.Behaviour;
        var request = context.Request;
        if (behaviour.Limits?.MaxBodyBytes is { } maxBody)
        {
            if (request.ContentLength > maxBody) return await EdgeRequestHandler.Local(context, StatusCodes.Status413PayloadTooLarge);
            // A chunked body is counted as it is read: Kestrel fails the read past the limit.
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize) bodySize.MaxRequestBodySize = maxBody;
        }
        if (behaviour.Cors is { } cors && CorsResponse.Apply(context, cors)) return new(null, 0, ClientAborted: false);
        var lease = ClientLimiter.Lease.None;
        if (behaviour.RateLimits is { } limits && limits.Exempt?.Allows(context.Connection.RemoteIpAddress) != true)
        {
            if (!limits.Limiter.TryRequest(clientIp) || limits.Limiter.TryEnter(clientIp) is not { } entered)
                return await EdgeRequestHandler.Local(context, StatusCodes.Status503ServiceUnavailable);
            lease = entered;
        }
        using (lease) return await AdmittedAsync(context, forward, forwarder, clientIp);
    }

    /// <summary>Past the limits: the access checks, then the forward.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    static async ValueTask<ForwardOutcome> AdmittedAsync(HttpContext context, RouteDecision.Forward forward, HttpForwarder forwarder, string clientIp)
    {
        var behaviour = forward.Behaviour;
        var request = context.Request;
        if (behaviour.AllowedSources is { } sources && !sources.Allows(context.Connection.RemoteIpAddress))
            return await EdgeRequestHandler.Local(context, StatusCodes.Status403Forbidden);
        if (behaviour.Auth is { } auth && BasicAuthCheck.Refusal(context, auth) is { } refused)
            return await EdgeRequestHandler.Local(context, refused);

        if (forward.Rewrite is { } rewrite && rewrite.Apply(request.Path.Value ?? "/", request.QueryString.Value) is { } target)
        {
            context.Features.Get<IHttpRequestFeature>()!.RawTarget = target;
            if (rewrite.XForwardedPrefix is { } prefix) request.Headers["X-Forwarded-Prefix"] = prefix;
        }
        if (behaviour.UpstreamVhost is { } vhost) context.Features.Set(new UpstreamHostFeature(vhost));

        var backend = forward.Backend;
        // A canary without a usable endpoint leaves the request to the main backend.
        if (forward.Canary is { Backend.Usable.Count: > 0 } canary && canary.Chooses(HeaderOf(request), CookieOf(request), Random.Shared))
            backend = canary.Backend;
        if (backend.Usable.Count == 0) return await EdgeRequestHandler.Local(context, StatusCodes.Status503ServiceUnavailable);
        var settings = new UpstreamSettings(behaviour.Protocol, behaviour.Limits?.Connect, behaviour.Limits?.Read, behaviour.Limits?.Send);
        if (forward.Affinity is { } affinity)
        {
            var (session, pinned) = StickySession.Start(context, affinity, backend);
            settings = settings with { Pinned = pinned, PinnedOnly = !affinity.ChangeOnFailure, Chosen = session.Chosen };
        }
        return await forwarder.ForwardAsync(context, backend, clientIp, settings);
    }

    static Func<string, string?> HeaderOf(HttpRequest request) =>
        name => request.Headers.TryGetValue(name, out var value) && value.Count > 0 ? value[0] : null;

    static Func<string, string?> CookieOf(HttpRequest request) =>
        name => request.Cookies.TryGetValue(name, out var value) ? value : null;
}
