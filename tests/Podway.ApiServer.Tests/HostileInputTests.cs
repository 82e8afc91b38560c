using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Podway.ApiServer.Tests;

/// <summary>
/// Bodies an attacker (or a broken client) sends: each is answered with a 4xx Status naming what was wrong, the
/// server stays ready after each, and its memory comes back near where it started.
/// </summary>
public sealed class HostileInputTests(ITestOutputHelper output) : IAsyncLifetime
{
    TestApiServer _server = null!;
    public async Task InitializeAsync() => _server = await TestApiServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    const string ConfigMaps = "/api/v1/namespaces/default/configmaps";
    const string Yaml = "application/yaml";
    const string Json = "application/json";

    public sealed record HostileBody(string Name, string Body, string ContentType, int Code, string MessagePart);

    static string Laughs(int levels, int fanout)
    {
        var yaml = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: laughs}\nl0: &l0 [lol]\n");
        for (var i = 1; i <= levels; i++)
            yaml.Append($"l{i}: &l{i} [").AppendJoin(",", Enumerable.Repeat($"*l{i - 1}", fanout)).Append("]\n");
        return yaml.ToString();
    }

    static string NestedJson(int depth) => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);

    static string NestedBlockYaml(int depth)
    {
        var yaml = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\n");
        for (var i = 0; i < depth; i++) yaml.Append(' ', i * 2).Append("a:\n");
        return yaml.Append(' ', depth * 2).Append("b: 1\n").ToString();
    }

    public static readonly HostileBody[] Corpus =
    [
        new("200 KB of nested flow sequences", new string('[', 200 * 1024), Yaml, 400, "exceeded max depth of 48"),
        new("200 KB of nested flow mappings", "x: " + string.Concat(Enumerable.Repeat("{a: ", 50 * 1024)), Yaml, 400, "exceeded max depth of 48"),
        new("200 KB of flow mappings as keys", "x: " + new string('{', 200 * 1024), Yaml, 400, "a mapping key must be a scalar"),
        new("JSON nested 10,000 deep", NestedJson(10_000), Json, 400, "exceeded max depth of 48"),
        new("JSON nested 10,000 deep sent as YAML", NestedJson(10_000), Yaml, 400, "exceeded max depth of 48"),
        new("block mappings nested 100 deep", NestedBlockYaml(100), Yaml, 400, "exceeded max depth of 48"),
        new("billion laughs (9 levels of 9)", Laughs(9, 9), Yaml, 400, "document contains excessive aliasing"),
        new("laughs in an unknown field of a small body", Laughs(6, 9), Yaml, 400, "document contains excessive aliasing"),
        new("one long string aliased past the body limit",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: long}\nbig: &s \"" + new string('x', 1024 * 1024) + "\"\ndata: {a: *s, b: *s, c: *s}\n",
            Yaml, 400, "document contains excessive aliasing"),
        new("an anchor that contains itself", "apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: self, labels: *m}\n", Yaml, 400, "anchor 'm' value contains itself"),
        new("an unknown anchor", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: *nope}\n", Yaml, 400, "unknown anchor 'nope' referenced"),
        new("a mapping as a key", "apiVersion: v1\nkind: ConfigMap\n? [a, b]\n: c\n", Yaml, 400, "a mapping key must be a scalar"),
        new("10 MB body", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"huge\"},\"data\":{\"k\":\"" + new string('x', 10 * 1024 * 1024) + "\"}}",
            Json, 413, "Request entity too large: limit is 3145728"),
        new("unterminated JSON", "{\"apiVersion\":\"v1\",\"kind\":", Json, 400, "json parse error"),
        new("control characters", "\u0001\u0002\u0003\u00ff\ufffe", Yaml, 400, "the request body must be a JSON object"),
        new("a tab where YAML wants spaces", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x\n", Yaml, 400, "error converting YAML to JSON"),
    ];

    public static IEnumerable<object[]> CorpusRows() => Corpus.Select(c => new object[] { c.Name });

    [Theory]
    [MemberData(nameof(CorpusRows))]
    public async Task Create_HostileBody_Is4xxStatusAndTheServerStaysReady(string name)
    {
        var hostile = Corpus.Single(c => c.Name == name);
        var (code, body) = await PostOverHttp2Async(hostile);
        Assert.Equal(hostile.Code, code);
        Assert.Equal("Status", body!["kind"]!.GetValue<string>());
        Assert.Contains(hostile.MessagePart, body["message"]!.GetValue<string>());
        Assert.Equal(200, (await _server.GetAsync("/readyz")).Code);
    }

    [Fact]
    public async Task Corpus_AllBodies_MemoryComesBackNearBaseline()
    {
        Assert.Equal(201, (await _server.PostAsync(ConfigMaps, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"warm"}}""")).Code);
        var baseline = SettledWorkingSet();
        var peak = baseline;
        foreach (var hostile in Corpus)
        {
            var answered = Stopwatch.StartNew();
            var (code, _) = await PostOverHttp2Async(hostile);
            output.WriteLine($"{hostile.Name}: {code} in {answered.Elapsed.TotalMilliseconds:F0} ms");
            Assert.InRange(code, 400, 499);
            using (var self = Process.GetCurrentProcess()) peak = Math.Max(peak, self.WorkingSet64);
        }
        var after = SettledWorkingSet();
        output.WriteLine($"working set: baseline {baseline >> 20} MiB, highest seen {peak >> 20} MiB, after {after >> 20} MiB");
        Assert.True(after < baseline + (256L << 20), $"working set {after >> 20} MiB after the corpus, {baseline >> 20} MiB before");
        Assert.Equal(201, (await _server.PostAsync(ConfigMaps, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"after"}}""")).Code);
    }

    [Fact]
    public async Task Create_UnknownTopLevelField_IsNotStored()
    {
        var body = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: junk}\ndata: {k: v}\njunk: &j [a, b, c]\nmore: [*j, *j]\n";
        var (code, created) = await _server.SendAsync(HttpMethod.Post, ConfigMaps, body, Yaml);
        Assert.Equal(201, code);
        Assert.Null(created!["junk"]);
        var (_, stored) = await _server.GetAsync(ConfigMaps + "/junk");
        Assert.Null(stored!["junk"]);
        Assert.Null(stored["more"]);
        Assert.Equal("v", stored["data"]!["k"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_UnknownNestedFields_AreNotStored()
    {
        const string deployments = "/apis/apps/v1/namespaces/default/deployments";
        var body = """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"nested","junk":"x"},
             "spec":{"selector":{"matchLabels":{"app":"a"}},"junk":{"big":"y"},
               "template":{"metadata":{"labels":{"app":"a"}},
                 "spec":{"containers":[{"name":"c","image":"nginx","junk":[1,2,3],"ports":[{"containerPort":80,"junk":true}]}]}}}}
            """;
        var (code, created) = await _server.PostAsync(deployments, body);
        Assert.True(code == 201, created!.ToJsonString());
        var (_, stored) = await _server.GetAsync(deployments + "/nested");
        var text = stored!.ToJsonString();
        Assert.DoesNotContain("junk", text);
        Assert.Equal(80, stored["spec"]!["template"]!["spec"]!["containers"]![0]!["ports"]![0]!["containerPort"]!.GetValue<int>());
        Assert.Equal("a", stored["spec"]!["selector"]!["matchLabels"]!["app"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_YamlWithAnchorsWithinLimits_ExpandsThem()
    {
        var body = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: anchors\n  labels: &l {app: web}\n  annotations: *l\ndata:\n  a: &v hello\n  b: *v\n";
        var (code, created) = await _server.SendAsync(HttpMethod.Post, ConfigMaps, body, Yaml);
        Assert.True(code == 201, created!.ToJsonString());
        Assert.Equal("web", created!["metadata"]!["annotations"]!["app"]!.GetValue<string>());
        Assert.Equal("hello", created["data"]!["b"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_NestingAtTheLimit_IsAcceptedAndOneDeeperIsRefused()
    {
        // The object is level 1; an unknown field holding levels-1 nested objects makes it `levels` deep.
        string Nested(int levels) => """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"n""" + levels + "\"},\"x\":" + NestedJson(levels - 1) + "}";
        Assert.Equal(201, (await _server.PostAsync(ConfigMaps, Nested(48))).Code);
        var (code, body) = await _server.PostAsync(ConfigMaps, Nested(49));
        Assert.Equal(400, code);
        Assert.Contains("exceeded max depth of 48", body!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task PlainHttp_OnTheHttpsPort_Is400AsGoAnswers()
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", _server.Options.Port);
        var stream = client.GetStream();
        await stream.WriteAsync("GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"u8.ToArray());
        var answer = await new StreamReader(stream).ReadToEndAsync();
        Assert.Equal("HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n", answer);
        Assert.Equal(200, (await _server.GetAsync("/version")).Code);
    }

    /// <summary>Over HTTP/2, as kubectl sends: a server may answer a body it refuses before reading all of it.</summary>
    async Task<(int Code, JsonNode? Body)> PostOverHttp2Async(HostileBody hostile)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ConfigMaps)
        {
            Version = new Version(2, 0),
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new StringContent(hostile.Body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(hostile.ContentType);
        using var response = await _server.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonNode.Parse(text));
    }

    static long SettledWorkingSet()
    {
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }
}
