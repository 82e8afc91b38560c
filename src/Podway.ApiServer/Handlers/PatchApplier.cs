using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Patching;
using Podway.Api.Resources;

namespace Podway.ApiServer.Handlers;

/// <summary>Applies a PATCH body to the current object by its content type, as kube-apiserver's patch handler does.</summary>
public static class PatchApplier
{
    public const string JsonPatchType = "application/json-patch+json";
    public const string MergePatchType = "application/merge-patch+json";
    public const string StrategicMergePatchType = "application/strategic-merge-patch+json";
    public const string ApplyPatchType = "application/apply-patch+yaml";

    public static string Kind(string? contentType)
    {
        var mediaType = (contentType ?? "").Split(';')[0].Trim();
        return mediaType switch
        {
            JsonPatchType or MergePatchType or StrategicMergePatchType or ApplyPatchType => mediaType,
            _ => throw ApiException.UnsupportedMediaType(mediaType),
        };
    }

    /// <summary>Applies a json, merge or strategic-merge patch (server-side apply is handled separately).</summary>
    public static JsonObject Apply(string patchType, JsonObject current, JsonNode patch, ResourceType type)
    {
        switch (patchType)
        {
            case JsonPatchType:
                return JsonPatch.Apply(current, patch);
            case MergePatchType:
                return JsonMergePatch.Apply(current, patch);
            case StrategicMergePatchType:
                if (patch is not JsonObject smp) throw ApiException.BadRequest("json: cannot unmarshal array into Go value of type map[string]interface {}");
                return StrategicMergePatch.Apply(current, smp, type);
            default:
                throw ApiException.UnsupportedMediaType(patchType);
        }
    }
}
