using System.Text.Json.Nodes;

namespace Podway.ApiServer.Tests;

/// <summary>pods/ephemeralcontainers as kubectl debug uses it: a strategic merge patch that may only add containers.</summary>
public sealed class EphemeralContainersTests : IAsyncLifetime
{
    TestApiServer _server = null!;
    public async Task InitializeAsync()
    {
        _server = await TestApiServer.StartAsync();
        var (code, body) = await _server.PostAsync(Pods, """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"app"},
             "spec":{"initContainers":[{"name":"setup","image":"busybox"}],"containers":[{"name":"web","image":"nginx"}]}}
            """);
        Assert.True(code == 201, body?.ToJsonString());
    }
    public async Task DisposeAsync() => await _server.DisposeAsync();

    const string Pods = "/api/v1/namespaces/default/pods";
    const string Subresource = Pods + "/app/ephemeralcontainers";
    const string StrategicMerge = "application/strategic-merge-patch+json";

    static string Patch(string container) => $$$"""{"spec":{"ephemeralContainers":[{{{container}}}]}}""";

    /// <summary>What kubectl debug -it --image=busybox --target=web sends.</summary>
    const string Debugger = """{"name":"debugger-x1","image":"busybox","stdin":true,"tty":true,"targetContainerName":"web","terminationMessagePolicy":"File"}""";

    Task<(int Code, JsonNode? Body)> PatchAsync(string body) => _server.SendAsync(HttpMethod.Patch, Subresource, body, StrategicMerge);

    static string Causes(JsonNode? status) =>
        string.Join("; ", status!["details"]!["causes"]!.AsArray().Select(c => $"{c!["field"]}: {c["message"]}"));

    [Fact]
    public async Task Patch_DebugContainer_AddsItWithDefaultsAndReturnsThePod()
    {
        var (code, pod) = await PatchAsync(Patch(Debugger));
        Assert.True(code == 200, pod?.ToJsonString());
        Assert.Equal("Pod", pod!["kind"]!.GetValue<string>());
        var added = pod["spec"]!["ephemeralContainers"]![0]!;
        Assert.Equal("debugger-x1", added["name"]!.GetValue<string>());
        Assert.Equal("web", added["targetContainerName"]!.GetValue<string>());
        Assert.Equal("/dev/termination-log", added["terminationMessagePath"]!.GetValue<string>());
        Assert.Equal("nginx", pod["spec"]!["containers"]![0]!["image"]!.GetValue<string>());

        var (getCode, fetched) = await _server.GetAsync(Subresource);
        Assert.Equal(200, getCode);
        Assert.Equal("debugger-x1", fetched!["spec"]!["ephemeralContainers"]![0]!["name"]!.GetValue<string>());
        // kubectl's two-way patch for a second one names the order
        var (second, both) = await PatchAsync("""
            {"spec":{"$setElementOrder/ephemeralContainers":[{"name":"debugger-x1"},{"name":"debugger-x2"}],"ephemeralContainers":[{"name":"debugger-x2","image":"busybox"}]}}
            """);
        Assert.Equal(200, second);
        Assert.Equal(["debugger-x1", "debugger-x2"], both!["spec"]!["ephemeralContainers"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Patch_OtherSpecFields_AreIgnored()
    {
        var (code, pod) = await PatchAsync("""{"spec":{"containers":[{"name":"web","image":"evil"}],"ephemeralContainers":[{"name":"dbg","image":"busybox"}]}}""");
        Assert.Equal(200, code);
        Assert.Equal("nginx", pod!["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"name":"dbg","image":"busybox","ports":[{"containerPort":80}]}""", "spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container")]
    [InlineData("""{"name":"dbg","image":"busybox","readinessProbe":{"exec":{"command":["true"]}}}""", "spec.ephemeralContainers[0].readinessProbe: Forbidden: cannot be set for an Ephemeral Container")]
    [InlineData("""{"name":"dbg","image":"busybox","resources":{"limits":{"cpu":"1"}}}""", "spec.ephemeralContainers[0].resources: Forbidden: cannot be set for an Ephemeral Container")]
    [InlineData("""{"name":"dbg","image":"busybox","lifecycle":{"preStop":{"exec":{"command":["true"]}}}}""", "spec.ephemeralContainers[0].lifecycle: Forbidden: cannot be set for an Ephemeral Container")]
    [InlineData("""{"name":"web","image":"busybox"}""", "spec.ephemeralContainers[0].name: Duplicate value: \"web\"")]
    [InlineData("""{"name":"setup","image":"busybox"}""", "spec.ephemeralContainers[0].name: Duplicate value: \"setup\"")]
    [InlineData("""{"name":"dbg","image":"busybox","targetContainerName":"nope"}""", "spec.ephemeralContainers[0].targetContainerName: Not found: \"nope\"")]
    [InlineData("""{"name":"dbg"}""", "spec.ephemeralContainers[0].image: Required value")]
    public async Task Patch_InvalidContainer_Is422WithTheFieldPath(string container, string expected)
    {
        var (code, status) = await PatchAsync(Patch(container));
        Assert.Equal(422, code);
        Assert.Equal("Invalid", status!["reason"]!.GetValue<string>());
        Assert.Equal("Pod", status["details"]!["kind"]!.GetValue<string>());
        Assert.Equal("app", status["details"]!["name"]!.GetValue<string>());
        Assert.Equal($"Pod \"app\" is invalid: {expected}", status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_RemovingOrChangingAnEphemeralContainer_Is422()
    {
        var (_, pod) = await PatchAsync(Patch(Debugger));
        var removed = pod!.DeepClone();
        removed["spec"]!.AsObject().Remove("ephemeralContainers");
        var (code, status) = await _server.SendAsync(HttpMethod.Put, Subresource, removed.ToJsonString());
        Assert.Equal(422, code);
        Assert.Equal("spec.ephemeralContainers: Forbidden: existing ephemeral containers \"debugger-x1\" may not be removed\n", Causes(status));

        var changed = pod.DeepClone();
        changed["spec"]!["ephemeralContainers"]![0]!["image"] = "alpine";
        (code, status) = await _server.SendAsync(HttpMethod.Put, Subresource, changed.ToJsonString());
        Assert.Equal(422, code);
        Assert.Equal("spec.ephemeralContainers[debugger-x1]: Forbidden: existing ephemeral containers \"debugger-x1\" may not be changed", Causes(status));
    }

    [Fact]
    public async Task PodUpdateAndCreate_EphemeralContainers_OnlyThroughTheSubresource()
    {
        var (code, status) = await _server.SendAsync(HttpMethod.Patch, Pods + "/app", Patch("""{"name":"dbg","image":"busybox"}"""), StrategicMerge);
        Assert.Equal(422, code);
        Assert.StartsWith("spec: Forbidden: pod updates may not change fields", Causes(status));

        (code, status) = await _server.PostAsync(Pods, """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"born"},"spec":{"containers":[{"name":"c","image":"nginx"}],"ephemeralContainers":[{"name":"dbg","image":"busybox"}]}}
            """);
        Assert.Equal(422, code);
        Assert.Equal("spec.ephemeralContainers: Forbidden: cannot be set on create", Causes(status));
    }

    [Fact]
    public async Task NotFound_MissingPodOrUnservedSubresource_CarriesDetails()
    {
        var (code, status) = await _server.SendAsync(HttpMethod.Patch, Pods + "/nope/ephemeralcontainers", Patch(Debugger), StrategicMerge);
        Assert.Equal(404, code);
        Assert.Equal("nope", status!["details"]!["name"]!.GetValue<string>());
        Assert.Equal("pods", status["details"]!["kind"]!.GetValue<string>());

        (code, status) = await _server.GetAsync("/api/v1/namespaces/default/configmaps/x/nosuchthing");
        Assert.Equal(404, code);
        Assert.NotNull(status!["details"]);
    }
}
