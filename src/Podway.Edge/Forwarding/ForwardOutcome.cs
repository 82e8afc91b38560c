using Podway.Edge.Routing;

namespace Podway.Edge.Forwarding;

/// <summary>What the access log needs to know about one forwarded request.</summary>
/// <param name="Upstream">The endpoint that answered (or the last one tried); null when none was tried.</param>
/// <param name="BodyBytes">Response body bytes sent to the client.</param>
/// <param name="ClientAborted">The client went away before the response was complete (logged as 499, like nginx).</param>
internal readonly record struct ForwardOutcome(Upstream? Upstream, long BodyBytes, bool ClientAborted);
