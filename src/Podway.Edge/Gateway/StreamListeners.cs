using Podway.Edge.Routing;

namespace Podway.Edge.Gateway;

/// <summary>
/// The L4 listener protocols (TLS, TCP, UDP): which route kinds each takes, whether it terminates TLS, and the
/// compiled <see cref="StreamPort"/> for a port's listeners.
/// </summary>
internal static class StreamListeners
{
    public static bool IsStream(string protocol) => protocol is "TLS" or "TCP" or "UDP";

    /// <summary>The route kinds a listener of this protocol supports (the first ones are its default supportedKinds);
    /// null for protocols that are not L4. TLS Passthrough takes TLSRoute (routed by SNI); TLS Terminate also takes
    /// TCPRoute (the decrypted stream to one backend), as Envoy Gateway; TCP takes TCPRoute, UDP UDPRoute.</summary>
    public static string[]? Kinds(ListenerState l) => l.Protocol switch
    {
        "TLS" => Terminates(l) ? ["TLSRoute", "TCPRoute"] : ["TLSRoute"],
        "TCP" => ["TCPRoute"],
        "UDP" => ["UDPRoute"],
        _ => null,
    };

    /// <summary>A TLS listener in mode Terminate (the CRD's default mode).</summary>
    public static bool Terminates(ListenerState l) => l.Protocol == "TLS" && (Json.Text(l.Spec["tls"]?["mode"]) ?? "Terminate") == "Terminate";

    /// <summary>One port's serving listeners (one protocol: conflicts are left out before) compiled for the data
    /// plane; each listener's routes most specific hostname first, then oldest.</summary>
    public static StreamPort Compile(IReadOnlyList<ListenerState> listeners, int listenerPort) =>
        new(listeners[0].Protocol, listenerPort, [.. listeners.Select(l => new StreamListener
        {
            Name = l.Name, Hostname = l.Hostname,
            Certificate = Terminates(l) ? l.Certificate : null,
            Routes = [.. l.StreamRoutes.OrderByDescending(r => Hostnames.Specificity(r.Hostname)).ThenBy(r => r.Age)],
        })]);
}
