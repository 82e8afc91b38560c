namespace Podway.Node.Runtime;

/// <summary>Everything needed to start one run of a container.</summary>
internal sealed record ContainerLaunch(
    string File,
    IReadOnlyList<string> Args,
    IReadOnlyDictionary<string, string> Env,
    string? WorkingDir,
    bool Stdin,
    bool StdinOnce,
    bool Tty,
    ContainerPaths Paths);
