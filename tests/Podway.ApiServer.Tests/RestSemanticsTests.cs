using System.Text.Json.Nodes;

namespace Podway.ApiServer.Tests;

/// <summary>REST behaviour kubectl and controllers rely on: conflicts, finalizers, strict fields, tables, auth, paging.</summary>
public sealed class RestSemanticsTests : IAsyncLifetime
{
    TestApiServer _server = null!;
    public async Task InitializeAsync() => _server = await TestApiServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    static string ConfigMap(string name, string extraMeta = "") =>
        $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{{name}}}"{{{extraMeta}}}},"data":{"k":"v"}}""";

    [Fact]
    public async Task Update_WithStaleResourceVersion_Is409Conflict()
    {
        var (_, created) = await _server.PostAsync(ConfigMaps, ConfigMap("cm-conflict"));
        var rv = created!["metadata"]!["resourceVersion"]!.GetValue<string>();
        var first = created.DeepClone();
        first["data"]!["k"] = "v2";
        Assert.Equal(200, (await _server.SendAsync(HttpMethod.Put, ConfigMaps + "/cm-conflict", first.ToJsonString())).Code);
        var stale = created.DeepClone();
        stale["data"]!["k"] = "v3";
        stale["metadata"]!["resourceVersion"] = rv;
        var (code, body) = await _server.SendAsync(HttpMethod.Put, ConfigMaps + "/cm-conflict", stale.ToJsonString());
        Assert.Equal(409, code);
        Assert.Equal("Operation cannot be fulfilled on configmaps \"cm-conflict\": the object has been modified; please apply your changes to the latest version and try again",
            body!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_WithFinalizer_WaitsUntilTheFinalizerIsRemoved()
    {
        await _server.PostAsync(ConfigMaps, ConfigMap("cm-final", ""","finalizers":["example.com/hold"]"""));
        var (code, body) = await _server.SendAsync(HttpMethod.Delete, ConfigMaps + "/cm-final");
        Assert.Equal(200, code);
        Assert.NotNull(body!["metadata"]!["deletionTimestamp"]);
        Assert.Equal(200, (await _server.GetAsync(ConfigMaps + "/cm-final")).Code);

        var patch = """{"metadata":{"finalizers":null}}""";
        Assert.Equal(200, (await _server.SendAsync(HttpMethod.Patch, ConfigMaps + "/cm-final", patch, "application/merge-patch+json")).Code);
        Assert.Equal(404, (await _server.GetAsync(ConfigMaps + "/cm-final")).Code);
    }

    [Fact]
    public async Task Create_UnknownMetadataFieldWithStrictValidation_Is400()
    {
        var (code, body) = await _server.PostAsync(ConfigMaps + "?fieldValidation=Strict", ConfigMap("cm-strict", ""","lables":{"a":"b"}"""));
        Assert.Equal(400, code);
        Assert.Equal("strict decoding error: unknown field \"metadata.lables\"", body!["message"]!.GetValue<string>());
        Assert.Equal(201, (await _server.PostAsync(ConfigMaps, ConfigMap("cm-strict", ""","lables":{"a":"b"}"""))).Code);
    }

    [Fact]
    public async Task Create_BooleanLabelOrSelectorValue_Is400AsKubeDecodingRefusesIt()
    {
        // kubectl sends an unquoted YAML `y` / `yes` / `true` as a JSON boolean; kube's typed decoding refuses it.
        var (code, body) = await _server.PostAsync(ConfigMaps, ConfigMap("cm-bool", ""","labels":{"ns":true}"""));
        Assert.Equal(400, code);
        Assert.Equal("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string",
            body!["message"]!.GetValue<string>());
        const string policy = """
            {"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"p"},
             "spec":{"podSelector":{},"ingress":[{"from":[{"namespaceSelector":{"matchLabels":{"ns":true}}}]}]}}
            """;
        (code, body) = await _server.PostAsync("/apis/networking.k8s.io/v1/namespaces/default/networkpolicies", policy);
        Assert.Equal(400, code);
        Assert.Equal("NetworkPolicy in version \"v1\" cannot be handled as a NetworkPolicy: json: cannot unmarshal bool into Go struct field LabelSelector.spec.ingress.from.namespaceSelector.matchLabels of type string",
            body!["message"]!.GetValue<string>());
        Assert.Equal(201, (await _server.PostAsync(ConfigMaps, ConfigMap("cm-bool", ""","labels":{"ns":"true"}"""))).Code);
    }

    [Fact]
    public async Task Create_UnknownNestedFieldWithStrictValidation_NamesItsPath()
    {
        const string deployment = """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"typo"},"spec":{"replicass":2,"selector":{"matchLabels":{"app":"t"}},
             "template":{"metadata":{"labels":{"app":"t"}},"spec":{"containers":[{"name":"c","imagee":"nginx","image":"nginx"}]}}}}
            """;
        var (code, body) = await _server.PostAsync("/apis/apps/v1/namespaces/default/deployments?fieldValidation=Strict", deployment);
        Assert.Equal(400, code);
        Assert.Equal("strict decoding error: unknown field \"spec.replicass\", unknown field \"spec.template.spec.containers[0].imagee\"",
            body!["message"]!.GetValue<string>());

        using var request = new HttpRequestMessage(HttpMethod.Post, "/apis/apps/v1/namespaces/default/deployments?fieldValidation=Warn")
        {
            Content = new StringContent(deployment, System.Text.Encoding.UTF8, "application/json"),
        };
        using var response = await _server.Http.SendAsync(request);
        Assert.Equal(201, (int)response.StatusCode);
        Assert.Contains("299 - \"unknown field \\\"spec.replicass\\\"\"", response.Headers.GetValues("Warning"));
    }

    [Fact]
    public async Task Request_WithoutToken_Is401()
    {
        using var anonymous = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } })
        {
            BaseAddress = _server.Http.BaseAddress,
        };
        var response = await anonymous.GetAsync("/api/v1/namespaces");
        Assert.Equal(401, (int)response.StatusCode);
        Assert.Equal(200, (int)(await anonymous.GetAsync("/readyz")).StatusCode);
    }

    [Fact]
    public async Task List_WithLimit_PagesThroughEverything()
    {
        for (var i = 0; i < 7; i++) await _server.PostAsync(ConfigMaps, ConfigMap($"page-{i}", ""","labels":{"paged":"yes"}"""));
        var names = new List<string>();
        string? token = null;
        do
        {
            var path = ConfigMaps + "?labelSelector=paged%3Dyes&limit=3" + (token != null ? "&continue=" + Uri.EscapeDataString(token) : "");
            var (code, body) = await _server.GetAsync(path);
            Assert.Equal(200, code);
            names.AddRange(body!["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
            token = body["metadata"]!["continue"]?.GetValue<string>();
        } while (token != null);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"page-{i}"), names);
    }

    [Fact]
    public async Task Get_AsTable_HasPrinterColumnsAndRowObjects()
    {
        const string table = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
        var (code, body) = await _server.GetAsync("/api/v1/namespaces", accept: table);
        Assert.Equal(200, code);
        Assert.Equal("Table", body!["kind"]!.GetValue<string>());
        var columns = body["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(["Name", "Status", "Age"], columns);
        Assert.Contains(body["rows"]!.AsArray(), r => r!["cells"]![0]!.GetValue<string>() == "kube-system" && r["object"]!["metadata"]!["name"] != null);
    }

    [Fact]
    public async Task Create_InTerminatingNamespace_IsForbidden()
    {
        await _server.PostAsync("/api/v1/namespaces", """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"going"}}""");
        await _server.SendAsync(HttpMethod.Delete, "/api/v1/namespaces/going");
        var (code, body) = await _server.PostAsync("/api/v1/namespaces/going/configmaps", ConfigMap("late"));
        Assert.Equal(403, code);
        Assert.Equal("configmaps \"late\" is forbidden: unable to create new content in namespace going because it is being terminated", body!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Objects_SurviveRestart_WithTheirResourceVersions()
    {
        var (_, created) = await _server.PostAsync(ConfigMaps, ConfigMap("durable"));
        await _server.RestartAsync();
        var (code, body) = await _server.GetAsync(ConfigMaps + "/durable");
        Assert.Equal(200, code);
        Assert.Equal(created!["metadata"]!["resourceVersion"]!.GetValue<string>(), body!["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Equal(created["metadata"]!["uid"]!.GetValue<string>(), body["metadata"]!["uid"]!.GetValue<string>());
    }
}
