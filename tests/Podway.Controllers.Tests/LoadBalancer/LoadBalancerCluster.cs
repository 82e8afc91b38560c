using System.Text.Json.Nodes;
using Podway.Api.Json;
using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Controllers.Tests.LoadBalancer;

/// <summary>
/// A real API server of its own (each test owns the whole pool) and a controller manager with a small
/// LoadBalancer pool that can be stopped and started again, as a restarted control plane would be.
/// </summary>
internal sealed class LoadBalancerCluster : IAsyncDisposable
{
    /// <summary>TEST-NET-2 /29: the controller hands out .1 to .6; nothing is routed in these tests.</summary>
    public const string Pool = "198.51.100.0/29";

    readonly ManagedApiServer _cluster;

    LoadBalancerCluster(ManagedApiServer cluster) => _cluster = cluster;

    public ApiClient Client => _cluster.Client;

    public static async Task<LoadBalancerCluster> StartAsync() => new(await ManagedApiServer.StartAsync(new ControllerManagerOptions
    {
        LoadBalancerPool = Pool, RunWorkloadControllers = false, RunScheduler = false,
    }));

    public Task StartManagerAsync() => _cluster.StartManagerAsync();

    public Task StopManagerAsync() => _cluster.StopManagerAsync();

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    public Task<string> NewNamespaceAsync() => _cluster.NewNamespaceAsync("lb-");

    public Task<JsonObject> CreateServiceAsync(string ns, string name, string type = "LoadBalancer", string? loadBalancerIP = null, string? loadBalancerClass = null)
    {
        var spec = new JsonObject
        {
            ["type"] = type,
            ["selector"] = new JsonObject { ["app"] = name },
            ["ports"] = new JsonArray(new JsonObject { ["port"] = 80, ["targetPort"] = 8080 }),
        };
        if (loadBalancerIP is not null) spec["loadBalancerIP"] = loadBalancerIP;
        if (loadBalancerClass is not null) spec["loadBalancerClass"] = loadBalancerClass;
        return Client.CreateAsync(BuiltinResources.Service, ns, new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Service", ["metadata"] = new JsonObject { ["name"] = name }, ["spec"] = spec,
        });
    }

    public async Task<JsonObject?> GetServiceAsync(string ns, string name) => await Client.TryGetAsync(BuiltinResources.Service, ns, name);

    /// <summary>The EXTERNAL-IP kubectl would show: the first ingress IP, or null while &lt;pending&gt;.</summary>
    public async Task<string?> IngressIpAsync(string ns, string name) =>
        (await GetServiceAsync(ns, name))?.Obj("status")?.Obj("loadBalancer")?.Arr("ingress")?.OfType<JsonObject>().FirstOrDefault()?.Str("ip");

    public async Task<string> WaitForIngressIpAsync(string ns, string name)
    {
        string? ip = null;
        await Eventually.TrueAsync(async () => (ip = await IngressIpAsync(ns, name)) is not null, $"{ns}/{name} gets an ingress IP");
        return ip!;
    }

    /// <summary>Events about the Service as `kubectl describe svc` lists them: (type, reason, message, source component).</summary>
    public async Task<IReadOnlyList<(string Type, string Reason, string Message, string? Component)>> EventsAsync(string ns, string name)
    {
        var list = await Client.ListAsync(BuiltinResources.CoreEvent, ns, new ListOptions { FieldSelector = $"involvedObject.kind=Service,involvedObject.name={name}" });
        return [.. list.Arr("items")!.OfType<JsonObject>().Select(e => (e.Str("type") ?? "", e.Str("reason") ?? "", e.Str("message") ?? "", e.Obj("source")?.Str("component")))];
    }

    public async Task WaitForEventAsync(string ns, string name, string reason, string messagePart) =>
        await Eventually.TrueAsync(async () => (await EventsAsync(ns, name)).Any(e => e.Reason == reason && e.Message.Contains(messagePart)),
            $"event {reason} containing \"{messagePart}\" on {ns}/{name}");
}
