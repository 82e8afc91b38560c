using System.Text.Json.Nodes;
using Podway.Api.Json;

namespace Podway.Controllers.Workloads;

/// <summary>metav1.GetControllerOf / NewControllerRef on unstructured objects.</summary>
internal static class ControllerRefs
{
    public static JsonObject? ControllerOf(JsonObject obj) =>
        obj.Obj("metadata")?.Arr("ownerReferences")?.OfType<JsonObject>().FirstOrDefault(r => r.Bool("controller") == true);

    public static string? ControllerUid(JsonObject obj) => ControllerOf(obj).Str("uid");

    /// <summary>The reference a controller puts on what it creates: controller and blockOwnerDeletion true.</summary>
    public static JsonObject New(JsonObject owner, string apiVersion, string kind) => new()
    {
        ["apiVersion"] = apiVersion,
        ["kind"] = kind,
        ["name"] = owner.Name(),
        ["uid"] = owner.Uid(),
        ["controller"] = true,
        ["blockOwnerDeletion"] = true,
    };
}
