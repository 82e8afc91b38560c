using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podway.Api.Defaulting;

/// <summary>
/// Small "set if unset" helpers over JsonObject. Go's notion of unset differs by field type: a pointer is
/// unset when nil (here: missing or null), a plain string when "" and a plain int when 0.
/// </summary>
internal static class JsonFields
{
    public static bool IsMissing(JsonObject o, string key) => !o.TryGetPropertyValue(key, out var v) || v is null;

    public static bool IsEmptyString(JsonObject o, string key) =>
        IsMissing(o, key) || (o[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length == 0);

    public static bool IsZero(JsonObject o, string key) =>
        IsMissing(o, key) || (o[key] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.ToJsonString() == "0");

    public static bool IsEmptyArray(JsonObject o, string key) => IsMissing(o, key) || o[key] is JsonArray { Count: 0 };

    public static bool IsEmptyObject(JsonObject o, string key) => IsMissing(o, key) || o[key] is JsonObject { Count: 0 };

    /// <summary>Defaults a pointer-like field: set when missing or null.</summary>
    public static void Default(JsonObject o, string key, Func<JsonNode?> value)
    {
        if (IsMissing(o, key)) o[key] = value();
    }

    public static void Default(JsonObject o, string key, string value) { if (IsMissing(o, key)) o[key] = value; }
    public static void Default(JsonObject o, string key, long value) { if (IsMissing(o, key)) o[key] = value; }
    public static void Default(JsonObject o, string key, bool value) { if (IsMissing(o, key)) o[key] = value; }

    /// <summary>Defaults a plain Go string field: set when missing, null or "".</summary>
    public static void DefaultString(JsonObject o, string key, string value) { if (IsEmptyString(o, key)) o[key] = value; }

    /// <summary>Defaults a plain Go int field: set when missing, null or 0.</summary>
    public static void DefaultNonZero(JsonObject o, string key, long value) { if (IsZero(o, key)) o[key] = value; }

    /// <summary>A field that Go always serializes (a non-pointer struct): present as {} when absent.</summary>
    public static JsonObject EnsureObject(JsonObject o, string key)
    {
        if (o[key] is JsonObject existing) return existing;
        var created = new JsonObject();
        o[key] = created;
        return created;
    }

    /// <summary>Sets a key to JSON null when absent (what Go prints for a zero metav1.Time).</summary>
    public static void DefaultNull(JsonObject o, string key)
    {
        if (!o.ContainsKey(key)) o[key] = null;
    }

    public static JsonObject? Object(JsonObject? o, string key) => o?[key] as JsonObject;

    public static IEnumerable<JsonObject> Objects(JsonObject? o, string key) =>
        o?[key] is JsonArray a ? a.OfType<JsonObject>() : [];

    public static string? String(JsonObject? o, string key) =>
        o?[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static bool IsTrue(JsonObject? o, string key) => o?[key] is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    public static JsonArray StringArray(params string[] items) => new(items.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray());
}
