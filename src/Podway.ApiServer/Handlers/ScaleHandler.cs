using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Podway.Api.Errors;
using Podway.Api.Json;
using Podway.Api.Selectors;
using Podway.Api.Validation;
using Podway.ApiServer.Http;
using Podway.ApiServer.Registry;
using Podway.ApiServer.Routing;

namespace Podway.ApiServer.Handlers;

/// <summary>The scale subresource (autoscaling/v1 Scale) of Deployments, ReplicaSets and StatefulSets: what `kubectl scale` patches.</summary>
public sealed class ScaleHandler(ObjectRegistry registry)
{
    public async Task HandleAsync(HttpContext ctx, RequestInfo info)
    {
        if (info.Name == null) throw new ApiException(404, "NotFound", "the server could not find the requested resource");
        var ns = info.Namespace ?? "";
        switch (ctx.Request.Method)
        {
            case "GET":
                await Responses.WriteJsonAsync(ctx, 200, ToScale(registry.GetStored(info.Type, ns, info.Name).Parse()));
                return;
            case "PUT":
            {
                var body = await RequestOptions.ReadObjectAsync(ctx.Request, ctx.RequestAborted);
                var result = await SetReplicasAsync(ctx, info, _ => body);
                await Responses.WriteJsonAsync(ctx, 200, result);
                return;
            }
            case "PATCH":
            {
                var patchType = PatchApplier.Kind(ctx.Request.ContentType);
                if (patchType == PatchApplier.ApplyPatchType) throw ApiException.UnsupportedMediaType(patchType);
                var patch = BodyParser.Parse(await RequestOptions.ReadBodyAsync(ctx.Request, ctx.RequestAborted), ctx.Request.ContentType);
                var result = await SetReplicasAsync(ctx, info, scale => PatchApplier.Apply(patchType, scale, patch.DeepClone(), info.Type));
                await Responses.WriteJsonAsync(ctx, 200, result);
                return;
            }
            default:
                throw ApiException.MethodNotAllowed("the server does not allow this method on the requested resource");
        }
    }

    async Task<JsonObject> SetReplicasAsync(HttpContext ctx, RequestInfo info, Func<JsonObject, JsonObject> change)
    {
        var options = RequestOptions.Write(ctx.Request);
        var updated = await registry.GuaranteedUpdateAsync(info.Type, info.Namespace ?? "", info.Name!, current =>
        {
            var scale = change(ToScale(current!));
            var replicas = scale.Obj("spec").Long("replicas") ?? 0;
            if (replicas < 0)
                throw ApiException.Invalid("autoscaling", "Scale", info.Name!, [new(FieldErrorType.Invalid, "spec.replicas", $"Invalid value: {replicas}: must be greater than or equal to 0")]);
            current!.Ensure("spec")["replicas"] = replicas;
            // The Scale's resourceVersion, when the client sent one, is a precondition on the parent object.
            current.Metadata()["resourceVersion"] = scale.Obj("metadata").Str("resourceVersion") ?? current.Obj("metadata").Str("resourceVersion");
            return current;
        }, options, subresource: null, ct: ctx.RequestAborted);
        return ToScale(updated);
    }

    static JsonObject ToScale(JsonObject obj)
    {
        var meta = obj.Metadata();
        var selector = obj.Obj("spec")?.Obj("selector");
        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = meta.Str("name"),
                ["namespace"] = meta.Str("namespace"),
                ["uid"] = meta.Str("uid"),
                ["resourceVersion"] = meta.Str("resourceVersion"),
                ["creationTimestamp"] = meta.Str("creationTimestamp"),
            },
            ["spec"] = new JsonObject { ["replicas"] = obj.Obj("spec").Long("replicas") ?? 1 },
            ["status"] = new JsonObject
            {
                ["replicas"] = obj.Obj("status").Long("replicas") ?? 0,
                ["selector"] = LabelSelector.FromJson(selector).ToString(),
            },
        };
    }
}
