namespace Podway.Proxy.Policy;

/// <summary>The node-side facts policy enforcement depends on.</summary>
public static class PolicyNodeAddresses
{
    /// <summary>The Pod bridge's address (the CNI host-local gateway, first address of the node's Pod range).</summary>
    public static string PodGateway(string podCidr) =>
        IpBlockRanges.Parse(podCidr) is { } r ? IpBlockRanges.Format(r.First + 1) : throw new ArgumentException($"not an IPv4 CIDR: {podCidr}", nameof(podCidr));

    const string BridgeNfCall = "/proc/sys/net/bridge/bridge-nf-call-iptables";

    /// <summary>
    /// Pods of one node talk across the Pod bridge; only with br_netfilter's bridge-nf-call-iptables (a per network
    /// namespace setting, in the node's namespace we run in) do those frames pass the `ip` forward hook. The host's
    /// own setting is not touched.
    /// </summary>
    public static void EnsureBridgedTrafficFiltered(Action<string>? log)
    {
        try
        {
            if (!File.Exists(BridgeNfCall))
            {
                log?.Invoke("policy: br_netfilter is not loaded: NetworkPolicy does not apply between Pods of the same node (load it with `modprobe br_netfilter`)");
                return;
            }
            if (File.ReadAllText(BridgeNfCall).Trim() != "1") File.WriteAllText(BridgeNfCall, "1");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log?.Invoke($"policy: cannot enable {BridgeNfCall}: {e.Message}");
        }
    }
}
