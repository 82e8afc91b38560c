namespace Podway.Node.Runtime;

/// <summary>How a node's containers are run.</summary>
public sealed record ContainerRuntimeOptions
{
    /// <summary>The podway program that built-in images run (`podway image PROGRAM`); its directory is bound read-only into their containers.</summary>
    public required string PodwayExecutable { get; init; }
    /// <summary>The OCI runtime binary.</summary>
    public string OciRuntime { get; init; } = "/usr/bin/crun";
    /// <summary>Host directories bound at the same path into every container (tests use one to exchange files).</summary>
    public IReadOnlyList<string> ExtraBinds { get; init; } = [];
    public Action<string>? Log { get; init; }
}
