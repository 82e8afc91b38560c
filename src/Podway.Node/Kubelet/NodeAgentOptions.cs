namespace Podway.Node.Kubelet;

/// <summary>Knobs of the node agent; defaults are the kubelet's.</summary>
public sealed record NodeAgentOptions
{
    /// <summary>
    /// Called with a terminating Pod's IP before its containers get SIGTERM, bounded by min(grace period, 2 s): the
    /// node's service proxy uses it to finish steering new connections away first.
    /// </summary>
    public Func<string, TimeSpan, CancellationToken, Task>? BeforeStoppingPod { get; init; }

    /// <summary>nodeStatusUpdateFrequency.</summary>
    public TimeSpan StatusUpdateInterval { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>The Lease is renewed every 10 s (a quarter of its 40 s duration).</summary>
    public TimeSpan LeaseRenewInterval { get; init; } = TimeSpan.FromSeconds(10);
    public int LeaseDurationSeconds { get; init; } = 40;
    public int MaxPods { get; init; } = 110;
    /// <summary>Crash-loop back-off: 10 s doubling to 300 s, forgotten after 10 min without a crash.</summary>
    public TimeSpan BackOffInitial { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan BackOffMax { get; init; } = TimeSpan.FromSeconds(300);
    /// <summary>How often a pod worker re-syncs without being woken (the kubelet's resync is 1 min; runs are also watched).</summary>
    public TimeSpan PodResyncInterval { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>How often the agent checks that every Pod's sandbox still has its network (file reads only).</summary>
    public TimeSpan SandboxCheckInterval { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>Shown as containerRuntimeVersion "podway://&lt;version&gt;".</summary>
    public string RuntimeVersion { get; init; } = "0.1.0";
    /// <summary>The host resolv.conf that dnsPolicy Default copies and ClusterFirst appends searches from.</summary>
    public string HostResolvConf { get; init; } = "/etc/resolv.conf";
    /// <summary>
    /// The node resolver (podway's host DNS relay on the cluster bridge): the nameserver of Pods with dnsPolicy
    /// Default, instead of the host file's (see PodDns.ResolvConf). Null: the host file's nameservers.
    /// </summary>
    public System.Net.IPAddress? NodeResolver { get; init; }
    /// <summary>How containers run (the OCI runtime, the podway program of the built-in images); null: crun with this process's program.</summary>
    public Podway.Node.Runtime.ContainerRuntimeOptions? Runtime { get; init; }
    public Action<string>? Log { get; init; }
}
