namespace Podway.Proxy.Tracking;

/// <summary>One endpoint of one Service port, merged over the Service's EndpointSlices (kube-proxy's BaseEndpointInfo).</summary>
internal sealed record EndpointInfo(string Ip, int Port, bool Ready, bool Serving, bool Terminating, string? NodeName, string? Zone)
{
    public string Address => $"{Ip}:{Port}";
}
