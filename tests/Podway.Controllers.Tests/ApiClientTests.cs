using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Resources;
using Podway.Client;
using Response = Podway.Controllers.Tests.ScriptedApiServer.Response;

namespace Podway.Controllers.Tests;

public sealed class ApiClientTests
{
    [Fact]
    public async Task ListAsync_ServerPages_FollowsContinueAndKeepsFirstResourceVersion()
    {
        using var server = new ScriptedApiServer(r => r.PathAndQuery.Contains("continue=tok")
            ? new Response(200, """{"kind":"PodList","metadata":{"resourceVersion":"41"},"items":[{"metadata":{"name":"c"}}]}""")
            : new Response(200, """{"kind":"PodList","metadata":{"resourceVersion":"40","continue":"tok"},"items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b"}}]}"""));
        using var client = new ApiClient(server.Address, "t");

        var list = await client.ListAsync(BuiltinResources.Pod, "web", new ListOptions { LabelSelector = "app=web", Limit = 2 });

        Assert.Equal(["a", "b", "c"], list["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
        Assert.Equal("40", list["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Equal(["/api/v1/namespaces/web/pods?labelSelector=app%3Dweb&limit=2", "/api/v1/namespaces/web/pods?labelSelector=app%3Dweb&limit=2&continue=tok"],
            server.Requests.Select(r => r.PathAndQuery));
    }

    [Fact]
    public async Task GetAsync_NotFoundStatus_ThrowsApiExceptionFromBody()
    {
        using var server = new ScriptedApiServer(_ => new Response(404, ApiException.NotFound("apps", "deployments", "nope").ToStatus().ToJsonString()));
        using var client = new ApiClient(server.Address, "t");
        var error = await Assert.ThrowsAsync<ApiException>(() => client.GetAsync(BuiltinResources.Deployment, "default", "nope"));
        Assert.Equal((404, "NotFound", "deployments.apps \"nope\" not found"), (error.Code, error.Reason, error.Message));
        Assert.Null(await client.TryGetAsync(BuiltinResources.Deployment, "default", "nope"));
    }

    public sealed record PatchRow(PatchType Type, string ContentType);

    public static TheoryData<PatchRow> Patches => new()
    {
        new(PatchType.Merge, "application/merge-patch+json"),
        new(PatchType.StrategicMerge, "application/strategic-merge-patch+json"),
        new(PatchType.Json, "application/json-patch+json"),
        new(PatchType.Apply, "application/apply-patch+yaml"),
    };

    [Theory, MemberData(nameof(Patches))]
    public async Task PatchAsync_EachPatchType_SentWithItsContentType(PatchRow row)
    {
        using var server = new ScriptedApiServer(_ => new Response(200, """{"kind":"Deployment"}"""));
        using var client = new ApiClient(server.Address, "t");
        await client.PatchAsync(BuiltinResources.Deployment, "default", "web", row.Type, new JsonObject(), subresource: "scale", fieldManager: "podway");
        var request = Assert.Single(server.Requests);
        Assert.Equal("PATCH", request.Method);
        Assert.StartsWith(row.ContentType, request.ContentType);
        Assert.Equal("/apis/apps/v1/namespaces/default/deployments/web/scale?fieldManager=podway", request.PathAndQuery);
    }

    [Fact]
    public async Task DeleteAsync_WithOptions_SendsDeleteOptionsBody()
    {
        using var server = new ScriptedApiServer(_ => new Response(200, """{"kind":"Status","status":"Success"}"""));
        using var client = new ApiClient(server.Address, "t");
        await client.DeleteAsync(BuiltinResources.Namespace, null, "team-a",
            new DeleteOptions { PropagationPolicy = "Foreground", GracePeriodSeconds = 0, PreconditionUid = "u1" });
        var request = Assert.Single(server.Requests);
        Assert.Equal(("DELETE", "/api/v1/namespaces/team-a"), (request.Method, request.PathAndQuery));
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal("Foreground", body["propagationPolicy"]!.GetValue<string>());
        Assert.Equal(0, body["gracePeriodSeconds"]!.GetValue<long>());
        Assert.Equal("u1", body["preconditions"]!["uid"]!.GetValue<string>());
    }

    [Fact]
    public async Task WatchAsync_StreamOfLines_YieldsEventsThenEnds()
    {
        using var server = new ScriptedApiServer(_ => new Response(200, ScriptedApiServer.WatchLines(
            """{"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"a","resourceVersion":"2"}}}""",
            "",
            """{"type":"BOOKMARK","object":{"kind":"Pod","metadata":{"resourceVersion":"9"}}}""")));
        using var client = new ApiClient(server.Address, "t");
        var events = new List<WatchStreamEvent>();
        await foreach (var e in client.WatchAsync(BuiltinResources.Pod, null, new WatchOptions { ResourceVersion = "1", TimeoutSeconds = 30, AllowWatchBookmarks = true }))
            events.Add(e);
        Assert.Equal([WatchStreamEventType.Added, WatchStreamEventType.Bookmark], events.Select(e => e.Type));
        Assert.Equal("/api/v1/pods?allowWatchBookmarks=true&resourceVersion=1&timeoutSeconds=30&watch=true", Assert.Single(server.Requests).PathAndQuery);
    }

    [Fact]
    public void ObjectPath_NamespacedTypeWithoutNamespace_Throws() =>
        Assert.Throws<ArgumentException>(() => ApiClient.ObjectPath(BuiltinResources.Pod, null, "x"));
}
