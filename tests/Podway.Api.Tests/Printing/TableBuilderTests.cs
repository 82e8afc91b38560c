using System.Text.Json.Nodes;
using Podway.Api.Printing;
using Podway.Api.Resources;
using static Podway.Api.Tests.Printing.PrinterTestKit;

namespace Podway.Api.Tests.Printing;

public sealed class TableBuilderTests
{
    static readonly JsonObject Pod = Obj("""
        {"metadata":{"name":"web-1","namespace":"default","uid":"u-1","resourceVersion":"42","labels":{"app":"web"},"creationTimestamp":"2025-06-01T11:59:00Z"},
         "spec":{"containers":[{"name":"web"}]},"status":{"phase":"Succeeded"}}
        """);

    [Fact]
    public void Build_List_IsMetaV1TableWithPartialObjectMetadata()
    {
        var table = TableBuilder.Build(BuiltinResources.Pod, [Pod], Now, includeHeaders: true, includeFullObject: false, "114", "next");
        Assert.Equal(("Table", "meta.k8s.io/v1", "114", "next"), ((string?)table["kind"], (string?)table["apiVersion"], (string?)table["metadata"]!["resourceVersion"], (string?)table["metadata"]!["continue"]));
        Assert.Equal(["Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"],
            table["columnDefinitions"]!.AsArray().Select(c => (string)c!["name"]!));
        var row = table["rows"]![0]!;
        Assert.Equal("web-1,0/1,Succeeded,0,60s,<none>,<none>,<none>,<none>", string.Join(",", row["cells"]!.AsArray().Select(c => (string?)c)));
        Assert.Equal(("PartialObjectMetadata", "meta.k8s.io/v1", "web", "u-1"), ((string?)row["object"]!["kind"], (string?)row["object"]!["apiVersion"], (string?)row["object"]!["metadata"]!["labels"]!["app"], (string?)row["object"]!["metadata"]!["uid"]));
        Assert.Null(row["object"]!["spec"]);
        Assert.Equal("Completed", (string?)row["conditions"]![0]!["type"]);
    }

    [Fact]
    public void Build_IncludeObject_EmbedsFullObjectWithKind()
    {
        var table = TableBuilder.Build(BuiltinResources.Pod, [Pod], Now, includeHeaders: false, includeFullObject: true, "7", null);
        var obj = table["rows"]![0]!["object"]!;
        Assert.Equal(("Pod", "v1", "web"), ((string?)obj["kind"], (string?)obj["apiVersion"], (string?)obj["spec"]!["containers"]![0]!["name"]));
        Assert.Null(table["columnDefinitions"]);
        Assert.False(table["metadata"]!.AsObject().ContainsKey("continue"));
    }

    [Fact]
    public void Build_IntegerColumns_AreJsonNumbers()
    {
        var rs = Obj("""{"metadata":{"name":"rs"},"spec":{"replicas":3},"status":{"replicas":2,"readyReplicas":1}}""");
        var cells = TableBuilder.Build(BuiltinResources.ReplicaSet, [rs], Now, true, false, "1", null)["rows"]![0]!["cells"]!.AsArray();
        Assert.Equal((3L, 2L, 1L), (cells[1]!.GetValue<long>(), cells[2]!.GetValue<long>(), cells[3]!.GetValue<long>()));
    }

    [Fact]
    public void For_EveryBuiltinResource_HasNamedColumnWithKubeTypes()
    {
        foreach (var type in BuiltinResources.AllTypes)
        {
            var columns = TablePrinters.For(type).Columns;
            Assert.Contains(columns, c => c.Format == "name");
            Assert.All(columns, c => Assert.Contains(c.Type, new[] { "string", "integer", "date", "number", "boolean" }));
        }
    }

    [Fact]
    public void For_UnknownType_UsesNameAndCreatedAt()
    {
        var type = new ResourceType("example.com", "v1", "Widget", "widgets", "widget", true, [], [], []);
        var printer = TablePrinters.For(type);
        Assert.Equal(["Name", "Created At"], printer.Columns.Select(c => c.Name));
        Assert.Equal(["w", "2025-06-01T11:59:00Z"], printer.Cells(Obj("""{"metadata":{"name":"w","creationTimestamp":"2025-06-01T11:59:00Z"}}"""), Now));
    }
}
