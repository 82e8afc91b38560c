using System.Collections;
using System.Text.Json.Nodes;

namespace Podway.Trace;

/// <summary>
/// A layer's details (strings, numbers, booleans, lists and dictionaries of them) as JSON, without reflection:
/// the native build prints reports too, and has no serializer for object-typed values.
/// </summary>
public static class DetailsJson
{
    public static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        IEnumerable<KeyValuePair<string, object?>> map => new JsonObject(map.Select(kv => KeyValuePair.Create(kv.Key, ToNode(kv.Value)))),
        IEnumerable items => new JsonArray(items.Cast<object?>().Select(ToNode).ToArray()),
        _ => JsonValue.Create(value.ToString()),
    };
}
