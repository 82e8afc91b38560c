using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Resources;

namespace Podway.Client.Addons;

/// <summary>
/// What the control plane does with an add-on's objects at every start (k3s's manifests, applied anew): create what
/// is missing; replace Secrets and Deployments, which carry this run's token and image arguments; leave the rest
/// (a Service keeps its ClusterIP and pool address, and a user may have edited a namespace or an IngressClass).
/// </summary>
public static class AddonObjects
{
    public static async Task EnsureAsync(ApiClient client, string @namespace, IEnumerable<JsonObject> objects, CancellationToken ct)
    {
        foreach (var obj in objects)
        {
            var apiVersion = (string)obj["apiVersion"]!;
            var kind = (string)obj["kind"]!;
            var type = BuiltinResources.AllTypes.Single(t => t.ApiVersion == apiVersion && t.Kind == kind);
            var ns = type.Namespaced ? @namespace : null;
            var name = (string)obj["metadata"]!["name"]!;
            // The controllers write these objects too (a Deployment's status and revision, on a resumed cluster at
            // once): a replace that meets a newer version reads it again and retries, as kube's GuaranteedUpdate.
            for (var attempt = 1; ; attempt++)
            {
                var existing = await client.TryGetAsync(type, ns, name, ct);
                if (existing is null)
                {
                    try { await client.CreateAsync(type, ns, obj, ct); }
                    catch (ApiException e) when (e.Code == 409) { }
                    break;
                }
                if (type != BuiltinResources.Secret && type != BuiltinResources.Deployment) break;
                obj["metadata"]!["resourceVersion"] = existing["metadata"]?["resourceVersion"]?.DeepClone();
                if (type == BuiltinResources.Deployment) obj["status"] = existing["status"]?.DeepClone();
                try
                {
                    await client.UpdateAsync(type, obj, ct);
                    break;
                }
                catch (ApiException e) when (e.Code == 409 && attempt < MaxAttempts) { }
            }
        }
    }

    const int MaxAttempts = 10;
}
