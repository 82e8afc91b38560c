using System.Text.Json.Nodes;

namespace Podway.Controllers.Workloads;

internal static class Numbers
{
    /// <summary>An integer field whether it was parsed from JSON or built in memory from an int or a long.</summary>
    public static long? Num(this JsonObject? o, string name) => o?[name] is JsonValue v
        ? v.TryGetValue<long>(out var l) ? l : v.TryGetValue<int>(out var i) ? i : v.TryGetValue<System.Text.Json.JsonElement>(out var e) && e.TryGetInt64(out var el) ? el : null
        : null;
}
