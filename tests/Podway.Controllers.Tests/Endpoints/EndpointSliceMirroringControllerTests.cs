using System.Text.Json.Nodes;
using Podway.Api.Json;
using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Controllers.Tests.Endpoints;

[Collection("endpoints")]
public sealed class EndpointSliceMirroringControllerTests(EndpointsFixture cluster)
{
    ApiClient Client => cluster.Client;

    static JsonObject HandWritten(string name, JsonObject? labels, params string[] ips) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Endpoints",
        ["metadata"] = labels is null ? new JsonObject { ["name"] = name } : new JsonObject { ["name"] = name, ["labels"] = labels },
        ["subsets"] = new JsonArray(new JsonObject
        {
            ["addresses"] = new JsonArray([.. ips.Select(ip => (JsonNode)new JsonObject { ["ip"] = ip })]),
            ["ports"] = new JsonArray(new JsonObject { ["name"] = "db", ["port"] = 5432, ["protocol"] = "TCP" }),
        }),
    };

    async Task<List<JsonObject>> MirroredAsync(string ns, string name) =>
        (await cluster.SlicesAsync(ns, name)).Where(s => s.Labels().Str("endpointslice.kubernetes.io/managed-by") == "endpointslicemirroring-controller.k8s.io").ToList();

    async Task<List<JsonObject>> MirroredWhenAsync(string ns, string name, Func<List<JsonObject>, bool> done, string what)
    {
        List<JsonObject> slices = [];
        await Eventually.TrueAsync(async () => done(slices = await MirroredAsync(ns, name)), what);
        return slices;
    }

    [Fact]
    public async Task Sync_SelectorlessServiceWithEndpoints_MirroredIntoOneSlice()
    {
        var ns = await cluster.NewNamespaceAsync();
        await cluster.ServiceAsync(ns, "external-db", new JsonObject { ["ports"] = new JsonArray(EndpointsFixture.Port(5432, name: "db")) });
        var endpoints = await Client.CreateAsync(BuiltinResources.Endpoints, ns, HandWritten("external-db", new JsonObject { ["team"] = "data" }, "192.0.2.10", "192.0.2.11"));

        var slice = Assert.Single(await MirroredWhenAsync(ns, "external-db", s => s.Count == 1, "a mirrored slice"));

        Assert.Matches("^external-db-[a-z0-9]{5}$", slice.Name());
        Assert.Equal(("external-db", "data"), (slice.Labels().Str("kubernetes.io/service-name"), slice.Labels().Str("team")));
        var owner = Assert.Single(slice.Obj("metadata")!.Arr("ownerReferences")!.OfType<JsonObject>());
        Assert.Equal(("Endpoints", endpoints.Uid(), true), (owner.Str("kind"), owner.Str("uid"), owner.Bool("controller")));
        Assert.Equal(["192.0.2.10", "192.0.2.11"], EndpointsFixture.EndpointsOf([slice]).Select(e => EndpointsFixture.Ip(e)!).Order());
        Assert.All(EndpointsFixture.EndpointsOf([slice]), e => Assert.True(e.Obj("conditions").Bool("ready")));
        var port = Assert.Single(slice.Arr("ports")!.OfType<JsonObject>());
        Assert.Equal(("db", 5432L, "TCP"), (port.Str("name"), port.Long("port"), port.Str("protocol")));

        // Editing the Endpoints rewrites the same slice.
        var current = await Client.GetAsync(BuiltinResources.Endpoints, ns, "external-db");
        current["subsets"] = HandWritten("x", null, "192.0.2.12")["subsets"]!.DeepClone();
        await Client.UpdateAsync(BuiltinResources.Endpoints, current);
        var updated = Assert.Single(await MirroredWhenAsync(ns, "external-db",
            s => s.Count == 1 && EndpointsFixture.EndpointsOf(s).Select(EndpointsFixture.Ip).SequenceEqual(["192.0.2.12"]), "the new address mirrored"));
        Assert.Equal(slice.Name(), updated.Name());
    }

    [Fact]
    public async Task Sync_SkipMirrorLabel_NoSlicesAndExistingOnesRemoved()
    {
        var ns = await cluster.NewNamespaceAsync();
        await cluster.ServiceAsync(ns, "skipped", new JsonObject { ["ports"] = new JsonArray(EndpointsFixture.Port(5432, name: "db")) });
        await cluster.ServiceAsync(ns, "mirrored", new JsonObject { ["ports"] = new JsonArray(EndpointsFixture.Port(5432, name: "db")) });
        await Client.CreateAsync(BuiltinResources.Endpoints, ns, HandWritten("skipped", new JsonObject { ["endpointslice.kubernetes.io/skip-mirror"] = "true" }, "192.0.2.20"));
        await Client.CreateAsync(BuiltinResources.Endpoints, ns, HandWritten("mirrored", null, "192.0.2.21"));
        await MirroredWhenAsync(ns, "mirrored", s => s.Count == 1, "the other Endpoints mirrored");
        Assert.Empty(await MirroredAsync(ns, "skipped"));

        await Client.PatchAsync(BuiltinResources.Endpoints, ns, "mirrored", PatchType.Merge,
            new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["endpointslice.kubernetes.io/skip-mirror"] = "true" } } });

        await MirroredWhenAsync(ns, "mirrored", s => s.Count == 0, "mirrored slice removed");
    }

    [Fact]
    public async Task Sync_ServiceWithSelector_EndpointsNotMirrored()
    {
        var ns = await cluster.NewNamespaceAsync();
        await cluster.ServiceAsync(ns, "selected", new JsonObject { ["selector"] = new JsonObject { ["app"] = "x" }, ["ports"] = new JsonArray(EndpointsFixture.Port(80)) });
        await cluster.ServiceAsync(ns, "marker", new JsonObject { ["ports"] = new JsonArray(EndpointsFixture.Port(5432, name: "db")) });
        await Client.CreateAsync(BuiltinResources.Endpoints, ns, HandWritten("marker", null, "192.0.2.30"));
        await MirroredWhenAsync(ns, "marker", s => s.Count == 1, "the marker mirrored");

        Assert.Empty(await MirroredAsync(ns, "selected"));
        var controllerSlices = await cluster.SlicesAsync(ns, "selected");
        Assert.All(controllerSlices, s => Assert.Equal("endpointslice-controller.k8s.io", s.Labels().Str("endpointslice.kubernetes.io/managed-by")));
    }
}
