using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Controllers;

/// <summary>
/// What every namespace gets on a real cluster: the `default` ServiceAccount (kube's serviceaccount controller)
/// and the `kube-root-ca.crt` ConfigMap with the cluster CA (kube's root-ca-cert-publisher), recreated when deleted.
/// </summary>
public sealed class NamespaceDefaultsController
{
    public const string RootCaConfigMap = "kube-root-ca.crt";

    readonly ApiClient _client;
    readonly string? _caPem;
    readonly Action<string>? _log;
    readonly Informer _namespaces, _serviceAccounts, _configMaps;
    readonly WorkQueue<string> _queue = new(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(30));

    /// <param name="caPem">the cluster CA in PEM; without it only ServiceAccounts are maintained</param>
    public NamespaceDefaultsController(SharedInformerFactory informers, string? caPem, Action<string>? log = null)
    {
        _client = informers.Client;
        _caPem = caPem;
        _log = log;
        _namespaces = informers.For(BuiltinResources.Namespace);
        _serviceAccounts = informers.For(BuiltinResources.ServiceAccount);
        _configMaps = informers.For(BuiltinResources.ConfigMap);
        _namespaces.AddEventHandler(onAdd: ns => _queue.Add(ObjectMeta.Name(ns)), onUpdate: (_, ns) => _queue.Add(ObjectMeta.Name(ns)), onDelete: null);
        _serviceAccounts.AddEventHandler(null, null, onDelete: sa => _queue.Add(ObjectMeta.Namespace(sa)));
        _configMaps.AddEventHandler(null, onUpdate: (_, cm) => EnqueueIfRootCa(cm), onDelete: EnqueueIfRootCa);
    }

    void EnqueueIfRootCa(JsonObject cm)
    {
        if (ObjectMeta.Name(cm) == RootCaConfigMap) _queue.Add(ObjectMeta.Namespace(cm));
    }

    public async Task RunAsync(int workers, CancellationToken ct)
    {
        await Task.WhenAll(_namespaces.WaitForSyncAsync(ct), _serviceAccounts.WaitForSyncAsync(ct), _configMaps.WaitForSyncAsync(ct));
        await _queue.RunWorkersAsync(workers, ProcessAsync, ct, (ns, e) => _log?.Invoke($"namespace defaults: {ns}: {e.Message}"));
        _queue.ShutDown();
    }

    async Task ProcessAsync(string ns, CancellationToken ct)
    {
        var namespaceObj = _namespaces.Cache.Get(null, ns);
        if (namespaceObj is null || ObjectMeta.IsBeingDeleted(namespaceObj)) return;

        if (_serviceAccounts.Cache.Get(ns, "default") is null)
            await CreateIgnoringExistsAsync(BuiltinResources.ServiceAccount, ns, new JsonObject
            {
                ["apiVersion"] = "v1", ["kind"] = "ServiceAccount", ["metadata"] = new JsonObject { ["name"] = "default" },
            }, ct);

        if (_caPem is null) return;
        var current = _configMaps.Cache.Get(ns, RootCaConfigMap);
        if (current is null)
        {
            await CreateIgnoringExistsAsync(BuiltinResources.ConfigMap, ns, RootCa(), ct);
        }
        else if (current["data"]?["ca.crt"]?.GetValue<string>() != _caPem)
        {
            var fixedUp = (JsonObject)current.DeepClone();
            fixedUp["data"] = new JsonObject { ["ca.crt"] = _caPem };
            await _client.UpdateAsync(BuiltinResources.ConfigMap, fixedUp, ct);
        }
    }

    JsonObject RootCa() => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject { ["name"] = RootCaConfigMap, ["annotations"] = new JsonObject { ["kubernetes.io/description"] = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters." } },
        ["data"] = new JsonObject { ["ca.crt"] = _caPem },
    };

    async Task CreateIgnoringExistsAsync(ResourceType type, string ns, JsonObject obj, CancellationToken ct)
    {
        try { await _client.CreateAsync(type, ns, obj, ct); }
        catch (ApiException e) when (e.Reason == "AlreadyExists") { }
        catch (ApiException e) when (e.Code == 403 && e.Message.Contains("being terminated")) { }
    }
}
