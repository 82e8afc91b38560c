using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podway.Api.Json;

/// <summary>Small accessors for reading and shaping generic Kubernetes objects held as JsonObject.</summary>
public static class JsonNodes
{
    public static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    public static JsonObject? Obj(this JsonObject o, string name) => o[name] as JsonObject;
    public static JsonArray? Arr(this JsonObject o, string name) => o[name] as JsonArray;

    public static string? Str(this JsonObject? o, string name) =>
        o?[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static long? Long(this JsonObject? o, string name) =>
        o?[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var l) ? l : null;

    public static bool? Bool(this JsonObject? o, string name) =>
        o?[name] is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.GetValue<bool>() : null;

    /// <summary>The child object with this name, created (and stored) when missing or not an object.</summary>
    public static JsonObject Ensure(this JsonObject o, string name)
    {
        if (o[name] is JsonObject child) return child;
        child = new JsonObject();
        o[name] = child;
        return child;
    }

    public static JsonArray EnsureArray(this JsonObject o, string name)
    {
        if (o[name] is JsonArray child) return child;
        child = new JsonArray();
        o[name] = child;
        return child;
    }

    public static JsonObject Metadata(this JsonObject o) => o.Ensure("metadata");

    public static string Name(this JsonObject o) => o.Obj("metadata").Str("name") ?? "";
    public static string Namespace(this JsonObject o) => o.Obj("metadata").Str("namespace") ?? "";
    public static string? Uid(this JsonObject o) => o.Obj("metadata").Str("uid");
    public static JsonObject? Labels(this JsonObject o) => o.Obj("metadata")?.Obj("labels");

    public static byte[] ToUtf8(this JsonNode node)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer)) node.WriteTo(writer, Compact);
        return buffer.WrittenSpan.ToArray();
    }

    public static JsonObject ParseObject(ReadOnlySpan<byte> utf8) =>
        JsonNode.Parse(utf8) as JsonObject ?? throw new JsonException("expected a JSON object");

    /// <summary>Structural equality (object key order ignored), used to skip no-op writes.</summary>
    public static bool DeepEquals(JsonNode? a, JsonNode? b) => JsonNode.DeepEquals(a, b);

    /// <summary>RFC 3339 with seconds precision, as metav1.Time serializes.</summary>
    public static string Rfc3339(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
}
