namespace Podway.Node.Runtime;

/// <summary>How a run ended, as the container status reports it.</summary>
public sealed record TerminatedInfo(int ExitCode, string Reason, DateTime StartedAt, DateTime FinishedAt, string? Message = null, int? Signal = null);

/// <summary>
/// What the agent persists about one container of a pod (state.json), enough to adopt its running process
/// after an agent restart and to keep restartCount and lastState.
/// </summary>
internal sealed record ContainerRecord
{
    public required string Name { get; init; }
    public int RestartCount { get; init; }
    /// <summary>Attempt index of the most recent run; -1 before the first start.</summary>
    public int Attempt { get; init; } = -1;
    public int ShimPid { get; init; }
    public long ShimStartTime { get; init; }
    public DateTime? StartedAt { get; init; }
    public TerminatedInfo? Terminated { get; init; }
    public TerminatedInfo? LastTerminated { get; init; }
    /// <summary>The running container's environment and working directory, which kubectl exec reuses after adoption.</summary>
    public Dictionary<string, string>? Env { get; init; }
    public string? WorkingDir { get; init; }
}

internal sealed record PodRecord
{
    public required string Uid { get; init; }
    public required string Namespace { get; init; }
    public required string Name { get; init; }
    public List<ContainerRecord> Containers { get; init; } = [];
}
