using System.Text.Json.Nodes;
using Podway.Node.Runtime.Cgroups;
using Podway.Node.Runtime.Oci;

namespace Podway.Node.Runtime;

/// <summary>
/// Everything needed to start one run of a container.
/// </summary>
internal sealed record ContainerLaunch(
    string File,
    IReadOnlyList<string> Args,
    IReadOnlyDictionary<string, string> Env,
    string? WorkingDir,
    bool Stdin,
    bool StdinOnce,
    bool Tty,
    ContainerPaths Paths)
{
    /// <summary>The built-in image whose layer the root gets; null: the base layer alone.</summary>
    public string? Image { get; init; }
    public ContainerSecurity Security { get; init; } = new();
    public ContainerResources Resources { get; init; } = ContainerResources.None;
    /// <summary>spec.shareProcessNamespace: join the sandbox's PID namespace instead of getting one's own.</summary>
    public bool SharePidNamespace { get; init; }
    public JsonObject? Seccomp { get; init; }
    /// <summary>The container's volumes: (host source, mount path, read-only), bound in order.</summary>
    public IReadOnlyList<(string Source, string Destination, bool ReadOnly)> Mounts { get; init; } = [];
    /// <summary>A process whose PID namespace the run joins (kubectl debug --target: the target container's init).</summary>
    public int? JoinPidNamespaceOf { get; init; }
}
