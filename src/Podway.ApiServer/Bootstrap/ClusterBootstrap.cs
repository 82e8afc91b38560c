using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Json;
using Podway.Api.Resources;
using Podway.ApiServer.Registry;

namespace Podway.ApiServer.Bootstrap;

/// <summary>
/// What kube-apiserver writes itself at start: the system namespaces, and the `kubernetes` Service at the first
/// Service IP with an Endpoints object and EndpointSlice pointing at this API server (its bootstrap controller).
/// </summary>
internal sealed class ClusterBootstrap(ObjectRegistry registry, ApiServerOptions options)
{
    static readonly string[] SystemNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];
    public const string KubernetesServiceIp = "10.96.0.1";

    public async Task RunAsync(CancellationToken ct)
    {
        foreach (var ns in SystemNamespaces)
            await EnsureAsync(BuiltinResources.Namespace, "", new JsonObject { ["metadata"] = new JsonObject { ["name"] = ns } }, ct);
        await EnsureAsync(BuiltinResources.Service, "default", KubernetesService(), ct);
        await ReconcileAsync(BuiltinResources.Endpoints, KubernetesEndpoints(), ct);
        await ReconcileAsync(BuiltinResources.EndpointSlice, KubernetesEndpointSlice(), ct);
    }

    async Task EnsureAsync(ResourceType type, string ns, JsonObject obj, CancellationToken ct)
    {
        if (registry.Store.Get(type.StorageKey, type.Namespaced ? ns : "", obj.Name()) != null) return;
        try { await registry.CreateAsync(type, ns, obj, WriteOptions.Internal, ct); }
        catch (ApiException e) when (e.Reason == "AlreadyExists") { }
    }

    /// <summary>Creates the object, or rewrites its address and port when the API server moved (new port, new advertise address).</summary>
    async Task ReconcileAsync(ResourceType type, JsonObject desired, CancellationToken ct)
    {
        var name = desired.Name();
        if (registry.Store.Get(type.StorageKey, "default", name) == null)
        {
            await EnsureAsync(type, "default", desired, ct);
            return;
        }
        await registry.GuaranteedUpdateAsync(type, "default", name, current =>
        {
            foreach (var field in (string[])["subsets", "endpoints", "ports", "addressType"])
                if (desired[field] is { } value) current![field] = value.DeepClone();
            return current!;
        }, WriteOptions.Internal, subresource: null, ct: ct);
    }

    JsonObject KubernetesService() => new()
    {
        ["metadata"] = new JsonObject
        {
            ["name"] = "kubernetes",
            ["labels"] = new JsonObject { ["component"] = "apiserver", ["provider"] = "kubernetes" },
        },
        ["spec"] = new JsonObject
        {
            ["type"] = "ClusterIP",
            ["clusterIP"] = KubernetesServiceIp,
            ["ports"] = new JsonArray(new JsonObject { ["name"] = "https", ["port"] = 443, ["protocol"] = "TCP", ["targetPort"] = options.Port }),
            ["sessionAffinity"] = "None",
        },
    };

    JsonObject KubernetesEndpoints() => new()
    {
        ["metadata"] = new JsonObject { ["name"] = "kubernetes", ["labels"] = new JsonObject { ["endpointslice.kubernetes.io/skip-mirror"] = "true" } },
        ["subsets"] = new JsonArray(new JsonObject
        {
            ["addresses"] = new JsonArray(new JsonObject { ["ip"] = options.AdvertiseAddress.ToString() }),
            ["ports"] = new JsonArray(new JsonObject { ["name"] = "https", ["port"] = options.Port, ["protocol"] = "TCP" }),
        }),
    };

    JsonObject KubernetesEndpointSlice() => new()
    {
        ["metadata"] = new JsonObject { ["name"] = "kubernetes", ["labels"] = new JsonObject { ["kubernetes.io/service-name"] = "kubernetes" } },
        ["addressType"] = "IPv4",
        ["endpoints"] = new JsonArray(new JsonObject
        {
            ["addresses"] = new JsonArray(options.AdvertiseAddress.ToString()),
            ["conditions"] = new JsonObject { ["ready"] = true },
        }),
        ["ports"] = new JsonArray(new JsonObject { ["name"] = "https", ["port"] = options.Port, ["protocol"] = "TCP" }),
    };
}
