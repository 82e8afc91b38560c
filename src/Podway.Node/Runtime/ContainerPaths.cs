namespace Podway.Node.Runtime;

/// <summary>
/// Where one run (attempt) of a container keeps its files: &lt;StateDir&gt;/pods/&lt;uid&gt;/&lt;container&gt;/&lt;attempt&gt;.*
/// The .log file is the CRI log kubectl logs reads; .stdout/.stderr are the raw streams the container writes
/// itself (so they outlive the agent); .pid and .exit are written by the shim.
/// </summary>
internal sealed record ContainerPaths(string Dir, int Attempt)
{
    public static ContainerPaths For(string stateDir, string podUid, string container, int attempt) =>
        new(Path.Combine(PodDir(stateDir, podUid), container), attempt);

    public static string PodDir(string stateDir, string podUid) => Path.Combine(stateDir, "pods", podUid);

    public string Log => Path.Combine(Dir, $"{Attempt}.log");
    public string RawStdout => Path.Combine(Dir, $"{Attempt}.stdout");
    public string RawStderr => Path.Combine(Dir, $"{Attempt}.stderr");
    public string PidFile => Path.Combine(Dir, $"{Attempt}.pid");
    public string ExitFile => Path.Combine(Dir, $"{Attempt}.exit");
    public string OffsetsFile => Path.Combine(Dir, $"{Attempt}.offsets");
}
