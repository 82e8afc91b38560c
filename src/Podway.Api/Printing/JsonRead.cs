using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podway.Api.Printing;

/// <summary>Null-tolerant reads of unstructured objects: a missing field reads as Go's zero value.</summary>
internal static class JsonRead
{
    public static JsonNode? At(JsonNode? node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(key, out node)) return null;
        }
        return node;
    }

    public static string Str(JsonNode? node, params string[] path) =>
        At(node, path) is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "";

    public static string? StrOrNull(JsonNode? node, params string[] path) =>
        At(node, path) is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static long Long(JsonNode? node, params string[] path) => LongOrNull(node, path) ?? 0;

    public static long? LongOrNull(JsonNode? node, params string[] path) =>
        At(node, path) is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var l) ? l : null;

    public static bool Bool(JsonNode? node, params string[] path) =>
        At(node, path) is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    public static bool? BoolOrNull(JsonNode? node, params string[] path) =>
        At(node, path) is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False
            ? v.GetValueKind() == JsonValueKind.True : null;

    public static JsonObject? Obj(JsonNode? node, params string[] path) => At(node, path) as JsonObject;

    public static IReadOnlyList<JsonNode?> Arr(JsonNode? node, params string[] path) =>
        At(node, path) is JsonArray a ? [.. a] : [];

    public static IEnumerable<JsonObject> Objects(JsonNode? node, params string[] path) => Arr(node, path).OfType<JsonObject>();

    /// <summary>Keys of a map field, in document order; empty when absent.</summary>
    public static int Count(JsonNode? node, params string[] path) => At(node, path) switch
    {
        JsonObject o => o.Count,
        JsonArray a => a.Count,
        _ => 0,
    };

    /// <summary>An RFC 3339 (Time) or RFC 3339 with microseconds (MicroTime) field; null when absent or zero.</summary>
    public static DateTimeOffset? Time(JsonNode? node, params string[] path)
    {
        var s = StrOrNull(node, path);
        if (string.IsNullOrEmpty(s)) return null;
        if (!DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)) return null;
        return t == DateTimeOffset.MinValue ? null : t;
    }
}
