using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Json;
using Podway.Api.Resources;
using Podway.Client;
using Podway.Controllers.Tests.Workloads;

namespace Podway.Controllers.Tests.Scheduling;

/// <summary>The default-scheduler against a real API server, in a cluster of its own so that node counts are the test's.</summary>
[Collection("scheduling")]
public sealed class SchedulerTests(SchedulingFixture cluster) : IAsyncLifetime
{
    ApiClient Client => cluster.Client;
    readonly List<string> _nodes = [];
    string? _ns;

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Leaves no node and no pod behind for the next test's counts.</summary>
    public async Task DisposeAsync()
    {
        if (_ns is not null)
            foreach (var pod in (await Client.ListAsync(BuiltinResources.Pod, _ns))["items"]!.AsArray().OfType<JsonObject>())
                try { await Client.DeleteAsync(BuiltinResources.Pod, _ns, pod.Name(), new DeleteOptions { GracePeriodSeconds = 0 }); } catch (ApiException) { }
        foreach (var node in _nodes)
            try { await Client.DeleteAsync(BuiltinResources.Node, null, node); } catch (ApiException) { }
    }

    async Task AddNodeAsync(JsonObject node)
    {
        _nodes.Add(node.Name());
        await Client.CreateAsync(BuiltinResources.Node, null, node);
    }

    async Task<JsonObject> PodAsync(string ns, string name, JsonObject? extraSpec = null)
    {
        var spec = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "main", ["image"] = "nginx" }) };
        foreach (var (k, v) in extraSpec ?? []) spec[k] = v?.DeepClone();
        _ns = ns;
        return await Client.CreateAsync(BuiltinResources.Pod, ns, new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod", ["metadata"] = new JsonObject { ["name"] = name }, ["spec"] = spec });
    }

    async Task<string?> NodeOfAsync(string ns, string pod) => (await Client.GetAsync(BuiltinResources.Pod, ns, pod)).Obj("spec").Str("nodeName");

    [Fact]
    public async Task Schedule_TwoReadyNodes_BindsSpreadingAndRecordsEvents()
    {
        var ns = await cluster.NewNamespaceAsync();
        await AddNodeAsync(NodeObjects.Ready("sa"));
        await AddNodeAsync(NodeObjects.Ready("sb"));

        await PodAsync(ns, "one");
        await Eventually.TrueAsync(async () => await NodeOfAsync(ns, "one") is not null, "the first pod bound");
        await PodAsync(ns, "two");
        await Eventually.TrueAsync(async () => await NodeOfAsync(ns, "two") is not null, "the second pod bound");

        Assert.NotEqual(await NodeOfAsync(ns, "one"), await NodeOfAsync(ns, "two"));
        var pod = await Client.GetAsync(BuiltinResources.Pod, ns, "one");
        Assert.Equal("True", WorkloadsFixture.Condition(pod, "PodScheduled").Str("status"));
        var events = (await Client.ListAsync(BuiltinResources.CoreEvent, ns))["items"]!.AsArray().OfType<JsonObject>().ToList();
        Assert.Contains(events, e => e.Str("reason") == "Scheduled" && e.Obj("source").Str("component") == "default-scheduler"
            && e.Str("message") == $"Successfully assigned {ns}/one to {pod.Obj("spec").Str("nodeName")}");
    }

    public sealed record NoFitRow(string Case, JsonObject Node, JsonObject PodSpec, string Message);

    public static TheoryData<NoFitRow> NoFitRows() => new()
    {
        new NoFitRow("nodeSelector", NodeObjects.Ready("nf1"), new JsonObject { ["nodeSelector"] = new JsonObject { ["disk"] = "ssd" } },
            "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector."),
        new NoFitRow("affinity", NodeObjects.Ready("nf2"), new JsonObject
        {
            ["affinity"] = JsonNode.Parse("""{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"zone","operator":"In","values":["a"]}]}]}}}"""),
        }, "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector."),
        new NoFitRow("unschedulable", NodeObjects.Ready("nf3", unschedulable: true), new JsonObject(), "0/1 nodes are available: 1 node(s) were unschedulable."),
        new NoFitRow("taint", NodeObjects.Ready("nf4", taints: new JsonArray(new JsonObject { ["key"] = "dedicated", ["value"] = "gpu", ["effect"] = "NoSchedule" })), new JsonObject(),
            "0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}."),
        new NoFitRow("not ready", NodeObjects.Ready("nf5", ready: false), new JsonObject(), "0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }."),
        new NoFitRow("cpu", NodeObjects.Ready("nf6"), new JsonObject
        {
            ["containers"] = JsonNode.Parse("""[{"name":"main","image":"nginx","resources":{"requests":{"cpu":"5"}}}]"""),
        }, "0/1 nodes are available: 1 Insufficient cpu."),
    };

    [Theory]
    [MemberData(nameof(NoFitRows))]
    public async Task Schedule_NoNodeFits_UnschedulableConditionAndFailedSchedulingEvent(NoFitRow row)
    {
        var ns = await cluster.NewNamespaceAsync();
        await AddNodeAsync((JsonObject)row.Node.DeepClone());

        await PodAsync(ns, "stuck", row.PodSpec);

        JsonObject? condition = null;
        await Eventually.TrueAsync(async () => (condition = WorkloadsFixture.Condition(await Client.GetAsync(BuiltinResources.Pod, ns, "stuck"), "PodScheduled")) is not null, "the PodScheduled condition");
        Assert.Equal(("False", "Unschedulable", row.Message), (condition!.Str("status"), condition.Str("reason"), condition.Str("message")));
        Assert.Null(await NodeOfAsync(ns, "stuck"));
        var events = (await Client.ListAsync(BuiltinResources.CoreEvent, ns))["items"]!.AsArray().OfType<JsonObject>();
        Assert.Contains(events, e => e.Str("reason") == "FailedScheduling" && e.Str("type") == "Warning" && e.Str("message") == row.Message);
    }

    [Fact]
    public async Task Schedule_MatchingNodeAppearsLater_PodBoundThen()
    {
        var ns = await cluster.NewNamespaceAsync();
        await AddNodeAsync(NodeObjects.Ready("plain"));
        await PodAsync(ns, "wants-ssd", new JsonObject { ["nodeSelector"] = new JsonObject { ["disk"] = "ssd" } });
        await Eventually.TrueAsync(async () => WorkloadsFixture.Condition(await Client.GetAsync(BuiltinResources.Pod, ns, "wants-ssd"), "PodScheduled") is not null, "unschedulable first");

        await Client.PatchAsync(BuiltinResources.Node, null, "plain", PatchType.Merge, new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["disk"] = "ssd" } } });

        await Eventually.TrueAsync(async () => await NodeOfAsync(ns, "wants-ssd") == "plain", "bound once the node matches");
    }

    [Fact]
    public async Task Binding_PodAlreadyAssigned_ConflictWithKubesMessage()
    {
        var ns = await cluster.NewNamespaceAsync();
        await PodAsync(ns, "pinned", new JsonObject { ["nodeName"] = "elsewhere" });
        var binding = new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Binding", ["metadata"] = new JsonObject { ["name"] = "pinned" },
            ["target"] = new JsonObject { ["kind"] = "Node", ["name"] = "other" },
        };

        var error = await Assert.ThrowsAsync<ApiException>(() => Client.CreateSubresourceAsync(BuiltinResources.Pod, ns, "pinned", "binding", binding));

        Assert.Equal((409, "Conflict"), (error.Code, error.Reason));
        Assert.Equal("Operation cannot be fulfilled on pods/binding \"pinned\": pod pinned is already assigned to node \"elsewhere\"", error.Message);
    }
}

/// <summary>An API server with the controller manager (and so the scheduler), and no node of its own.</summary>
public sealed class SchedulingFixture : IAsyncLifetime
{
    ManagedApiServer? _cluster;

    public ApiClient Client => _cluster!.Client;

    public async Task InitializeAsync() => _cluster = await ManagedApiServer.StartAsync(new ControllerManagerOptions());

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    public Task<string> NewNamespaceAsync() => _cluster!.NewNamespaceAsync("s-");
}

[CollectionDefinition("scheduling")]
public sealed class SchedulingCollection : ICollectionFixture<SchedulingFixture>;
