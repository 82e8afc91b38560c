using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Podway.Api.Resources;
using Podway.Client;
using Response = Podway.Controllers.Tests.ScriptedApiServer.Response;

namespace Podway.Controllers.Tests;

public sealed class InformerTests
{
    static string Cm(string name, int rv) =>
        $$$"""{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"{{{name}}}","namespace":"default","uid":"uid-{{{name}}}","resourceVersion":"{{{rv}}}"}}""";

    static string List(int rv, params string[] items) =>
        $$$"""{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"{{{rv}}}"},"items":[{{{string.Join(",", items)}}}]}""";

    static string Event(string type, string obj) => $$$"""{"type":"{{{type}}}","object":{{{obj}}}}""";

    sealed class Recorder
    {
        public ConcurrentQueue<string> Seen { get; } = new();
        public void Attach(Informer informer) => informer.AddEventHandler(
            onAdd: o => Seen.Enqueue("add " + ObjectMeta.Name(o)),
            onUpdate: (old, o) => Seen.Enqueue($"update {ObjectMeta.Name(o)} {ObjectMeta.ResourceVersion(old)}->{ObjectMeta.ResourceVersion(o)}"),
            onDelete: o => Seen.Enqueue("delete " + ObjectMeta.Name(o)));
    }

    static async Task Eventually(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException(what);
            await Task.Delay(20);
        }
    }

    static bool IsWatch(ScriptedApiServer.Request r) => r.PathAndQuery.Contains("watch=true");

    [Fact]
    public async Task RunAsync_ListThenWatch_CacheFollowsEventsAndRewatchesFromLastVersion()
    {
        var watches = 0;
        using var server = new ScriptedApiServer(r =>
        {
            if (!IsWatch(r)) return new Response(200, List(10, Cm("a", 8), Cm("b", 9)));
            return Interlocked.Increment(ref watches) == 1
                ? new Response(200, ScriptedApiServer.WatchLines(Event("MODIFIED", Cm("a", 11)), Event("DELETED", Cm("b", 12)), Event("ADDED", Cm("c", 13))))
                : new Response(200, ScriptedApiServer.WatchLines(Event("BOOKMARK", """{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"20"}}""")));
        });
        using var client = new ApiClient(server.Address, "t");
        var informer = new Informer(client, BuiltinResources.ConfigMap);
        var recorder = new Recorder();
        recorder.Attach(informer);
        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);

        await Eventually(() => server.Requests.Count(IsWatch) >= 3, "three watches");
        cts.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(informer.HasSynced);
        Assert.Equal(["add a", "add b", "update a 8->11", "delete b", "add c"], recorder.Seen);
        Assert.Equal(["default/a", "default/c"], informer.Cache.Keys().Order());
        var watchUrls = server.Requests.Where(IsWatch).Select(r => r.PathAndQuery).ToList();
        Assert.Contains("resourceVersion=10&", watchUrls[0]); // from the list
        Assert.Contains("allowWatchBookmarks=true", watchUrls[0]);
        Assert.Contains("resourceVersion=13&", watchUrls[1]); // from the last event
        Assert.Contains("resourceVersion=20&", watchUrls[2]); // from the bookmark
        Assert.Single(server.Requests, r => !IsWatch(r)); // a closed stream is re-watched, not relisted
    }

    public sealed record ExpiryRow(string Name, bool AsHttpStatus);

    public static TheoryData<ExpiryRow> Expiries => new() { new("ERROR event", false), new("HTTP 410", true) };

    [Theory, MemberData(nameof(Expiries))]
    public async Task RunAsync_WatchExpired_RelistsAndDeliversDifferences(ExpiryRow row)
    {
        const string expired = """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 10 (30)","reason":"Expired","code":410}""";
        var lists = 0;
        using var server = new ScriptedApiServer(r =>
        {
            if (!IsWatch(r))
                return Interlocked.Increment(ref lists) == 1
                    ? new Response(200, List(10, Cm("a", 8), Cm("b", 9)))
                    : new Response(200, List(30, Cm("a", 25), Cm("c", 29)));
            if (Volatile.Read(ref lists) == 1)
                return row.AsHttpStatus ? new Response(410, expired) : new Response(200, ScriptedApiServer.WatchLines(Event("ERROR", expired)));
            return new Response(200, "");
        });
        using var client = new ApiClient(server.Address, null);
        var informer = new Informer(client, BuiltinResources.ConfigMap);
        var recorder = new Recorder();
        recorder.Attach(informer);
        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);

        await Eventually(() => Volatile.Read(ref lists) >= 2 && informer.LastSyncResourceVersion == "30", "relist");
        cts.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["add a", "add b", "update a 8->25", "add c", "delete b"], recorder.Seen);
        Assert.Equal(["default/a", "default/c"], informer.Cache.Keys().Order());
    }

    [Fact]
    public async Task RunAsync_ServerDown_RetriesUntilCancelledWithoutThrowing()
    {
        var failures = 0;
        using var server = new ScriptedApiServer(_ => { Interlocked.Increment(ref failures); return new Response(500, """{"kind":"Status","reason":"InternalError","message":"boom","code":500}"""); });
        using var client = new ApiClient(server.Address, null);
        var logged = new ConcurrentQueue<string>();
        var informer = new Informer(client, BuiltinResources.ConfigMap, new InformerOptions { Log = logged.Enqueue });
        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);
        await Eventually(() => Volatile.Read(ref failures) >= 2, "a retry");
        cts.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(informer.HasSynced);
        Assert.Contains(logged, l => l.Contains("list failed: boom"));
    }

    [Fact]
    public void Resync_CachedObjects_RedeliveredAsUpdateOfItself()
    {
        using var client = new ApiClient(new Uri("http://127.0.0.1:1/"), null);
        var informer = new Informer(client, BuiltinResources.ConfigMap);
        informer.Replace([(JsonObject)JsonNode.Parse(Cm("a", 3))!], "3");
        var recorder = new Recorder();
        recorder.Attach(informer); // a late handler first gets adds for what is cached
        informer.Resync();
        Assert.Equal(["add a", "update a 3->3"], recorder.Seen);
    }
}
