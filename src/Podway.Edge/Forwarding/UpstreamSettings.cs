using Podway.Edge.Routing;
using Podway.Edge.Routing.Annotations;

namespace Podway.Edge.Forwarding;

/// <summary>Per-request upstream settings from the route (an Ingress's annotations); default: the edge's own.</summary>
/// <param name="Protocol">HTTP/1.1, HTTPS, h2c (GRPC, H2C) or HTTP/2 over TLS (GRPCS).</param>
/// <param name="Connect">TCP connect timeout per endpoint; null: the edge's.</param>
/// <param name="Read">Wait for response headers and between body reads; null: the edge's.</param>
/// <param name="Send">Between two successive writes of the request to an HTTP/1.1 upstream; null: none.</param>
/// <param name="Pinned">Session affinity: the endpoint to try first (one of the pool's usable ones).</param>
/// <param name="PinnedOnly">Try no other endpoint after the pinned one.</param>
/// <param name="Chosen">Told each endpoint tried, the last being the one that answered (for the affinity cookie).</param>
internal readonly record struct UpstreamSettings(BackendProtocol Protocol, TimeSpan? Connect, TimeSpan? Read,
    TimeSpan? Send = null, Upstream? Pinned = null, bool PinnedOnly = false, Action<Upstream>? Chosen = null);
