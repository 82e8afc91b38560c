using System.Text.Json.Nodes;
using Podway.Api.OpenApi;
using Podway.Api.Resources;

namespace Podway.Api.Tests.OpenApi;

public sealed class OpenApiV3Tests
{
    static JsonObject Gvk(ResourceType t) => new() { ["group"] = t.Group, ["version"] = t.Version, ["kind"] = t.Kind };

    static IEnumerable<JsonObject> Operations(JsonObject doc, string verb) =>
        doc["paths"]!.AsObject().Select(p => p.Value![verb]).OfType<JsonObject>();

    public static TheoryData<string> Kinds => new(BuiltinResources.AllTypes.Select(t => $"{t.ApiVersion}/{t.Kind}"));

    static ResourceType Type(string key) => BuiltinResources.AllTypes.Single(t => $"{t.ApiVersion}/{t.Kind}" == key);

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ForGroupVersion_EveryKind_HasPatchWithFieldValidationAndNoStrategicMerge(string key)
    {
        var type = Type(key);
        var doc = OpenApiV3.ForGroupVersion(type.Group, type.Version)!;
        var patches = Operations(doc, "patch").Where(op => JsonNode.DeepEquals(op["x-kubernetes-group-version-kind"], Gvk(type))).ToList();
        Assert.NotEmpty(patches);
        Assert.All(patches, op =>
        {
            Assert.Contains(op["parameters"]!.AsArray(), p => (string?)p!["name"] == "fieldValidation" && (string?)p["in"] == "query");
            Assert.False(op["requestBody"]!["content"]!.AsObject().ContainsKey("application/strategic-merge-patch+json"));
        });
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ForGroupVersion_EveryKind_HasExplainableSchema(string key)
    {
        var type = Type(key);
        var schemas = OpenApiV3.ForGroupVersion(type.Group, type.Version)!["components"]!["schemas"]!.AsObject();
        var schema = schemas.Select(s => s.Value!).Single(s => s["x-kubernetes-group-version-kind"]?.AsArray().Any(g => JsonNode.DeepEquals(g, Gvk(type))) == true);
        Assert.False(string.IsNullOrEmpty((string?)schema["description"]));
        Assert.Subset(schema["properties"]!.AsObject().Select(p => p.Key).ToHashSet(), new HashSet<string> { "apiVersion", "kind", "metadata" });
    }

    [Fact]
    public void Root_ListsEveryGroupVersionWithItsStableHash()
    {
        var paths = OpenApiV3.Root()["paths"]!.AsObject();
        Assert.Equal(BuiltinResources.GroupVersions.Count(), paths.Count);
        var apps = (string)paths["apis/apps/v1"]!["serverRelativeURL"]!;
        Assert.Equal($"/openapi/v3/apis/apps/v1?hash={OpenApiV3.Hash("apps", "v1")}", apps);
        Assert.Equal(128, OpenApiV3.Hash("apps", "v1")!.Length);
        Assert.Equal(apps, (string)OpenApiV3.Root()["paths"]!["apis/apps/v1"]!["serverRelativeURL"]!);
        Assert.StartsWith("/openapi/v3/api/v1?hash=", (string)paths["api/v1"]!["serverRelativeURL"]!);
        Assert.Null(OpenApiV3.ForGroupVersion("apps", "v1beta1"));
    }

    [Fact]
    public void ForGroupVersion_DeploymentPaths_CoverCollectionItemAndScale()
    {
        var paths = OpenApiV3.ForGroupVersion("apps", "v1")!["paths"]!.AsObject();
        var item = paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]!;
        Assert.Equal("patchAppsV1NamespacedDeployment", (string?)item["patch"]!["operationId"]);
        Assert.All(new[] { "get", "put", "delete", "patch" }, v => Assert.NotNull(item[v]));
        Assert.All(new[] { "get", "post", "delete" }, v => Assert.NotNull(paths["/apis/apps/v1/namespaces/{namespace}/deployments"]![v]));
        Assert.Equal("Scale", (string?)paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"]!["patch"]!["x-kubernetes-group-version-kind"]!["kind"]);
        Assert.NotNull(OpenApiV3.ForGroupVersion("", "v1")!["paths"]!["/api/v1/nodes/{name}"]!["patch"]);
    }
}
