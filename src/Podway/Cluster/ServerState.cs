using System.Text.Json;
using System.Text.Json.Serialization;

namespace Podway.Cluster;

/// <summary>What the supervisor knows of the control plane (DATA/server.state), for `podway status`.</summary>
internal sealed record ServerState
{
    public int Restarts { get; init; }
    public int? LastExitCode { get; init; }
    public DateTimeOffset? LastExitAt { get; init; }

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string FileIn(string dataDir) => Path.Combine(dataDir, "server.state");

    public void Save(string dataDir)
    {
        var file = FileIn(dataDir);
        File.WriteAllText(file + ".tmp", JsonSerializer.Serialize(this, Json));
        File.Move(file + ".tmp", file, overwrite: true);
    }

    public static ServerState? Load(string dataDir)
    {
        try { return JsonSerializer.Deserialize<ServerState>(File.ReadAllText(FileIn(dataDir)), Json); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException) { return null; }
    }

    public string Describe() => Restarts == 0 ? "0"
        : $"{Restarts} (last: the server exited with code {LastExitCode} at {LastExitAt:yyyy-MM-dd HH:mm:ss}Z)";
}
