using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Resources;
using Podway.Client;
using Podway.Controllers.Workloads;
using Response = Podway.Controllers.Tests.ScriptedApiServer.Response;

namespace Podway.Controllers.Tests.Workloads;

public sealed class StatusWriteTests
{
    const string Stale = """{"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"web","namespace":"shop","generation":1,"resourceVersion":"10"}}""";
    const string Fresh = """{"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"web","namespace":"shop","generation":2,"resourceVersion":"11"}}""";

    /// <summary>The status computed for the first PUT goes onto the fresh object after a 409: the same node in a second tree.</summary>
    [Fact]
    public async Task PutAsync_Conflict_RetriesOnTheFreshObjectWithTheComputedStatus()
    {
        var puts = 0;
        using var server = new ScriptedApiServer(r => r.Method switch
        {
            "GET" => new Response(200, Fresh),
            "PUT" when ++puts == 1 => new Response(409, ApiException.Conflict("apps", "replicasets", "web").ToStatus().ToJsonString()),
            _ => new Response(200, r.Body),
        });
        using var client = new ApiClient(server.Address, "t");
        var status = new JsonObject { ["replicas"] = 3, ["observedGeneration"] = 1 };

        var written = await StatusWrite.PutAsync(client, BuiltinResources.ReplicaSet, JsonNode.Parse(Stale)!.AsObject(), status, CancellationToken.None);

        Assert.Equal(2, puts);
        Assert.Equal("11", written["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Equal(3, written["status"]!["replicas"]!.GetValue<int>());
        Assert.Equal(2, written["status"]!["observedGeneration"]!.GetValue<int>());
    }
}
