namespace Podway.Node.Runtime;

/// <summary>
/// Where one run (attempt) of a container keeps its files: &lt;StateDir&gt;/pods/&lt;uid&gt;/&lt;container&gt;/&lt;attempt&gt;.*
/// .stdout/.stderr are the raw streams the container writes itself (so they outlive the agent); .pid and .exit are
/// written by the shim. The CRI log kubectl logs reads is &lt;StateDir&gt;/logs/&lt;uid&gt;/&lt;container&gt;/&lt;attempt&gt;.log
/// (the kubelet's /var/log/pods): outside the pod's directory, which goes with its sandbox, because logs of a
/// finished pod stay readable until the Pod object is deleted.
/// </summary>
internal sealed record ContainerPaths(string Dir, int Attempt)
{
    public static ContainerPaths For(string stateDir, string podUid, string container, int attempt) =>
        new(Path.Combine(PodDir(stateDir, podUid), container), attempt) { LogDir = Path.Combine(PodLogDir(stateDir, podUid), container) };

    public static string PodDir(string stateDir, string podUid) => Path.Combine(stateDir, "pods", podUid);

    public static string PodLogDir(string stateDir, string podUid) => Path.Combine(stateDir, "logs", podUid);

    /// <summary>The directory of the container's CRI logs (one file per attempt); Dir when not set.</summary>
    public string LogDir { get => field ?? Dir; init; }

    public string Log => Path.Combine(LogDir, $"{Attempt}.log");
    public string RawStdout => Path.Combine(Dir, $"{Attempt}.stdout");
    public string RawStderr => Path.Combine(Dir, $"{Attempt}.stderr");
    public string PidFile => Path.Combine(Dir, $"{Attempt}.pid");
    public string ExitFile => Path.Combine(Dir, $"{Attempt}.exit");
    public string OffsetsFile => Path.Combine(Dir, $"{Attempt}.offsets");
    /// <summary>Bound at the container's terminationMessagePath.</summary>
    public string TerminationLog => Path.Combine(Dir, $"{Attempt}.termination-log");
}
