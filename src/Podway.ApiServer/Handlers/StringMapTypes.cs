using System.Text.Json;
using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Resources;

namespace Podway.ApiServer.Handlers;

/// <summary>
/// Label and annotation maps and label selectors' matchLabels hold strings only: kube decodes a body into its Go
/// type and refuses anything else with a 400, so an unquoted YAML `y`, `yes`, `on` or `true` (which kubectl sends
/// as a boolean) or a number is an error, not a label that never matches. CRD-served kinds are checked by their
/// schema's validation instead (a 422, see AdminNetworkPolicyValidation).
/// </summary>
internal static class StringMapTypes
{
    public static void Check(ResourceType type, JsonObject body)
    {
        if (BuiltinResources.IsCustomResource(type)) return;
        Walk(type, body, "", null);
    }

    static void Walk(ResourceType type, JsonNode? node, string path, string? parentKey)
    {
        if (node is JsonArray array) { foreach (var item in array) Walk(type, item, path, parentKey); return; }
        if (node is not JsonObject obj) return;
        foreach (var (key, value) in obj)
        {
            var field = path.Length == 0 ? key : $"{path}.{key}";
            var goStruct = key switch
            {
                "labels" or "annotations" when parentKey == "metadata" => "ObjectMeta",
                "matchLabels" => "LabelSelector",
                _ => null,
            };
            if (goStruct is not null && value is JsonObject map)
            {
                foreach (var (_, v) in map)
                    if (v is not null && v.GetValueKind() != JsonValueKind.String) // null decodes as "" in Go
                        throw ApiException.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: " +
                            $"json: cannot unmarshal {GoKind(v)} into Go struct field {goStruct}.{field} of type string");
                continue;
            }
            Walk(type, value, field, key);
        }
    }

    static string GoKind(JsonNode? v) => v?.GetValueKind() switch
    {
        JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValueKind.Number => "number",
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        _ => "object",
    };
}
