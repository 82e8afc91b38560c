namespace Podway.Node.Runtime;

/// <summary>
/// Everything needed to start one run of a container. TargetContainerName (an ephemeral container's
/// targetContainerName) names the container of the same Pod whose PID namespace the run should join.
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
    public string? TargetContainerName { get; init; }
}
