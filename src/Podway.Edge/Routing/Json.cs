using System.Globalization;
using System.Text.Json.Nodes;

namespace Podway.Edge.Routing;

/// <summary>Tolerant reads off unstructured objects: a field of the wrong shape reads as absent, never throws.</summary>
internal static class Json
{
    public static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static int? Int(JsonNode? node) =>
        node is JsonValue v ? v.TryGetValue<int>(out var i) ? i : v.TryGetValue<long>(out var l) && l is >= int.MinValue and <= int.MaxValue ? (int)l
            : v.TryGetValue<double>(out var d) && d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue ? (int)d : null : null;

    public static bool? Bool(JsonNode? node) => node is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    public static IEnumerable<JsonObject> Objects(JsonNode? node) => node is JsonArray a ? a.OfType<JsonObject>() : [];

    public static IEnumerable<string> Strings(JsonNode? node) =>
        node is JsonArray a ? a.Select(Text).Where(s => s is not null).Select(s => s!) : [];

    public static string Name(JsonObject o) => Text(o["metadata"]?["name"]) ?? "";
    public static string Namespace(JsonObject o) => Text(o["metadata"]?["namespace"]) ?? "";
    public static string? Annotation(JsonObject o, string key) => Text(o["metadata"]?["annotations"]?[key]);
    public static string? Label(JsonObject o, string key) => Text(o["metadata"]?["labels"]?[key]);

    /// <summary>metadata.creationTimestamp; absent or unreadable sorts last.</summary>
    public static DateTimeOffset Created(JsonObject o) =>
        DateTimeOffset.TryParse(Text(o["metadata"]?["creationTimestamp"]), CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal, out var t) ? t : DateTimeOffset.MaxValue;
}
