using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Json;
using Podway.Api.Resources;
using Podway.Api.Selectors;
using Podway.Client;

namespace Podway.Controllers.Workloads;

/// <summary>
/// kube's BaseControllerRefManager.ClaimObject: keeps what the owner controls and still matches, adopts orphans that
/// match (after re-reading the owner to be sure it is not being deleted), and releases what it controls but no longer
/// matches. Adopt and release are merge patches of ownerReferences guarded by the child's resourceVersion.
/// </summary>
internal sealed class OwnershipClaimer(ApiClient client, ResourceType ownerType, ResourceType childType)
{
    public async Task<List<JsonObject>> ClaimAsync(JsonObject owner, LabelSelector selector, IEnumerable<JsonObject> candidates, CancellationToken ct)
    {
        var claimed = new List<JsonObject>();
        var ownerUid = owner.Uid();
        var ownerDeleting = owner.Obj("metadata").Str("deletionTimestamp") is not null;
        bool? canAdopt = null;
        foreach (var child in candidates)
        {
            var controllerRef = ControllerRefs.ControllerOf(child);
            var matches = selector.Matches(child.Labels());
            if (controllerRef is not null)
            {
                if (controllerRef.Str("uid") != ownerUid) continue;
                if (matches) { claimed.Add(child); continue; }
                if (ownerDeleting) continue;
                await ReleaseAsync(child, ownerUid!, ct);
                continue;
            }
            if (ownerDeleting || !matches || child.Obj("metadata").Str("deletionTimestamp") is not null) continue;
            canAdopt ??= await OwnerStillLiveAsync(owner, ct);
            if (!canAdopt.Value) continue;
            if (await AdoptAsync(owner, child, ct) is { } adopted) claimed.Add(adopted);
        }
        return claimed;
    }

    async Task<bool> OwnerStillLiveAsync(JsonObject owner, CancellationToken ct)
    {
        var fresh = await client.TryGetAsync(ownerType, owner.Namespace(), owner.Name(), ct);
        return fresh is not null && fresh.Uid() == owner.Uid() && fresh.Obj("metadata").Str("deletionTimestamp") is null;
    }

    async Task<JsonObject?> AdoptAsync(JsonObject owner, JsonObject child, CancellationToken ct)
    {
        var refs = new JsonArray(ObjectRefs(child).Select(r => (JsonNode)r.DeepClone()).ToArray());
        refs.Add((JsonNode)ControllerRefs.New(owner, ownerType.ApiVersion, ownerType.Kind));
        try { return await PatchRefsAsync(child, refs, ct); }
        catch (ApiException e) when (e.Code is 404 or 409) { return null; } // gone or changed: the next sync sees it afresh
    }

    async Task ReleaseAsync(JsonObject child, string ownerUid, CancellationToken ct)
    {
        var refs = new JsonArray(ObjectRefs(child).Where(r => r.Str("uid") != ownerUid).Select(r => (JsonNode)r.DeepClone()).ToArray());
        try { await PatchRefsAsync(child, refs, ct); }
        catch (ApiException e) when (e.Code is 404 or 409) { }
    }

    Task<JsonObject> PatchRefsAsync(JsonObject child, JsonArray refs, CancellationToken ct) =>
        client.PatchAsync(childType, child.Namespace(), child.Name(), PatchType.Merge, new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["ownerReferences"] = refs.Count > 0 ? refs : null,
                ["resourceVersion"] = child.Obj("metadata").Str("resourceVersion"),
            },
        }, ct: ct);

    static IEnumerable<JsonObject> ObjectRefs(JsonObject obj) => obj.Obj("metadata")?.Arr("ownerReferences")?.OfType<JsonObject>() ?? [];
}
