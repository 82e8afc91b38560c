using System.Text.Json;
using System.Text.Json.Serialization;

namespace Podway.Cluster;

/// <summary>
/// The small JSON files one podway process writes for others to read (agent.state, server.state): written whole
/// through a rename, so a reader never sees half a file; an unreadable one reads as absent.
/// </summary>
internal static class StateFile
{
    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static void Save<T>(string file, T state)
    {
        File.WriteAllText(file + ".tmp", JsonSerializer.Serialize(state, Json));
        File.Move(file + ".tmp", file, overwrite: true);
    }

    public static T? Load<T>(string file) where T : class
    {
        try { return JsonSerializer.Deserialize<T>(File.ReadAllText(file), Json); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException) { return null; }
    }
}
