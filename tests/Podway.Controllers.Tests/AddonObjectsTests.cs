using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Client;
using Podway.Client.Addons;
using Response = Podway.Controllers.Tests.ScriptedApiServer.Response;

namespace Podway.Controllers.Tests;

public sealed class AddonObjectsTests
{
    static string Deployment(string resourceVersion) =>
        $$$"""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"podway-dns","namespace":"kube-system","resourceVersion":"{{{resourceVersion}}}"},"status":{"replicas":2}}""";

    /// <summary>On a resumed cluster the deployment controller writes the add-on's Deployment while the control plane
    /// replaces it: the replace reads the new version and goes again instead of failing the control plane's start.</summary>
    [Fact]
    public async Task EnsureAsync_DeploymentChangedBetweenReadAndReplace_ReadsAgainAndReplaces()
    {
        var gets = 0;
        var puts = 0;
        using var server = new ScriptedApiServer(r => r.Method switch
        {
            "GET" => new Response(200, Deployment(++gets == 1 ? "5" : "6")),
            "PUT" when ++puts == 1 => new Response(409, ApiException.Conflict("apps", "deployments", "podway-dns").ToStatus().ToJsonString()),
            _ => new Response(200, r.Body),
        });
        using var client = new ApiClient(server.Address, "t");
        var desired = JsonNode.Parse("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"podway-dns","namespace":"kube-system"},"spec":{"replicas":2}}""")!.AsObject();

        await AddonObjects.EnsureAsync(client, "kube-system", [desired], CancellationToken.None);

        var replaces = server.Requests.Where(r => r.Method == "PUT").Select(r => JsonNode.Parse(r.Body)!).ToList();
        Assert.Equal(["5", "6"], replaces.Select(b => b["metadata"]!["resourceVersion"]!.GetValue<string>()));
    }
}
