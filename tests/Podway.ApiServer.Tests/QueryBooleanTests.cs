using System.Text;
using System.Text.Json.Nodes;

namespace Podway.ApiServer.Tests;

/// <summary>Query booleans spelled as client libraries spell them (Python's `True`, Go's `1`) mean what kube-apiserver reads them as.</summary>
public sealed class QueryBooleanTests : IAsyncLifetime
{
    TestApiServer _server = null!;
    public async Task InitializeAsync() => _server = await TestApiServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    [Theory]
    [InlineData("watch=True", true)]
    [InlineData("watch=TRUE", true)]
    [InlineData("watch=t", true)]
    [InlineData("watch=1", true)]
    [InlineData("watch", true)]
    [InlineData("watch=False", false)]
    [InlineData("watch=0", false)]
    public async Task Get_WatchSpelledAnyWay_IsAWatchOrAList(string query, bool isWatch)
    {
        Assert.Equal(201, (await _server.PostAsync(ConfigMaps, """{"metadata":{"name":"seen"}}""")).Code);
        using var response = await _server.Http.GetAsync($"{ConfigMaps}?{query}&timeoutSeconds=1", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(200, (int)response.StatusCode);
        var first = await new StreamReader(await response.Content.ReadAsStreamAsync()).ReadLineAsync();
        var body = JsonNode.Parse(first!)!;
        if (isWatch)
        {
            Assert.Equal("ADDED", body["type"]!.GetValue<string>());
            Assert.Equal("seen", body["object"]!["metadata"]!["name"]!.GetValue<string>());
        }
        else Assert.Equal("ConfigMapList", body["kind"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("force=True", 200)]
    [InlineData("force=1", 200)]
    [InlineData("force=false", 409)]
    [InlineData("force=0", 409)]
    public async Task Apply_ForceSpelledAnyWay_TakesOverOrConflicts(string force, int expected)
    {
        Assert.InRange((await ApplyAsync("fieldManager=first", "one")).Code, 200, 201);
        Assert.Equal(expected, (await ApplyAsync("fieldManager=second&" + force, "two")).Code);
    }

    async Task<(int Code, string Body)> ApplyAsync(string query, string value)
    {
        var body = $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  k: {value}\n";
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"{ConfigMaps}/applied?{query}")
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new("application/apply-patch+yaml");
        using var response = await _server.Http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/seen?pretty=true", null, true)]
    [InlineData("/seen?pretty=1", null, true)]
    [InlineData("/seen?pretty=T", null, true)]
    [InlineData("/seen?pretty=yes", "curl/8.5.0", false)] // not a Go bool: no, even for curl
    [InlineData("/seen?pretty=false", "curl/8.5.0", false)]
    [InlineData("/seen", "curl/8.5.0", true)]
    [InlineData("/seen", "Mozilla/5.0 (X11; Linux x86_64)", true)]
    [InlineData("/seen", "kubectl/v1.33.0 (linux/amd64) kubernetes/abcdef", false)]
    [InlineData("?pretty=true", null, true)] // a list
    [InlineData("?pretty=0", null, false)]
    public async Task Get_Pretty_IndentedAsKubeDecides(string pathAndQuery, string? userAgent, bool indented)
    {
        await _server.PostAsync(ConfigMaps, """{"metadata":{"name":"seen"},"data":{"k":"v"}}""");
        using var request = new HttpRequestMessage(HttpMethod.Get, ConfigMaps + pathAndQuery);
        if (userAgent != null) request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        using var response = await _server.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(indented, text.Contains("\n  \"kind\": ", StringComparison.Ordinal));
        Assert.NotNull(JsonNode.Parse(text)); // the same document either way
    }
}
