using System.Diagnostics;
using System.Text.Json.Nodes;
using Podway.Node.Network;
using Podway.Node.Runtime.Cgroups;
using Podway.Node.Runtime.Oci;
using Podway.Node.Runtime.Rootfs;
using Podway.Node.Sandbox;

namespace Podway.Node.Runtime;

/// <summary>
/// Runs a node's containers with an OCI runtime (crun), as containerd's CRI plugin does: per run a bundle with a
/// generated config.json and a root overlay (the image's layer over the base layer, a private writable layer on
/// top), a cgroup of podway's own with the container's limits, and the Pod sandbox's network, UTS and IPC namespaces.
/// The runtime's state lives in /run/podway/&lt;cluster&gt;/&lt;node&gt;; everything else under the node's state directory.
/// </summary>
internal sealed class ContainerRuntime
{
    static readonly Lock PrepareGate = new();
    static CgroupHost? _host;

    readonly NodeIdentity _node;
    readonly ContainerRuntimeOptions _options;
    readonly LayerStore _layers;
    /// <summary>The OCI runtime as this node runs it (its sealed copy).</summary>
    readonly string _oci;

    readonly IReadOnlySet<string> _imagesRunningPodway;

    public ContainerRuntime(NodeIdentity node, ContainerRuntimeOptions options, IReadOnlyDictionary<string, Action<LayerWriter>> imageLayers,
        IReadOnlySet<string> imagesRunningPodway)
    {
        _imagesRunningPodway = imagesRunningPodway;
        _node = node;
        _options = options;
        _layers = new LayerStore(Path.Combine(node.StateDir, "layers"), imageLayers);
        Cgroups = new CgroupTree(HostCgroups(options.Log), node.ClusterName, node.NodeName);
        StateRoot = StateRootFor(node.ClusterName, node.NodeName);
        _oci = SealedExecutable.Link(options.OciRuntime, $"{StateRoot}.bin");
    }

    public CgroupTree Cgroups { get; }
    /// <summary>crun --root: the runtime's own state of this node's containers.</summary>
    public string StateRoot { get; }
    public static string StateRootFor(string cluster, string nodeName) => $"/run/podway/{cluster}/{nodeName}";

    static CgroupHost HostCgroups(Action<string>? log)
    {
        lock (PrepareGate)
        {
            if (_host is not null) return _host;
            var host = CgroupHost.Detect();
            host.PrepareHybridForCrun(log);
            return _host = host;
        }
    }

    public ContainerHandle HandleFor(string podUid, ContainerPaths paths)
    {
        var name = Path.GetFileName(paths.Dir);
        var id = $"{podUid}-{name}-{paths.Attempt}";
        return new ContainerHandle(podUid, id, Path.Combine(paths.Dir, $"{paths.Attempt}.bundle"), Cgroups.ContainerRelative(podUid, $"{name}-{paths.Attempt}"));
    }

    /// <summary>Builds the image layers in the background, so the node's first containers find them ready.</summary>
    public Task BuildLayersAsync() => Task.Run(() =>
    {
        try { _layers.BuildAll(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _options.Log?.Invoke($"building the image layers ahead failed (each container builds its own): {e.Message}");
        }
    });

    /// <summary>
    /// Makes the run's bundle and cgroup; returns the command the shim runs (crun run in the foreground, so its exit
    /// status is the container's) and the cgroup.procs files the shim joins first.
    /// </summary>
    public (IReadOnlyList<string> Command, IReadOnlyList<string> CgroupProcs) Prepare(ContainerHandle handle, SandboxInfo sandbox, ContainerLaunch launch)
    {
        // A failed earlier try of the same attempt left its bundle (or crun's state): clean that first. Checked first, as
        // Cleanup reads the whole mount table, which grows by every Pod's mounts.
        if (Directory.Exists(handle.Bundle) || Directory.Exists(Path.Combine(StateRoot, handle.Id))) Cleanup(handle);
        var lower = _layers.LowerDirs(launch.Image);
        var upper = Directory.CreateDirectory(Path.Combine(handle.Bundle, "upper")).FullName;
        var work = Directory.CreateDirectory(Path.Combine(handle.Bundle, "work")).FullName;
        Directory.CreateDirectory(handle.RootfsDir);
        var rc = Mounts.Mount("overlay", handle.RootfsDir, "overlay", 0, $"lowerdir={string.Join(':', lower)},upperdir={upper},workdir={work}");
        if (rc != 0) throw new IOException($"mounting the root overlay of {handle.Id} failed (errno {rc})");

        var binds = new List<(string, string, bool)>();
        if (sandbox.EtcDir is { } etc)
            foreach (var file in new[] { "hosts", "hostname", "resolv.conf" })
                binds.Add((Path.Combine(etc, file), $"/etc/{file}", false));
        // Built-in images run podway's programs (their entrypoint scripts exec it): its build directory, read-only.
        if (launch.Image is { } image && _imagesRunningPodway.Contains(image))
        {
            var dir = Path.GetDirectoryName(_options.PodwayExecutable)!;
            binds.Add((dir, dir, true));
        }
        foreach (var dir in _options.ExtraBinds) binds.Add((dir, dir, false));
        binds.AddRange(launch.Mounts);

        var spec = RuntimeSpec.Build(new RuntimeSpecInput
        {
            Args = Argv(launch.File, launch.Args, launch.Tty),
            Env = launch.Env,
            WorkingDir = launch.WorkingDir,
            Security = launch.Security,
            SandboxPid = sandbox.HolderPid,
            SharePidNamespace = launch.SharePidNamespace,
            JoinPidNamespaceOf = launch.JoinPidNamespaceOf,
            UsrLowerDirs = [.. lower.Select(l => Path.Combine(l, "usr")).Where(Directory.Exists).Where(d => Directory.EnumerateFileSystemEntries(d).Any()), "/usr"],
            UsrUpperDir = Directory.CreateDirectory(Path.Combine(handle.Bundle, "usr-upper")).FullName,
            UsrWorkDir = Directory.CreateDirectory(Path.Combine(handle.Bundle, "usr-work")).FullName,
            Binds = binds,
            Seccomp = launch.Seccomp,
        });
        File.WriteAllText(handle.ConfigFile, spec.ToJsonString());
        var procs = Cgroups.CreateContainer(handle.PodUid, Path.GetFileName(handle.CgroupRelative), launch.Resources);
        return ([_oci, "--root", StateRoot, "--cgroup-manager=disabled", "run", "--bundle", handle.Bundle, "--pid-file", launch.Paths.PidFile, handle.Id], procs);
    }

    /// <summary>A process in a running container (kubectl exec, exec probes): crun exec with the container's user and capabilities, in its cgroup.</summary>
    public (ProcessStartInfo Start, string ProcessFile) Exec(ContainerHandle handle, IReadOnlyList<string> argv, IReadOnlyDictionary<string, string> env, string? workingDir, bool tty)
    {
        var config = JsonNode.Parse(File.ReadAllText(handle.ConfigFile))!["process"]!.AsObject();
        config["args"] = new JsonArray([.. Argv(argv[0], [.. argv.Skip(1)], tty).Select(a => (JsonNode)a)]);
        config["env"] = new JsonArray([.. env.Select(kv => (JsonNode)$"{kv.Key}={kv.Value}")]);
        if (workingDir is { Length: > 0 } wd && wd.StartsWith('/')) config["cwd"] = wd;
        var processFile = Path.Combine(handle.Bundle, $"exec-{Guid.NewGuid():N}.json");
        File.WriteAllText(processFile, config.ToJsonString());
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (var a in new[] { "-c", JoinCgroupThenExec, "podway-exec", _oci, "--root", StateRoot, "--cgroup-manager=disabled", "exec", "--process", processFile, handle.Id })
            psi.ArgumentList.Add(a);
        psi.Environment.Clear();
        psi.Environment["PODWAY_CGROUP_PROCS"] = string.Join(' ', Cgroups.ProcsFiles(handle.CgroupRelative));
        return (psi, processFile);
    }

    /// <summary>With a tty, the command runs under script(1) inside the container, which gives it a pseudo-terminal.</summary>
    static IReadOnlyList<string> Argv(string file, IReadOnlyList<string> args, bool tty)
    {
        var (f, a) = tty ? Shell.UnderPty(file, args) : (file, args);
        return [f, .. a];
    }

    /// <summary>sh: move this process into the container's cgroups, then become the given command.</summary>
    public const string JoinCgroupThenExec = JoinCgroup + """; exec "$@" """;

    /// <summary>sh: move this (sub)shell into the cgroups listed in $PODWAY_CGROUP_PROCS (writing 0 moves the writer).</summary>
    public const string JoinCgroup = """for f in $PODWAY_CGROUP_PROCS; do echo 0 > "$f" || exit 125; done""";

    public bool OomKilled(ContainerHandle handle) => Cgroups.OomKilled(handle.PodUid, Path.GetFileName(handle.CgroupRelative));

    /// <summary>SIGKILL to every process of the run (its init may not be a PID namespace's init, when the Pod shares one).</summary>
    public void KillAll(ContainerHandle handle) => Cgroups.KillAll(handle.CgroupRelative);

    /// <summary>Removes what a finished run leaves: runtime state, root overlay, writable layers, cgroup. Idempotent.</summary>
    public void Cleanup(ContainerHandle handle)
    {
        Cgroups.KillAll(handle.CgroupRelative);
        if (Directory.Exists(Path.Combine(StateRoot, handle.Id)))
            HostProcess.Run(_oci, "--root", StateRoot, "--cgroup-manager=disabled", "delete", "--force", handle.Id);
        foreach (var mount in Mounts.Under(handle.Bundle)) Mounts.Detach(mount);
        if (Directory.Exists(handle.Bundle)) Directory.Delete(handle.Bundle, recursive: true);
        Cgroups.Remove(handle.CgroupRelative);
    }

    /// <summary>Removes every run of a Pod (under its state directory) and its cgroup.</summary>
    public void RemovePod(string podUid)
    {
        var podDir = ContainerPaths.PodDir(_node.StateDir, podUid);
        foreach (var mount in Directory.Exists(podDir) ? Mounts.Under(podDir) : []) Mounts.Detach(mount);
        Cgroups.KillAll(Cgroups.PodRelative(podUid));
        Cgroups.Remove(Cgroups.PodRelative(podUid));
    }
}
