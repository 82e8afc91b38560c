using Podway.Cluster;

namespace Podway.Nodes;

/// <summary>
/// What the supervisor last knew of a node's agent (&lt;node state dir&gt;/agent.state), for `podway status` and
/// `podway up`: another process cannot see the supervisor's memory, and a pid alone does not say "restarting".
/// </summary>
internal sealed record AgentState
{
    public const string Running = "running";
    /// <summary>Exited; waiting out the restart back-off.</summary>
    public const string Restarting = "restarting";
    /// <summary>Its node namespace is missing or being rebuilt; started once the network is whole.</summary>
    public const string WaitingForNetwork = "waiting for the node network";

    public required string State { get; init; }
    public int Pid { get; init; }
    public int Restarts { get; init; }
    public int? LastExitCode { get; init; }
    public DateTimeOffset Since { get; init; }

    public static string FileIn(string nodeStateDir) => Path.Combine(nodeStateDir, "agent.state");

    public void Save(string nodeStateDir) => StateFile.Save(FileIn(nodeStateDir), this, StateFileJson.Default.AgentState);

    public static AgentState? Load(string nodeStateDir) => StateFile.Load(FileIn(nodeStateDir), StateFileJson.Default.AgentState);

    public static void Delete(string nodeStateDir)
    {
        try { File.Delete(FileIn(nodeStateDir)); } catch (IOException) { }
    }

    string RestartCount => Restarts == 1 ? "1 restart" : $"{Restarts} restarts";

    /// <summary>"running (pid 123)", "restarting (last exit 137, 4 restarts)", for status lines.</summary>
    public string Describe() => State switch
    {
        Running => $"agent running (pid {Pid}{(Restarts > 0 ? $", {RestartCount}" : "")})",
        _ => $"agent {State}{(LastExitCode is { } c ? $" (last exit {c}, {RestartCount})" : "")}",
    };
}
