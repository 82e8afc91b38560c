namespace Podway.Edge.Routing;

/// <summary>
/// A Service port as the edge forwards to it: the endpoint addresses from its EndpointSlices with the port number
/// resolved for that Service port (by the slice's port name, as kube-proxy does).
/// </summary>
/// <param name="Display">`service:port` as describe shows it, e.g. `web:80`.</param>
/// <param name="Endpoints">Every endpoint of the Service port, with its conditions; see <see cref="Usable"/>.</param>
/// <param name="AppProtocol">The Service port's appProtocol (`kubernetes.io/h2c` means HTTP/2 cleartext upstream).</param>
public sealed record BackendPool(string Namespace, string Service, string Display, IReadOnlyList<Upstream> Endpoints, string? AppProtocol)
{
    /// <summary>Where new requests go: the ready endpoints; when none is ready, the serving ones that are terminating
    /// (kube-proxy's fallback); empty means answer 503.</summary>
    public IReadOnlyList<Upstream> Usable { get; } = PickUsable(Endpoints);

    static IReadOnlyList<Upstream> PickUsable(IReadOnlyList<Upstream> all)
    {
        var ready = all.Where(e => e.Ready).ToArray();
        return ready.Length > 0 ? ready : all.Where(e => e.Serving && e.Terminating).ToArray();
    }
}

/// <summary>One endpoint address and resolved port.</summary>
public sealed record Upstream(string Address, int Port, bool Ready, bool Serving, bool Terminating)
{
    public override string ToString() => $"{Address}:{Port}";
}
