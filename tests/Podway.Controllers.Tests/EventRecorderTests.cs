using System.Text.Json.Nodes;
using Podway.Api.Resources;
using Podway.Client;
using Response = Podway.Controllers.Tests.ScriptedApiServer.Response;

namespace Podway.Controllers.Tests;

public sealed class EventRecorderTests
{
    static readonly JsonObject Pod = new()
    {
        ["kind"] = "Pod", ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject { ["name"] = "web-1", ["namespace"] = "shop", ["uid"] = "u-1" },
    };

    [Fact]
    public async Task RecordAsync_SameEventTwice_CreatesThenPatchesCount()
    {
        using var server = new ScriptedApiServer(r => new Response(r.Method == "POST" ? 201 : 200, r.Method == "POST" ? r.Body : "{}"));
        using var client = new ApiClient(server.Address, "t");
        var recorder = new EventRecorder(client, "test-controller");

        await recorder.RecordAsync(Pod, EventRecorder.Warning, "Failed", "it broke");
        await recorder.RecordAsync(Pod, EventRecorder.Warning, "Failed", "it broke");
        await recorder.RecordAsync(Pod, EventRecorder.Normal, "Fixed", "it works");

        var requests = server.Requests.ToList();
        Assert.Equal(["POST", "PATCH", "POST"], requests.Select(r => r.Method));
        var created = JsonNode.Parse(requests[0].Body)!;
        Assert.Equal("/api/v1/namespaces/shop/events", requests[0].PathAndQuery);
        Assert.StartsWith("web-1.", created["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("u-1", created["involvedObject"]!["uid"]!.GetValue<string>());
        Assert.Equal("Pod", created["involvedObject"]!["kind"]!.GetValue<string>());
        Assert.Equal("test-controller", created["source"]!["component"]!.GetValue<string>());
        Assert.Equal(("Warning", "Failed", 1), (created["type"]!.GetValue<string>(), created["reason"]!.GetValue<string>(), created["count"]!.GetValue<int>()));
        Assert.Equal($"/api/v1/namespaces/shop/events/{created["metadata"]!["name"]}", requests[1].PathAndQuery);
        Assert.StartsWith("application/strategic-merge-patch+json", requests[1].ContentType);
        Assert.Equal(2, JsonNode.Parse(requests[1].Body)!["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task RecordAsync_ClusterScopedObject_EventGoesToDefaultNamespace()
    {
        using var server = new ScriptedApiServer(r => new Response(201, r.Body));
        using var client = new ApiClient(server.Address, "t");
        var node = new JsonObject { ["kind"] = "Node", ["apiVersion"] = "v1", ["metadata"] = new JsonObject { ["name"] = "n1", ["uid"] = "u" } };
        await new EventRecorder(client, "c").RecordAsync(node, EventRecorder.Normal, "Ready", "ok");
        Assert.Equal("/api/v1/namespaces/default/events", Assert.Single(server.Requests).PathAndQuery);
    }

    [Fact]
    public async Task Record_DoesNotWaitForTheServer_AndSendsInTheOrderRecorded()
    {
        using var answer = new ManualResetEventSlim();
        using var server = new ScriptedApiServer(r =>
        {
            answer.Wait(TimeSpan.FromSeconds(10));
            return new Response(r.Method == "POST" ? 201 : 200, r.Method == "POST" ? r.Body : "{}");
        });
        using var client = new ApiClient(server.Address, "t");
        var recorder = new EventRecorder(client, "kubelet");

        recorder.Record(Pod, EventRecorder.Normal, "Pulled", "present");
        recorder.Record(Pod, EventRecorder.Normal, "Created", "created");
        recorder.Record(Pod, EventRecorder.Normal, "Created", "created");
        recorder.Record(Pod, EventRecorder.Normal, "Started", "started");
        Assert.True(server.Requests.Count <= 1, "all four were recorded before the server answered the first");

        answer.Set();
        for (var waited = 0; server.Requests.Count < 4 && waited < 100; waited++) await Task.Delay(50);
        Assert.Equal(["POST Pulled", "POST Created", "PATCH ", "POST Started"],
            server.Requests.Select(r => $"{r.Method} {(r.Method == "POST" ? JsonNode.Parse(r.Body)!["reason"] : "")}"));
    }
}
