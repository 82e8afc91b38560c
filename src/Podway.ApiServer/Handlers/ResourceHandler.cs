using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Podway.Api.Errors;
using Podway.Api.Json;
using Podway.Api.Patching;
using Podway.Api.Printing;
using Podway.Api.Resources;
using Podway.ApiServer.Http;
using Podway.ApiServer.Proxy;
using Podway.ApiServer.Registry;
using Podway.ApiServer.Routing;
using Podway.Api.Query;

namespace Podway.ApiServer.Handlers;

/// <summary>Dispatches one resource request (get, list, watch, create, update, patch, delete, deletecollection) to the registry.</summary>
public sealed class ResourceHandler(ObjectRegistry registry, ListWatchHandler listWatch, ScaleHandler scale, TimeProvider clock,
    PodStreamingProxy? podStreaming = null, NodeProxy? nodeProxy = null)
{
    public Task HandleAsync(HttpContext ctx, RequestInfo info)
    {
        var method = ctx.Request.Method;
        if (info.Subresource == "scale") return scale.HandleAsync(ctx, info);
        if (nodeProxy != null && info.Type == BuiltinResources.Node && info.Subresource == "proxy") return nodeProxy.HandleAsync(ctx, info);
        if (podStreaming != null && info.Type == BuiltinResources.Pod && info.Subresource != null && PodStreamingProxy.Subresources.Contains(info.Subresource))
            return podStreaming.HandleAsync(ctx, info);
        if (info.Subresource == "binding" && info.Type == BuiltinResources.Pod) return new BindingHandler(registry, clock).HandleAsync(ctx, info);
        if (info.Subresource == "ephemeralcontainers" && info.Type == BuiltinResources.Pod)
        {
            // The Pod itself, of which only spec.ephemeralContainers may change (ObjectRegistry keeps the rest).
            if (method is not ("GET" or "PUT" or "PATCH") || info.Name == null)
                throw ApiException.MethodNotAllowed("the server does not allow this method on the requested resource");
        }
        else if (info.Subresource is not (null or "status" or "finalize"))
            throw new ApiException(404, "NotFound", $"the server could not find the requested resource ({info.Subresource} is not served yet)");
        if (info.Type.Namespaced && info.Namespace == null && method != "GET")
            throw new ApiException(404, "NotFound", "the server could not find the requested resource");

        return (method, info.Name) switch
        {
            ("GET", null) => IsWatch(ctx.Request) ? listWatch.WatchAsync(ctx, info) : listWatch.ListAsync(ctx, info),
            ("GET", _) => GetAsync(ctx, info),
            ("POST", null) => CreateAsync(ctx, info),
            ("PUT", not null) => UpdateAsync(ctx, info),
            ("PATCH", not null) => PatchAsync(ctx, info),
            ("DELETE", null) => DeleteCollectionAsync(ctx, info),
            ("DELETE", not null) => DeleteAsync(ctx, info),
            _ => throw ApiException.MethodNotAllowed($"the server does not allow this method on the requested resource"),
        };
    }

    /// <summary>fieldValidation=Warn: kube reports each unknown field as a `Warning: 299 - "..."` header, which kubectl prints.</summary>
    static void AddWarnings(HttpContext ctx, IReadOnlyList<string> warnings)
    {
        foreach (var warning in warnings)
            ctx.Response.Headers.Append("Warning", $"299 - \"{warning.Replace("\"", "\\\"")}\"");
    }

    static bool IsWatch(HttpRequest request) => QueryBool.Parse(request.Query["watch"]);

    async Task GetAsync(HttpContext ctx, RequestInfo info)
    {
        var stored = registry.GetStored(info.Type, info.StoreNamespace, info.Name!);
        if (Negotiation.WantsTable(ctx.Request))
        {
            var table = TableBuilder.Build(info.Type, [stored.Parse()], clock.GetUtcNow(), includeHeaders: true,
                includeFullObject: ctx.Request.Query["includeObject"] == "Object", stored.Revision.ToString(), null);
            await Responses.WriteJsonAsync(ctx, 200, table);
            return;
        }
        await Responses.WriteRawAsync(ctx, 200, stored.Json);
    }

    async Task CreateAsync(HttpContext ctx, RequestInfo info)
    {
        var body = await RequestOptions.ReadObjectAsync(ctx.Request, ctx.RequestAborted);
        var options = RequestOptions.Write(ctx.Request);
        StringMapTypes.Check(info.Type, body);
        AddWarnings(ctx, StrictFields.Check(info.Type, body, options.FieldValidation));
        var created = await registry.CreateAsync(info.Type, info.Namespace ?? "", body, options, ctx.RequestAborted);
        await Responses.WriteJsonAsync(ctx, 201, created);
    }

    async Task UpdateAsync(HttpContext ctx, RequestInfo info)
    {
        var body = await RequestOptions.ReadObjectAsync(ctx.Request, ctx.RequestAborted);
        var options = RequestOptions.Write(ctx.Request);
        StringMapTypes.Check(info.Type, body);
        AddWarnings(ctx, StrictFields.Check(info.Type, body, options.FieldValidation));
        var updated = await registry.UpdateAsync(info.Type, info.Namespace ?? "", info.Name!, body, options, info.Subresource, ctx.RequestAborted);
        await Responses.WriteJsonAsync(ctx, 200, updated);
    }

    async Task PatchAsync(HttpContext ctx, RequestInfo info)
    {
        var patchType = PatchApplier.Kind(ctx.Request.ContentType);
        var raw = await RequestOptions.ReadBodyAsync(ctx.Request, ctx.RequestAborted);
        var patch = BodyParser.Parse(raw, ctx.Request.ContentType);
        var options = RequestOptions.Write(ctx.Request);
        JsonObject result;
        if (patchType == PatchApplier.ApplyPatchType)
        {
            if (patch is not JsonObject applied) throw ApiException.BadRequest("the apply configuration must be an object");
            if (!ctx.Request.Query.ContainsKey("fieldManager"))
                throw ApiException.BadRequest("PATCH requests with apply-patch+yaml content type must specify a fieldManager");
            StringMapTypes.Check(info.Type, applied);
            AddWarnings(ctx, StrictFields.Check(info.Type, applied, options.FieldValidation));
            var force = QueryBool.Parse(ctx.Request.Query["force"]);
            var applyOptions = options with { IsApply = true };
            result = await registry.GuaranteedUpdateAsync(info.Type, info.Namespace ?? "", info.Name!,
                live => ServerSideApply.Apply(live, (JsonObject)applied.DeepClone(), options.FieldManager, force, info.Type),
                applyOptions, info.Subresource, createIfMissing: info.Subresource == null, ctx.RequestAborted);
        }
        else
        {
            if (patch is JsonObject patchObject)
            {
                StringMapTypes.Check(info.Type, patchObject);
                AddWarnings(ctx, StrictFields.Check(info.Type, patchObject, options.FieldValidation, isPatch: true));
            }
            result = await registry.GuaranteedUpdateAsync(info.Type, info.Namespace ?? "", info.Name!,
                current => PatchApplier.Apply(patchType, current!, patch.DeepClone(), info.Type),
                options, info.Subresource, ct: ctx.RequestAborted);
        }
        await Responses.WriteJsonAsync(ctx, 200, result);
    }

    async Task DeleteAsync(HttpContext ctx, RequestInfo info)
    {
        var raw = await RequestOptions.ReadBodyAsync(ctx.Request, ctx.RequestAborted);
        var body = raw.Length > 0 ? BodyParser.ParseObject(raw, ctx.Request.ContentType) : null;
        var options = RequestOptions.Delete(ctx.Request, body);
        var outcome = await registry.DeleteAsync(info.Type, info.Namespace ?? "", info.Name!, options, ctx.RequestAborted);
        if (!outcome.Deleted || info.Type == BuiltinResources.Pod)
        {
            await Responses.WriteJsonAsync(ctx, 200, outcome.Object);
            return;
        }
        await Responses.WriteJsonAsync(ctx, 200, Responses.DeleteSuccess(info.Type.Group, info.Type.Plural, info.Name!, outcome.Object.Uid()));
    }

    async Task DeleteCollectionAsync(HttpContext ctx, RequestInfo info)
    {
        var raw = await RequestOptions.ReadBodyAsync(ctx.Request, ctx.RequestAborted);
        var body = raw.Length > 0 ? BodyParser.ParseObject(raw, ctx.Request.ContentType) : null;
        var options = RequestOptions.Delete(ctx.Request, body);
        var filter = ListFilter.FromQuery(ctx.Request, info.Type);
        var targets = registry.Store.List(info.Type.StorageKey, info.Type.Namespaced ? info.Namespace : null, filter: filter.Matches);
        var items = new JsonArray();
        foreach (var item in targets.Items)
        {
            try
            {
                var outcome = await registry.DeleteAsync(info.Type, item.Namespace, item.Name, options, ctx.RequestAborted);
                items.Add((JsonNode)outcome.Object);
            }
            catch (ApiException e) when (e.Code == 404) { }
        }
        var list = new JsonObject
        {
            ["kind"] = info.Type.Kind + "List",
            ["apiVersion"] = info.Type.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = registry.Store.CurrentRevision.ToString() },
            ["items"] = items,
        };
        await Responses.WriteJsonAsync(ctx, 200, list);
    }
}
