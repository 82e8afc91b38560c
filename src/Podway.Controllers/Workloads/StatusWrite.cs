using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Json;
using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Controllers.Workloads;

/// <summary>
/// Writes a computed status through the status subresource; when the object changed meanwhile (409), once more on a
/// fresh read, with the fresh generation as observedGeneration (the replicaset controller's updateReplicaSetStatus).
/// </summary>
internal static class StatusWrite
{
    public static async Task<JsonObject> PutAsync(ApiClient client, ResourceType type, JsonObject obj, JsonObject status, CancellationToken ct)
    {
        var copy = (JsonObject)obj.DeepClone();
        copy["status"] = status.DeepClone(); // a node lives in one tree: `status` stays free for the retry below
        try { return await client.UpdateStatusAsync(type, copy, ct); }
        catch (ApiException e) when (e.Code == 409)
        {
            var fresh = await client.GetAsync(type, obj.Namespace(), obj.Name(), ct);
            status["observedGeneration"] = fresh.Obj("metadata").Num("generation") ?? 0;
            fresh["status"] = status;
            return await client.UpdateStatusAsync(type, fresh, ct);
        }
    }
}
