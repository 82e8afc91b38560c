using System.Diagnostics;
using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Resources;
using Podway.Client;
using Podway.Edge.Addon;
using Podway.Edge.Gateway;
using Podway.Edge.Status;

namespace Podway.Edge.Tests.Status;

/// <summary>The Gateway API controller's writes against the real in-process API server: the Gateway's LoadBalancer
/// Service (created, its ports following the listeners, deleted with the Gateway) and the class and Gateway status.</summary>
public sealed class GatewayStatusControllerTests : IClassFixture<RealApiServer>, IAsyncLifetime
{
    readonly RealApiServer _api;
    readonly CancellationTokenSource _stop = new();
    Task _host = Task.CompletedTask;
    readonly string _id = Guid.NewGuid().ToString("N")[..6];
    string Ns => "gs-" + _id;
    string Class => "gc-" + _id;

    public GatewayStatusControllerTests(RealApiServer api) => _api = api;

    public async Task InitializeAsync()
    {
        foreach (var ns in new[] { EdgeAddon.Namespace, Ns })
            if (await _api.Client.TryGetAsync(BuiltinResources.Namespace, null, ns) is null)
                await _api.Client.CreateAsync(BuiltinResources.Namespace, null, new() { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns } });
        await _api.Client.CreateAsync(BuiltinResources.GatewayClass, null, JsonNode.Parse($$"""
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"GatewayClass","metadata":{"name":"{{Class}}"},"spec":{"controllerName":"{{GatewayApi.ControllerName}}"} }
            """)!.AsObject());
        _host = EdgeStatusHost.RunAsync(_api.Client, null, _stop.Token);
    }

    public async Task DisposeAsync()
    {
        _stop.Cancel();
        await _host.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });
        await _api.Client.DeleteAsync(BuiltinResources.GatewayClass, null, Class).ContinueWith(_ => { });
    }

    static async Task<string> EventuallyAsync(Func<Task<string>> actual, Func<string, bool> done)
    {
        var clock = Stopwatch.StartNew();
        var value = await actual();
        while (!done(value) && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(50);
            value = await actual();
        }
        return value;
    }

    string ServiceName => GatewayStatusController.ServiceName(Ns, "gw");

    async Task<string> ServicePortsAsync()
    {
        var svc = await _api.Client.TryGetAsync(BuiltinResources.Service, EdgeAddon.Namespace, ServiceName);
        if (svc is null) return "none";
        return string.Join(",", (svc["spec"]?["ports"]?.AsArray() ?? []).Select(p => $"{p!["port"]}->{p["targetPort"]}"));
    }

    async Task<string> GatewayConditionsAsync() =>
        string.Join(" ", ((await _api.Client.GetAsync(BuiltinResources.Gateway, Ns, "gw"))["status"]?["conditions"]?.AsArray() ?? [])
            .Select(c => $"{c!["type"]}={c["status"]}/{c["reason"]}"));

    [Fact]
    public async Task Gateway_GetsAServiceWhosePortsFollowItsListeners_AndStatusFromItsAddress()
    {
        Assert.Equal("Accepted=True/Accepted", await EventuallyAsync(async () =>
            string.Join(" ", ((await _api.Client.GetAsync(BuiltinResources.GatewayClass, null, Class))["status"]?["conditions"]?.AsArray() ?? [])
                .Select(c => $"{c!["type"]}={c["status"]}/{c["reason"]}")), s => s.Contains("True")));

        await _api.Client.CreateAsync(BuiltinResources.Gateway, Ns, JsonNode.Parse($$"""
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"gw"},
             "spec":{"gatewayClassName":"{{Class}}","listeners":[{"name":"http","port":80,"protocol":"HTTP"}]} }
            """)!.AsObject());
        var ports = await EventuallyAsync(ServicePortsAsync, p => p != "none");
        Assert.Matches(@"^80->2\d{4}$", ports);
        Assert.Equal("Accepted=True/Accepted Programmed=False/AddressNotAssigned", await EventuallyAsync(GatewayConditionsAsync, s => s.Contains("AddressNotAssigned")));

        // What the LoadBalancer controller writes; the Gateway then shows the address and is Programmed.
        await _api.Client.PatchAsync(BuiltinResources.Service, EdgeAddon.Namespace, ServiceName, PatchType.Merge,
            new JsonObject { ["status"] = new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = new JsonArray(new JsonObject { ["ip"] = "10.250.9.140" }) } } }, "status");
        Assert.Equal("Accepted=True/Accepted Programmed=False/Pending", await EventuallyAsync(GatewayConditionsAsync, s => s.Contains("Pending")));
        // What the EndpointSlice controller writes once an edge Pod is ready; only then is the Gateway Programmed.
        var slice = EdgeObjects.Ready(EdgeAddon.Namespace, ServiceName + "-x", ServiceName, "port-80", 20000, "10.244.0.9");
        slice["apiVersion"] = "discovery.k8s.io/v1";
        slice["kind"] = "EndpointSlice";
        await _api.Client.CreateAsync(BuiltinResources.EndpointSlice, EdgeAddon.Namespace, slice);
        Assert.Equal("Accepted=True/Accepted Programmed=True/Programmed", await EventuallyAsync(GatewayConditionsAsync, s => s.Contains("Programmed=True")));
        Assert.Equal("10.250.9.140", (string?)(await _api.Client.GetAsync(BuiltinResources.Gateway, Ns, "gw"))["status"]?["addresses"]?[0]?["value"]);

        // A second listener port: the Service gains a port with a target port of its own; the first keeps its own.
        await _api.Client.PatchAsync(BuiltinResources.Gateway, Ns, "gw", PatchType.Merge, JsonNode.Parse("""
            {"spec":{"listeners":[{"name":"http","port":80,"protocol":"HTTP"},{"name":"alt","port":8080,"protocol":"HTTP"}]}}
            """)!);
        var two = await EventuallyAsync(ServicePortsAsync, p => p.Contains(','));
        Assert.StartsWith(ports + ",8080->", two);
        Assert.NotEqual(two.Split(',')[0].Split("->")[1], two.Split(',')[1].Split("->")[1]);

        await _api.Client.DeleteAsync(BuiltinResources.Gateway, Ns, "gw");
        Assert.Equal("none", await EventuallyAsync(ServicePortsAsync, p => p == "none"));
    }

    /// <summary>L4 listeners: the Gateway's Service port of a UDP listener has protocol UDP (TCP and TLS ones TCP), and
    /// TCPRoute/UDPRoute status is written through their status subresource.</summary>
    [Fact]
    public async Task L4Listeners_GetServicePortsOfTheirProtocol_AndRoutesTheirStatus()
    {
        await _api.Client.CreateAsync(BuiltinResources.Gateway, Ns, JsonNode.Parse($$"""
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"gw"},
             "spec":{"gatewayClassName":"{{Class}}","listeners":[{"name":"dns","port":53,"protocol":"UDP"},{"name":"db","port":5432,"protocol":"TCP"}]} }
            """)!.AsObject());
        async Task<string> ProtocolsAsync()
        {
            var svc = await _api.Client.TryGetAsync(BuiltinResources.Service, EdgeAddon.Namespace, ServiceName);
            return svc is null ? "none" : string.Join(",", (svc["spec"]?["ports"]?.AsArray() ?? []).Select(p => $"{p!["port"]}/{p["protocol"]}"));
        }
        Assert.Equal("53/UDP,5432/TCP", await EventuallyAsync(ProtocolsAsync, p => p.Contains(',')));

        await _api.Client.CreateAsync(BuiltinResources.UdpRoute, Ns, JsonNode.Parse("""
            {"apiVersion":"gateway.networking.k8s.io/v1alpha2","kind":"UDPRoute","metadata":{"name":"dns"},
             "spec":{"parentRefs":[{"name":"gw","sectionName":"dns"}],"rules":[{"backendRefs":[{"name":"missing","port":53}]}]} }
            """)!.AsObject());
        await _api.Client.CreateAsync(BuiltinResources.TcpRoute, Ns, JsonNode.Parse("""
            {"apiVersion":"gateway.networking.k8s.io/v1alpha2","kind":"TCPRoute","metadata":{"name":"db"},
             "spec":{"parentRefs":[{"name":"gw","sectionName":"dns"}],"rules":[{"backendRefs":[{"name":"missing","port":5432}]}]} }
            """)!.AsObject());
        async Task<string> ConditionsAsync(ResourceType type, string name) =>
            string.Join(" ", ((await _api.Client.GetAsync(type, Ns, name))["status"]?["parents"]?[0]?["conditions"]?.AsArray() ?? [])
                .Select(c => $"{c!["type"]}={c["status"]}/{c["reason"]}"));
        Assert.Equal("Accepted=True/Accepted ResolvedRefs=False/BackendNotFound",
            await EventuallyAsync(() => ConditionsAsync(BuiltinResources.UdpRoute, "dns"), c => c.Length > 0));
        Assert.Equal("Accepted=False/NotAllowedByListeners ResolvedRefs=False/BackendNotFound",
            await EventuallyAsync(() => ConditionsAsync(BuiltinResources.TcpRoute, "db"), c => c.Length > 0));
        await _api.Client.DeleteAsync(BuiltinResources.Gateway, Ns, "gw");
    }

    /// <summary>A GRPCRoute on a podway Gateway gets podway's parent entry (Accepted, and here BackendNotFound: its
    /// Service does not exist); the entry for another controller's Gateway is not podway's to write.</summary>
    [Fact]
    public async Task GrpcRoute_OnAPodwayGateway_GetsItsParentStatus()
    {
        await _api.Client.CreateAsync(BuiltinResources.Gateway, Ns, JsonNode.Parse($$"""
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"gw"},
             "spec":{"gatewayClassName":"{{Class}}","listeners":[{"name":"http","port":80,"protocol":"HTTP"}]} }
            """)!.AsObject());
        await _api.Client.CreateAsync(BuiltinResources.GrpcRoute, Ns, JsonNode.Parse("""
            {"apiVersion":"gateway.networking.k8s.io/v1","kind":"GRPCRoute","metadata":{"name":"grpc"},
             "spec":{"parentRefs":[{"name":"gw"},{"name":"someone-elses"}],"rules":[{"backendRefs":[{"name":"svc","port":9000}]}]} }
            """)!.AsObject());

        async Task<string> ParentsAsync() =>
            string.Join(" | ", ((await _api.Client.GetAsync(BuiltinResources.GrpcRoute, Ns, "grpc"))["status"]?["parents"]?.AsArray() ?? [])
                .Select(p => $"{p!["parentRef"]!["name"]} {p["controllerName"]} " + string.Join(" ", (p["conditions"]?.AsArray() ?? [])
                    .Select(c => $"{c!["type"]}={c["status"]}/{c["reason"]}: {c["message"]}"))));
        Assert.Equal($"gw {GatewayApi.ControllerName} Accepted=True/Accepted: Route is accepted " +
            $"ResolvedRefs=False/BackendNotFound: Service \"{Ns}/svc\" not found",
            await EventuallyAsync(ParentsAsync, p => p.Length > 0));
        await _api.Client.DeleteAsync(BuiltinResources.Gateway, Ns, "gw");
    }
}
