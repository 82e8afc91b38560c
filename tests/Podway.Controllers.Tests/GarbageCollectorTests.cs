using System.Text.Json.Nodes;
using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Controllers.Tests;

[Collection("controllers")]
public sealed class GarbageCollectorTests(ControllersFixture cluster)
{
    static readonly ResourceType Cm = BuiltinResources.ConfigMap;

    [Fact]
    public async Task Delete_OwnerBackground_DependentCollected()
    {
        var ns = await cluster.NewNamespaceAsync();
        var owner = await cluster.CreateConfigMapAsync(ns, "owner");
        await cluster.CreateConfigMapAsync(ns, "child", [ControllersFixture.OwnerRef(owner)]);

        await cluster.Client.DeleteAsync(Cm, ns, "owner", DeleteOptions.Background);

        await Eventually.TrueAsync(() => cluster.GoneAsync(Cm, ns, "child"), "child of a deleted owner is collected");
    }

    [Fact]
    public async Task Create_OwnerUidNeverExisted_DependentCollected()
    {
        var ns = await cluster.NewNamespaceAsync();
        var owner = await cluster.CreateConfigMapAsync(ns, "owner");
        var wrongUid = ControllersFixture.OwnerRef(owner);
        wrongUid["uid"] = Guid.NewGuid().ToString(); // same name, different object: the owner by uid does not exist
        await cluster.CreateConfigMapAsync(ns, "child", [wrongUid]);

        await Eventually.TrueAsync(() => cluster.GoneAsync(Cm, ns, "child"), "dependent with a dangling owner uid is collected");
        Assert.NotNull(await cluster.Client.TryGetAsync(Cm, ns, "owner"));
    }

    [Fact]
    public async Task Delete_OneOfTwoOwners_ReferenceRemovedDependentKept()
    {
        var ns = await cluster.NewNamespaceAsync();
        var first = await cluster.CreateConfigMapAsync(ns, "first");
        var second = await cluster.CreateConfigMapAsync(ns, "second");
        await cluster.CreateConfigMapAsync(ns, "child", [ControllersFixture.OwnerRef(first), ControllersFixture.OwnerRef(second)]);

        await cluster.Client.DeleteAsync(Cm, ns, "first");

        await Eventually.TrueAsync(async () =>
        {
            var child = await cluster.Client.TryGetAsync(Cm, ns, "child");
            return child is not null && ObjectMeta.OwnerReferences(child).Count == 1;
        }, "the dangling reference is removed");
        var kept = await cluster.Client.GetAsync(Cm, ns, "child");
        Assert.Equal(ObjectMeta.Uid(second), ObjectMeta.OwnerReferences(kept)[0]["uid"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_OwnerForeground_OwnerWaitsForBlockingDependents()
    {
        var ns = await cluster.NewNamespaceAsync();
        var owner = await cluster.CreateConfigMapAsync(ns, "owner");
        await cluster.CreateConfigMapAsync(ns, "held", [ControllersFixture.OwnerRef(owner, blockOwnerDeletion: true)], "example.com/hold");
        await cluster.CreateConfigMapAsync(ns, "plain", [ControllersFixture.OwnerRef(owner, blockOwnerDeletion: true)]);

        await cluster.Client.DeleteAsync(Cm, ns, "owner", DeleteOptions.Foreground);

        await Eventually.TrueAsync(() => cluster.GoneAsync(Cm, ns, "plain"), "the free dependent is deleted");
        await Eventually.TrueAsync(async () => ObjectMeta.IsBeingDeleted(await cluster.Client.GetAsync(Cm, ns, "held")), "the held dependent is marked for deletion");
        var waiting = await cluster.Client.GetAsync(Cm, ns, "owner");
        Assert.True(ObjectMeta.IsBeingDeleted(waiting));
        Assert.Contains("foregroundDeletion", ObjectMeta.Finalizers(waiting));

        await cluster.RemoveFinalizersAsync(Cm, ns, "held");

        await Eventually.TrueAsync(() => cluster.GoneAsync(Cm, ns, "owner"), "the owner goes once its blocking dependents are gone");
    }

    [Fact]
    public async Task Delete_OwnerOrphan_DependentKeptWithoutReference()
    {
        var ns = await cluster.NewNamespaceAsync();
        var owner = await cluster.CreateConfigMapAsync(ns, "owner");
        var other = await cluster.CreateConfigMapAsync(ns, "other");
        await cluster.CreateConfigMapAsync(ns, "child", [ControllersFixture.OwnerRef(owner), ControllersFixture.OwnerRef(other)]);

        await cluster.Client.DeleteAsync(Cm, ns, "owner", DeleteOptions.Orphan);

        await Eventually.TrueAsync(() => cluster.GoneAsync(Cm, ns, "owner"), "the orphaning owner is deleted");
        var child = await cluster.Client.GetAsync(Cm, ns, "child");
        Assert.Equal([ObjectMeta.Uid(other)], ObjectMeta.OwnerReferences(child).Select(r => r["uid"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Delete_ClusterScopedOwner_NamespacedDependentCollected()
    {
        var ns = await cluster.NewNamespaceAsync();
        var className = "gc-" + ns;
        var owner = await cluster.Client.CreateAsync(BuiltinResources.IngressClass, null, new JsonObject
        {
            ["apiVersion"] = "networking.k8s.io/v1", ["kind"] = "IngressClass",
            ["metadata"] = new JsonObject { ["name"] = className },
            ["spec"] = new JsonObject { ["controller"] = "example.com/ingress" },
        });
        await cluster.CreateConfigMapAsync(ns, "child", [ControllersFixture.OwnerRef(owner)]);
        await Task.Delay(300);
        Assert.NotNull(await cluster.Client.TryGetAsync(Cm, ns, "child")); // a live cluster-scoped owner keeps it

        await cluster.Client.DeleteAsync(BuiltinResources.IngressClass, null, className);

        await Eventually.TrueAsync(() => cluster.GoneAsync(Cm, ns, "child"), "dependent of a deleted cluster-scoped owner is collected");
    }

    [Fact]
    public async Task Create_ClusterScopedDependentOfNamespacedKind_WarningEventAndKept()
    {
        var ns = await cluster.NewNamespaceAsync();
        var owner = await cluster.CreateConfigMapAsync(ns, "owner");
        var name = "invalid-" + ns;
        await cluster.Client.CreateAsync(BuiltinResources.IngressClass, null, new JsonObject
        {
            ["apiVersion"] = "networking.k8s.io/v1", ["kind"] = "IngressClass",
            ["metadata"] = new JsonObject { ["name"] = name, ["ownerReferences"] = new JsonArray(ControllersFixture.OwnerRef(owner)) },
            ["spec"] = new JsonObject { ["controller"] = "example.com/ingress" },
        });

        JsonObject? warning = null;
        await Eventually.TrueAsync(async () =>
        {
            var events = await cluster.Client.ListAsync(BuiltinResources.CoreEvent, "default");
            warning = events["items"]!.AsArray().OfType<JsonObject>()
                .FirstOrDefault(e => e["involvedObject"]?["name"]?.GetValue<string>() == name);
            return warning is not null;
        }, "an OwnerRefInvalidNamespace event");
        Assert.Equal("Warning", warning!["type"]!.GetValue<string>());
        Assert.Equal("OwnerRefInvalidNamespace", warning["reason"]!.GetValue<string>());
        Assert.Equal($"ownerRef [v1/ConfigMap, namespace: , name: owner, uid: {ObjectMeta.Uid(owner)}] does not exist in namespace \"\"", warning["message"]!.GetValue<string>());
        Assert.Equal(GarbageCollector.Component, warning["source"]!["component"]!.GetValue<string>());
        Assert.NotNull(await cluster.Client.TryGetAsync(BuiltinResources.IngressClass, null, name));
        await cluster.Client.DeleteAsync(BuiltinResources.IngressClass, null, name);
    }
}
