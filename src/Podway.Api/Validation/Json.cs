using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podway.Api.Validation;

/// <summary>Tolerant readers over unstructured JSON: a missing or mistyped field reads as absent.</summary>
internal static class Json
{
    public static JsonObject? Obj(this JsonObject? o, string key) => o?[key] as JsonObject;
    public static JsonArray? Arr(this JsonObject? o, string key) => o?[key] as JsonArray;
    public static bool Has(this JsonObject? o, string key) => o is not null && o.TryGetPropertyValue(key, out var v) && v is not null;

    public static string? Str(this JsonObject? o, string key) => AsString(o?[key]);

    public static string? AsString(JsonNode? n) =>
        n is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static long? Int(this JsonObject? o, string key) => AsLong(o?[key]);

    public static long? AsLong(JsonNode? n)
    {
        if (n is not JsonValue v || v.GetValueKind() != JsonValueKind.Number) return null;
        if (v.TryGetValue<long>(out var l)) return l;
        if (v.TryGetValue<int>(out var i)) return i;
        if (v.TryGetValue<double>(out var d)) return (long)d;
        return long.TryParse(v.ToJsonString(), out l) ? l : null;
    }

    public static bool? Bool(this JsonObject? o, string key) =>
        o?[key] is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.GetValue<bool>() : null;

    /// <summary>Objects of an array, with their index (non-objects are skipped).</summary>
    public static IEnumerable<(int Index, JsonObject Item)> Items(this JsonObject? o, string key)
    {
        var arr = o.Arr(key);
        if (arr is null) yield break;
        for (var i = 0; i < arr.Count; i++)
            if (arr[i] is JsonObject item) yield return (i, item);
    }

    /// <summary>String items of an array, with their index.</summary>
    public static List<string> Strings(this JsonObject? o, string key) =>
        o.Arr(key)?.Select(AsString).Where(s => s is not null).Select(s => s!).ToList() ?? [];

    /// <summary>A map[string]string field, keys sorted so errors come out in a stable order.</summary>
    public static List<KeyValuePair<string, string>>? StringMap(this JsonObject? o, string key)
    {
        if (o?[key] is not JsonObject m) return null;
        return m.Select(p => new KeyValuePair<string, string>(p.Key, AsString(p.Value) ?? p.Value?.ToString() ?? ""))
            .OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
    }

    public static int Count(this JsonObject? o, string key) => o?[key] switch
    {
        JsonArray a => a.Count,
        JsonObject m => m.Count,
        _ => 0,
    };
}

/// <summary>intstr.IntOrString read from JSON.</summary>
internal readonly record struct IntOrString(bool IsString, long IntVal, string StrVal)
{
    public static IntOrString? Read(JsonNode? n)
    {
        if (Json.AsString(n) is { } s) return new(true, 0, s);
        if (Json.AsLong(n) is { } l) return new(false, l, "");
        return null;
    }

    /// <summary>As IntOrString.String() prints it (the Stringer field.Error uses).</summary>
    public GoRaw Go => new(IsString ? StrVal : IntVal.ToString());
}
