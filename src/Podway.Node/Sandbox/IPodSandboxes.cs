using System.Diagnostics;
using System.Net;

namespace Podway.Node.Sandbox;

/// <summary>What a Pod's sandbox needs: identity, hostname, DNS and hosts configuration, hostPorts.</summary>
public sealed record SandboxSpec
{
    public required string PodUid { get; init; }
    public required string Namespace { get; init; }
    public required string Name { get; init; }
    /// <summary>spec.hostname or the pod name (truncated to 63 characters as the kubelet does).</summary>
    public required string Hostname { get; init; }
    public string? Subdomain { get; init; }
    /// <summary>The /etc/resolv.conf content for the Pod's dnsPolicy (see PodDns.ResolvConf).</summary>
    public required string ResolvConf { get; init; }
    /// <summary>spec.hostAliases as (ip, hostnames).</summary>
    public IReadOnlyList<(string Ip, IReadOnlyList<string> Hostnames)> HostAliases { get; init; } = [];
    /// <summary>Container ports with a hostPort, for the portmap CNI plugin.</summary>
    public IReadOnlyList<HostPortMapping> HostPorts { get; init; } = [];
}

public sealed record HostPortMapping(int HostPort, int ContainerPort, string Protocol, string? HostIp);

/// <summary>A running sandbox: its network namespace, the holder process whose namespaces containers join, and the Pod IP.</summary>
public sealed record SandboxInfo(string PodUid, string NetnsName, string NetnsPath, int HolderPid, IPAddress PodIp)
{
    /// <summary>The Pod's hosts, hostname and resolv.conf, which every container gets over its /etc; null: none.</summary>
    public string? EtcDir { get; init; }
}

/// <summary>
/// Pod sandboxes on one node: a network namespace wired by the real CNI plugins (bridge + host-local + loopback +
/// portmap) plus a holder process with its own UTS and mount namespaces carrying the hostname, /etc/hosts and
/// /etc/resolv.conf. Every container and exec of the Pod joins the holder's namespaces, so they share localhost.
/// </summary>
public interface IPodSandboxes
{
    /// <summary>Creates (or returns the existing) sandbox for the pod. Idempotent by PodUid.</summary>
    Task<SandboxInfo> CreateAsync(SandboxSpec spec, CancellationToken ct);

    /// <summary>Stops the holder, runs CNI DEL, removes the netns and state. Idempotent; a missing sandbox is fine.</summary>
    Task RemoveAsync(string podUid, CancellationToken ct);

    /// <summary>Sandboxes that exist on this node (from state on disk, checked against the kernel): adopted after an agent restart.</summary>
    IReadOnlyList<SandboxInfo> List();

    /// <summary>
    /// Why a sandbox from CreateAsync or List can no longer carry traffic (its namespace or interface vanished), or null
    /// when it is whole; the kubelet then kills the Pod's containers and makes a new sandbox.
    /// </summary>
    string? Damage(SandboxInfo sandbox) => null;

    /// <summary>Every Pod uid with state on this node, live or half-made: after a restart, adopt (List) or RemoveAsync each.</summary>
    IReadOnlyList<string> KnownPodUids();

    /// <summary>
    /// A ProcessStartInfo that runs file+args inside the sandbox's network, UTS and IPC namespaces, in a mount namespace
    /// of its own with the Pod's hosts, hostname and resolv.conf over /etc, with an empty environment the caller fills.
    /// </summary>
    ProcessStartInfo Enter(SandboxInfo sandbox, string file, IEnumerable<string> args);

    /// <summary>As Enter, starting in workingDir (ProcessStartInfo.WorkingDirectory does not apply: the process starts in /).</summary>
    ProcessStartInfo Enter(SandboxInfo sandbox, string file, IEnumerable<string> args, string? workingDir);
}
