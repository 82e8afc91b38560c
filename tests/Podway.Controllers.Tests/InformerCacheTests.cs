using System.Text.Json.Nodes;
using Podway.Client;

namespace Podway.Controllers.Tests;

public sealed class InformerCacheTests
{
    static JsonObject Obj(string ns, string name, string uid, params string[] ownerUids) => new()
    {
        ["metadata"] = new JsonObject
        {
            ["namespace"] = ns, ["name"] = name, ["uid"] = uid,
            ["ownerReferences"] = new JsonArray(ownerUids.Select(u => (JsonNode)new JsonObject { ["uid"] = u }).ToArray()),
        },
    };

    [Fact]
    public void ByIndex_OwnerUid_FollowsUpdatesAndRemoval()
    {
        var cache = new InformerCache();
        cache.Upsert(Obj("ns1", "a", "u-a", "owner-1"));
        cache.Upsert(Obj("ns1", "b", "u-b", "owner-1", "owner-2"));
        Assert.Equal(["a", "b"], cache.ByIndex(InformerCache.OwnerUidIndex, "owner-1").Select(ObjectMeta.Name).Order());

        cache.Upsert(Obj("ns1", "b", "u-b", "owner-2")); // b dropped owner-1
        Assert.Equal(["a"], cache.ByIndex(InformerCache.OwnerUidIndex, "owner-1").Select(ObjectMeta.Name));
        Assert.Equal(["b"], cache.ByIndex(InformerCache.OwnerUidIndex, "owner-2").Select(ObjectMeta.Name));

        cache.Remove("ns1/a");
        Assert.Empty(cache.ByIndex(InformerCache.OwnerUidIndex, "owner-1"));
    }

    [Fact]
    public void ByIndex_Namespace_GroupsByNamespaceAndClusterScopedUnderEmpty()
    {
        var cache = new InformerCache();
        cache.Upsert(Obj("ns1", "a", "1"));
        cache.Upsert(Obj("ns2", "a", "2"));
        cache.Upsert(Obj("", "node-1", "3"));
        Assert.Equal("1", ObjectMeta.Uid(Assert.Single(cache.ByIndex(InformerCache.NamespaceIndex, "ns1"))));
        Assert.Equal("node-1", ObjectMeta.Name(Assert.Single(cache.ByIndex(InformerCache.NamespaceIndex, ""))));
        Assert.Equal("2", ObjectMeta.Uid(cache.Get("ns2", "a")!));
        Assert.NotNull(cache.Get("node-1"));
    }

    [Fact]
    public void AddIndexer_AfterObjectsCached_IndexesExistingObjects()
    {
        var cache = new InformerCache();
        cache.Upsert(Obj("ns1", "a", "1"));
        cache.AddIndexer("first-letter", o => [ObjectMeta.Name(o)[..1]]);
        Assert.Single(cache.ByIndex("first-letter", "a"));
        Assert.Throws<InvalidOperationException>(() => cache.AddIndexer("first-letter", _ => []));
        Assert.Throws<ArgumentException>(() => cache.ByIndex("missing", "x"));
    }
}
