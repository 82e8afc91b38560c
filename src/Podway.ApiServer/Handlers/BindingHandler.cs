using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Podway.Api.Errors;
using Podway.Api.Json;
using Podway.Api.Validation;
using Podway.ApiServer.Http;
using Podway.ApiServer.Registry;
using Podway.ApiServer.Routing;
using Podway.Storage;

namespace Podway.ApiServer.Handlers;

/// <summary>
/// POST pods/{name}/binding (kube's BindingREST): sets spec.nodeName of a Pod that has none, copies the Binding's
/// annotations, and adds PodScheduled=True. Pod validation forbids changing spec.nodeName by update, so, like kube,
/// the binding writes the store directly (guarded by the read revision, retried on conflict).
/// </summary>
public sealed class BindingHandler(ObjectRegistry registry, TimeProvider clock)
{
    public async Task HandleAsync(HttpContext ctx, RequestInfo info)
    {
        if (ctx.Request.Method != "POST" || info.Name is null)
            throw ApiException.MethodNotAllowed("the server does not allow this method on the requested resource");
        var binding = await RequestOptions.ReadObjectAsync(ctx.Request, ctx.RequestAborted);
        var target = binding.Obj("target");
        var node = target.Str("name");
        if (string.IsNullOrEmpty(node))
            throw ApiException.Invalid("", "Binding", binding.Name(), [new(FieldErrorType.Required, "target.name", "Required value")]);
        if (target.Str("kind") is { Length: > 0 } kind && kind != "Node")
            throw ApiException.Invalid("", "Binding", binding.Name(), [new(FieldErrorType.NotSupported, "target.kind", $"Unsupported value: \"{kind}\": supported values: \"Node\"")]);
        if (binding.Name() is { Length: > 0 } bodyName && bodyName != info.Name)
            throw ApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({info.Name})");

        var ns = info.Namespace ?? "";
        for (var attempt = 0; ; attempt++)
        {
            var stored = registry.GetStored(info.Type, ns, info.Name);
            var pod = stored.Parse();
            var meta = pod.Metadata();
            if (binding.Obj("metadata").Str("uid") is { Length: > 0 } uid && uid != meta.Str("uid"))
                throw Conflict(info.Name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {meta.Str("uid")}");
            if (meta.Str("deletionTimestamp") is not null)
                throw Conflict(info.Name, $"pod {info.Name} is being deleted, cannot be assigned to a host");
            var spec = pod.Ensure("spec");
            if (spec.Str("nodeName") is { Length: > 0 } assigned)
                throw Conflict(info.Name, $"pod {info.Name} is already assigned to node \"{assigned}\"");
            spec["nodeName"] = node;
            if (binding.Obj("metadata")?.Obj("annotations") is { } annotations)
                foreach (var (key, value) in annotations) meta.Ensure("annotations")[key] = value?.DeepClone();
            SetScheduled(pod.Ensure("status"));
            try
            {
                await registry.Store.UpdateAsync(info.Type.StorageKey, ns, info.Name, pod, stored.Revision, ctx.RequestAborted);
                break;
            }
            catch (StoreConflictException e) when (e.Kind == StoreErrorKind.Conflict && attempt < 10) { }
        }
        await Responses.WriteJsonAsync(ctx, 201, new JsonObject
        {
            ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success", ["code"] = 201,
        });
    }

    void SetScheduled(JsonObject status)
    {
        var conditions = status.EnsureArray("conditions");
        var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => c.Str("type") == "PodScheduled");
        if (existing?.Str("status") == "True") return;
        if (existing is not null) conditions.Remove(existing);
        conditions.Add((JsonNode)new JsonObject
        {
            ["type"] = "PodScheduled", ["status"] = "True", ["lastProbeTime"] = null,
            ["lastTransitionTime"] = JsonNodes.Rfc3339(clock.GetUtcNow()),
        });
    }

    static ApiException Conflict(string name, string why) => ApiException.Conflict("", "pods/binding", name, why);
}
