using System.Text.Json.Nodes;

namespace Podway.Controllers.Endpoints;

/// <summary>What one reconcile writes: slices to create (generateName set), update (full objects) and delete.</summary>
internal sealed class SlicePlan
{
    public List<JsonObject> Create { get; } = [];
    public List<JsonObject> Update { get; } = [];
    public List<JsonObject> Delete { get; } = [];

    /// <summary>
    /// kube's finalize: rather than create one slice and delete another, rewrite the one to be deleted (same address
    /// type and owner), so the count of objects and their names churn as little as possible.
    /// </summary>
    public void RecycleDeletes(Func<JsonObject, bool> reusable)
    {
        for (var i = 0; i < Delete.Count && Create.Count > 0;)
        {
            var victim = Delete[i];
            var created = Create[^1];
            if (victim["addressType"]?.GetValue<string>() == created["addressType"]?.GetValue<string>() && reusable(victim))
            {
                var meta = (JsonObject)created["metadata"]!;
                meta.Remove("generateName");
                meta["name"] = victim["metadata"]!["name"]!.GetValue<string>();
                if (victim["metadata"]!["resourceVersion"] is { } rv) meta["resourceVersion"] = rv.DeepClone();
                Create.RemoveAt(Create.Count - 1);
                Update.Add(created);
                Delete.RemoveAt(i);
            }
            else i++;
        }
    }
}
