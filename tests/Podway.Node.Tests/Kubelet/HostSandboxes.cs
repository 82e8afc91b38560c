using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Podway.Node.Sandbox;

namespace Podway.Node.Tests.Kubelet;

/// <summary>
/// A real but namespace-less IPodSandboxes for agent tests: containers run as plain host processes, the pod IP is
/// 127.0.0.1. It records what the agent asked for, and survives agent restarts when the same instance is reused.
/// Removing a sandbox deletes &lt;stateDir&gt;/pods/&lt;uid&gt; with everything in it, as PodSandboxes does.
/// </summary>
internal sealed class HostSandboxes(string stateDir) : IPodSandboxes
{
    readonly ConcurrentDictionary<string, SandboxInfo> _sandboxes = new();
    public ConcurrentDictionary<string, SandboxSpec> Specs { get; } = new();
    public ConcurrentBag<string> Removed { get; } = [];
    /// <summary>Sandboxes to report as broken (by pod uid, with the reason), as if their network had vanished.</summary>
    public ConcurrentDictionary<string, string> Damaged { get; } = new();

    public Task<SandboxInfo> CreateAsync(SandboxSpec spec, CancellationToken ct)
    {
        Specs[spec.PodUid] = spec;
        return Task.FromResult(_sandboxes.GetOrAdd(spec.PodUid, uid => new SandboxInfo(uid, "host", "/proc/self/ns/net", Environment.ProcessId, IPAddress.Loopback)));
    }

    public Task RemoveAsync(string podUid, CancellationToken ct)
    {
        if (_sandboxes.TryRemove(podUid, out _)) Removed.Add(podUid);
        Damaged.TryRemove(podUid, out _); // the next sandbox of the pod is a new, whole one
        // As PodSandboxes, the Pod's directory goes too; best effort, as a container's mounts may still be detaching.
        var podDir = Path.Combine(stateDir, "pods", podUid);
        try { if (Directory.Exists(podDir)) Directory.Delete(podDir, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return Task.CompletedTask;
    }

    public string? Damage(SandboxInfo sandbox) => Damaged.TryGetValue(sandbox.PodUid, out var why) ? why : null;

    public IReadOnlyList<SandboxInfo> List() => [.. _sandboxes.Values];

    public bool Exists(string podUid) => _sandboxes.ContainsKey(podUid);

    public IReadOnlyList<string> KnownPodUids() => [.. _sandboxes.Keys];

    public ProcessStartInfo Enter(SandboxInfo sandbox, string file, IEnumerable<string> args) => new(file, args);

    public ProcessStartInfo Enter(SandboxInfo sandbox, string file, IEnumerable<string> args, string? workingDir) =>
        new(file, args) { WorkingDirectory = workingDir ?? "" };
}
