using System.Text.Json.Nodes;
using Podway.Api.Errors;

namespace Podway.Api.Patching;

/// <summary>
/// Strategic merge patch failures, mapped to HTTP as kube-apiserver's interpretStrategicMergePatchError does:
/// malformed directives are 400, list-of-lists and retainKeys mismatches are a generic 422, anything else is an
/// unclassified error (500, no reason).
/// </summary>
internal static class SmpErrors
{
    public static ApiException BadPatchFormatForPrimitiveList() => ApiException.BadRequest("invalid patch format of primitive list");
    public static ApiException BadPatchFormatForRetainKeys() => ApiException.BadRequest("invalid patch format of retainKeys");
    public static ApiException BadPatchFormatForSetElementOrderList() => ApiException.BadRequest("invalid patch format of setElementOrder list");
    public static ApiException NoListOfLists() => Unprocessable();

    /// <summary>NewGenericServerResponse(422): the message from the merge library is not passed on.</summary>
    public static ApiException Unprocessable() => new(422, "Invalid", "the server rejected our request due to an error in our request");

    public static ApiException BadPatchType(JsonNode? directive, JsonObject map) =>
        Unclassified($"unknown patch type: {GoFormat.Value(directive)} in map: {GoFormat.Value(map)}");

    public static ApiException NoMergeKey(JsonObject map, string key) =>
        Unclassified($"map: {GoFormat.Value(map)} does not contain declared merge key: {key}");

    public static ApiException Unclassified(string message) => new(500, "", message);
}

/// <summary>Prints JSON values the way Go's %v prints decoded interface{} values (map[a:1 b:[x y]]).</summary>
internal static class GoFormat
{
    public static string Value(JsonNode? node) => node switch
    {
        null => "<nil>",
        JsonObject o => "map[" + string.Join(" ", o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}:{Value(p.Value)}")) + "]",
        JsonArray a => "[" + string.Join(" ", a.Select(Value)) + "]",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
        _ => node.ToJsonString(),
    };
}
