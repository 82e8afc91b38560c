using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Podway.Nodes;

namespace Podway.Cluster;

/// <summary>
/// The small JSON files one podway process writes for others to read (agent.state, server.state): written whole
/// through a rename, so a reader never sees half a file; an unreadable one reads as absent.
/// </summary>
internal static class StateFile
{
    public static void Save<T>(string file, T state, JsonTypeInfo<T> json)
    {
        File.WriteAllText(file + ".tmp", JsonSerializer.Serialize(state, json));
        File.Move(file + ".tmp", file, overwrite: true);
    }

    public static T? Load<T>(string file, JsonTypeInfo<T> json) where T : class
    {
        try { return JsonSerializer.Deserialize(File.ReadAllText(file), json); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException) { return null; }
    }
}

/// <summary>The state files' (de)serializers, generated at compile time (the native build has no reflection).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ServerState))]
[JsonSerializable(typeof(AgentState))]
internal sealed partial class StateFileJson : JsonSerializerContext;
