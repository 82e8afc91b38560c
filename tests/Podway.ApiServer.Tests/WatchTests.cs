using System.Text.Json.Nodes;

namespace Podway.ApiServer.Tests;

public sealed class WatchTests : IAsyncLifetime
{
    TestApiServer _server = null!;
    public async Task InitializeAsync() => _server = await TestApiServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    async Task<StreamReader> OpenWatchAsync(string query)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, ConfigMaps + "?watch=true&" + query);
        var response = await _server.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(200, (int)response.StatusCode);
        return new StreamReader(await response.Content.ReadAsStreamAsync());
    }

    static async Task<JsonObject> NextEventAsync(StreamReader reader)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var line = await reader.ReadLineAsync(cts.Token);
        Assert.NotNull(line);
        return JsonNode.Parse(line!)!.AsObject();
    }

    [Fact]
    public async Task Watch_FromListRevision_SeesLaterChangesInOrder()
    {
        var (_, list) = await _server.GetAsync(ConfigMaps);
        var rv = list!["metadata"]!["resourceVersion"]!.GetValue<string>();
        using var reader = await OpenWatchAsync("resourceVersion=" + rv);
        await _server.PostAsync(ConfigMaps, """{"metadata":{"name":"w1"},"data":{"a":"1"}}""");
        await _server.SendAsync(HttpMethod.Patch, ConfigMaps + "/w1", """{"data":{"a":"2"}}""", "application/merge-patch+json");
        await _server.SendAsync(HttpMethod.Delete, ConfigMaps + "/w1");

        var added = await NextEventAsync(reader);
        var modified = await NextEventAsync(reader);
        var deleted = await NextEventAsync(reader);
        Assert.Equal(["ADDED", "MODIFIED", "DELETED"], new[] { added, modified, deleted }.Select(e => e["type"]!.GetValue<string>()));
        Assert.Equal("ConfigMap", added["object"]!["kind"]!.GetValue<string>());
        Assert.Equal("2", modified["object"]!["data"]!["a"]!.GetValue<string>());
        var revisions = new[] { added, modified, deleted }.Select(e => long.Parse(e["object"]!["metadata"]!["resourceVersion"]!.GetValue<string>())).ToList();
        Assert.True(revisions[0] < revisions[1] && revisions[1] < revisions[2]);
    }

    [Fact]
    public async Task Watch_WithLabelSelector_ObjectLeavingSelectionIsDeleted()
    {
        await _server.PostAsync(ConfigMaps, """{"metadata":{"name":"sel","labels":{"team":"a"}}}""");
        using var reader = await OpenWatchAsync("labelSelector=team%3Da");
        var initial = await NextEventAsync(reader);
        Assert.Equal("ADDED", initial["type"]!.GetValue<string>());
        await _server.SendAsync(HttpMethod.Patch, ConfigMaps + "/sel", """{"metadata":{"labels":{"team":"b"}}}""", "application/merge-patch+json");
        var left = await NextEventAsync(reader);
        Assert.Equal("DELETED", left["type"]!.GetValue<string>());
        Assert.Equal("a", left["object"]!["metadata"]!["labels"]!["team"]!.GetValue<string>());
    }

    [Fact]
    public async Task Watch_FromRevisionBeforeRestart_Is410Expired()
    {
        await _server.PostAsync(ConfigMaps, """{"metadata":{"name":"old"}}""");
        await _server.PostAsync(ConfigMaps, """{"metadata":{"name":"older"}}""");
        await _server.RestartAsync();
        await _server.PostAsync(ConfigMaps, """{"metadata":{"name":"newer"}}""");
        using var reader = await OpenWatchAsync("resourceVersion=1");
        var error = await NextEventAsync(reader);
        Assert.Equal("ERROR", error["type"]!.GetValue<string>());
        Assert.Equal(410, error["object"]!["code"]!.GetValue<int>());
        Assert.Equal("Expired", error["object"]!["reason"]!.GetValue<string>());
    }
}
