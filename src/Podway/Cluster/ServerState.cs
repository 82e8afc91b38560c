namespace Podway.Cluster;

/// <summary>What the supervisor knows of the control plane (DATA/server.state), for `podway status`.</summary>
internal sealed record ServerState
{
    public int Restarts { get; init; }
    public int? LastExitCode { get; init; }
    public DateTimeOffset? LastExitAt { get; init; }

    public static string FileIn(string dataDir) => Path.Combine(dataDir, "server.state");

    public void Save(string dataDir) => StateFile.Save(FileIn(dataDir), this, StateFileJson.Default.ServerState);

    public static ServerState? Load(string dataDir) => StateFile.Load(FileIn(dataDir), StateFileJson.Default.ServerState);

    public string Describe() => Restarts == 0 ? "0"
        : $"{Restarts} (last: the server exited with code {LastExitCode} at {LastExitAt:yyyy-MM-dd HH:mm:ss}Z)";
}
