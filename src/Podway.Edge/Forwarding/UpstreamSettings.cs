using Podway.Edge.Routing.Annotations;

namespace Podway.Edge.Forwarding;

/// <summary>Per-request upstream settings from the route (an Ingress's annotations); default: the edge's own.</summary>
/// <param name="Protocol">HTTP/1.1, HTTPS, h2c (GRPC, H2C) or HTTP/2 over TLS (GRPCS).</param>
/// <param name="Connect">TCP connect timeout per endpoint; null: the edge's.</param>
/// <param name="Read">Wait for response headers and between body reads; null: the edge's.</param>
internal readonly record struct UpstreamSettings(BackendProtocol Protocol, TimeSpan? Connect, TimeSpan? Read);
