using System.Text.Json.Nodes;
using Podway.Api.Json;
using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Controllers.Workloads;

/// <summary>kube's controller.RealPodControl: creates Pods from a template under a controller reference, deletes them, with events.</summary>
internal sealed class PodControl(ApiClient client, EventRecorder recorder)
{
    /// <summary>The Pod kube's GetPodFromTemplate builds: template labels, annotations and finalizers, generateName "&lt;owner&gt;-".</summary>
    public static JsonObject FromTemplate(JsonObject? template, JsonObject controllerRef, string? name = null, string? generateName = null)
    {
        var templateMeta = template?.Obj("metadata");
        var meta = new JsonObject();
        if (name is not null) meta["name"] = name; else meta["generateName"] = generateName;
        meta["labels"] = templateMeta?.Obj("labels")?.DeepClone() ?? new JsonObject();
        if (templateMeta?.Obj("annotations") is { } annotations) meta["annotations"] = annotations.DeepClone();
        if (templateMeta?.Arr("finalizers") is { } finalizers) meta["finalizers"] = finalizers.DeepClone();
        meta["ownerReferences"] = new JsonArray(controllerRef.DeepClone());
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = meta,
            ["spec"] = template?.Obj("spec")?.DeepClone() ?? new JsonObject(),
        };
    }

    public async Task<JsonObject> CreateAsync(JsonObject owner, JsonObject pod, CancellationToken ct)
    {
        try
        {
            var created = await client.CreateAsync(BuiltinResources.Pod, owner.Namespace(), pod, ct);
            await recorder.RecordAsync(owner, EventRecorder.Normal, "SuccessfulCreate", $"Created pod: {created.Name()}", ct);
            return created;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await recorder.RecordAsync(owner, EventRecorder.Warning, "FailedCreate", $"Error creating: {e.Message}", ct);
            throw;
        }
    }

    public async Task DeleteAsync(JsonObject owner, JsonObject pod, CancellationToken ct)
    {
        try
        {
            await client.DeleteAsync(BuiltinResources.Pod, pod.Namespace(), pod.Name(), new DeleteOptions { PreconditionUid = pod.Uid() }, ct);
            await recorder.RecordAsync(owner, EventRecorder.Normal, "SuccessfulDelete", $"Deleted pod: {pod.Name()}", ct);
        }
        catch (Podway.Api.Errors.ApiException e) when (e.Code == 404) { throw; }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await recorder.RecordAsync(owner, EventRecorder.Warning, "FailedDelete", $"Error deleting: {e.Message}", ct);
            throw;
        }
    }
}
