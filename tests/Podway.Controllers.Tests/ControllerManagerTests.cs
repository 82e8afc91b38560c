using System.Text.Json.Nodes;
using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Controllers.Tests;

public sealed class ControllerManagerTests : IAsyncLifetime
{
    readonly RealApiServer _server = new();

    public Task InitializeAsync() => _server.InitializeAsync();
    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task RunAsync_Cancelled_StopsPromptly()
    {
        var manager = new ControllerManager(_server.Client);
        using var cts = new CancellationTokenSource();
        var run = manager.RunAsync(cts.Token);
        await manager.Ready.WaitAsync(TimeSpan.FromSeconds(30));

        cts.Cancel();

        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(run.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Informer_RealServer_CacheFollowsCreateUpdateDelete()
    {
        var client = _server.Client;
        var informer = new Informer(client, BuiltinResources.ConfigMap, new InformerOptions { Namespace = "default" });
        var seen = new System.Collections.Concurrent.ConcurrentQueue<string>();
        informer.AddEventHandler(o => seen.Enqueue("add " + ObjectMeta.Name(o)), (_, o) => seen.Enqueue("update " + ObjectMeta.Name(o)), o => seen.Enqueue("delete " + ObjectMeta.Name(o)));
        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);
        await informer.WaitForSyncAsync().WaitAsync(TimeSpan.FromSeconds(10));

        await client.CreateAsync(BuiltinResources.ConfigMap, "default", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "watched" }, ["data"] = new JsonObject { ["a"] = "1" } });
        await client.PatchAsync(BuiltinResources.ConfigMap, "default", "watched", PatchType.Merge, new JsonObject { ["data"] = new JsonObject { ["a"] = "2" } });
        await Eventually.TrueAsync(() => Task.FromResult(informer.Cache.Get("default", "watched")?["data"]?["a"]?.GetValue<string>() == "2"), "the update in the cache");
        await client.DeleteAsync(BuiltinResources.ConfigMap, "default", "watched");
        await Eventually.TrueAsync(() => Task.FromResult(informer.Cache.Get("default", "watched") is null), "the delete in the cache");

        cts.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["add watched", "update watched", "delete watched"], seen.Where(s => s.EndsWith(" watched")));
    }
}
