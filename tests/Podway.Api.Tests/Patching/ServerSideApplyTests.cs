using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Patching;
using Podway.Api.Resources;
using static Podway.Api.Tests.Patching.Json;

namespace Podway.Api.Tests.Patching;

public sealed class ServerSideApplyTests
{
    static readonly DateTimeOffset T0 = new(2025, 5, 1, 12, 0, 0, TimeSpan.Zero);
    static readonly ResourceType Deploy = BuiltinResources.Deployment;

    const string Applied = """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"}},
         "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
          "template":{"metadata":{"labels":{"app":"web"}},
           "spec":{"containers":[{"name":"web","image":"nginx:1.25","ports":[{"containerPort":80}]}]}}}}
        """;

    static JsonObject Entry(JsonObject obj, string manager) =>
        obj["metadata"]!["managedFields"]!.AsArray().Select(e => e!.AsObject()).Single(e => (string?)e["manager"] == manager);

    [Fact]
    public void Apply_Create_RecordsKubeStyleManagedFields()
    {
        var result = ServerSideApply.Apply(null, Obj(Applied), "kubectl", false, Deploy, T0);

        Equal("2", result["spec"]!["replicas"]);
        var entry = Entry(result, "kubectl");
        Assert.Equal(("Apply", "apps/v1", "2025-05-01T12:00:00Z", "FieldsV1"),
            ((string?)entry["operation"], (string?)entry["apiVersion"], (string?)entry["time"], (string?)entry["fieldsType"]));
        Same("""
            {"f:metadata":{"f:labels":{"f:app":{}}},
             "f:spec":{"f:replicas":{},"f:selector":{},
              "f:template":{"f:metadata":{"f:labels":{"f:app":{}}},
               "f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{".":{},"f:image":{},"f:name":{},
                 "f:ports":{"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{}}}}}}}}}
            """, entry["fieldsV1"]);
    }

    [Fact]
    public void Apply_ReapplyWithoutField_RemovesIt()
    {
        var live = ServerSideApply.Apply(null, Obj(Applied), "kubectl", false, Deploy, T0);
        var second = Obj(Applied);
        second["spec"]!.AsObject().Remove("replicas");
        second["metadata"]!["labels"]!.AsObject().Add("tier", "fe");

        var result = ServerSideApply.Apply(live, second, "kubectl", false, Deploy, T0.AddMinutes(1));

        Assert.False(result["spec"]!.AsObject().ContainsKey("replicas"));
        Equal("""{"app":"web","tier":"fe"}""", result["metadata"]!["labels"]);
        Assert.Equal("2025-05-01T12:01:00Z", (string?)Entry(result, "kubectl")["time"]);
    }

    [Fact]
    public void Apply_OmittedFieldOwnedByAnotherManager_IsKept()
    {
        var live = ServerSideApply.Apply(null, Obj(Applied), "kubectl", false, Deploy, T0);
        live = ServerSideApply.Apply(live, Obj("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":2}}"""), "other", false, Deploy, T0);
        var second = Obj(Applied);
        second["spec"]!.AsObject().Remove("replicas");

        var result = ServerSideApply.Apply(live, second, "kubectl", false, Deploy, T0);

        Equal("2", result["spec"]!["replicas"]);
    }

    [Fact]
    public void Apply_FieldChangedByClientSideApply_ConflictsLikeKube()
    {
        var created = Obj(Applied);
        ManagedFields.RecordUpdate(created, null, "kubectl-client-side-apply", "Update", "apps/v1", T0, Deploy);

        var e = Assert.Throws<ApiException>(() => ServerSideApply.Apply(created,
            Obj("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":5}}"""), "kubectl", false, Deploy, T0));

        Assert.Equal(409, e.Code);
        Assert.Equal("Conflict", e.Reason);
        Assert.Equal("Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1 at 2025-05-01T12:00:00Z: .spec.replicas", e.Message);
    }

    [Fact]
    public void Apply_SeveralConflicts_ListsThemPerManager()
    {
        var created = Obj(Applied);
        ManagedFields.RecordUpdate(created, null, "kubectl-create", "Update", "apps/v1", T0, Deploy);

        var e = Assert.Throws<ApiException>(() => ServerSideApply.Apply(created, Obj("""
            {"apiVersion":"apps/v1","kind":"Deployment","spec":{"replicas":5,"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.26"}]}}}}
            """), "kubectl", false, Deploy, T0));

        Assert.Equal("""
            Apply failed with 2 conflicts: conflicts with "kubectl-create" using apps/v1 at 2025-05-01T12:00:00Z:
            - .spec.replicas
            - .spec.template.spec.containers[name="web"].image
            """.Trim(), e.Message);
    }

    [Fact]
    public void Apply_Force_TakesOwnership()
    {
        var created = Obj(Applied);
        ManagedFields.RecordUpdate(created, null, "kubectl-client-side-apply", "Update", "apps/v1", T0, Deploy);

        var result = ServerSideApply.Apply(created,
            Obj("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":5}}"""), "kubectl", true, Deploy, T0);

        Equal("5", result["spec"]!["replicas"]);
        Equal("""{"f:spec":{"f:replicas":{}}}""", Entry(result, "kubectl")["fieldsV1"]);
        Assert.Null(Entry(result, "kubectl-client-side-apply")["fieldsV1"]!["f:spec"]!["f:replicas"]);
    }

    [Fact]
    public void Apply_SameValueAsOtherManager_SharesWithoutConflict()
    {
        var created = Obj(Applied);
        ManagedFields.RecordUpdate(created, null, "kubectl-client-side-apply", "Update", "apps/v1", T0, Deploy);

        var result = ServerSideApply.Apply(created,
            Obj("""{"apiVersion":"apps/v1","kind":"Deployment","spec":{"replicas":2}}"""), "kubectl", false, Deploy, T0);

        Assert.NotNull(Entry(result, "kubectl-client-side-apply")["fieldsV1"]!["f:spec"]!["f:replicas"]);
        Assert.NotNull(Entry(result, "kubectl")["fieldsV1"]!["f:spec"]!["f:replicas"]);
    }

    [Fact]
    public void Apply_KeyedList_MergesByKeyAndKeepsOthersElements()
    {
        var live = Obj("""{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"y"}]}}}}""");
        var result = ServerSideApply.Apply(live, Obj("""{"apiVersion":"apps/v1","kind":"Deployment","spec":{"template":{"spec":{"containers":[{"name":"b","image":"z"}]}}}}"""), "m", false, Deploy, T0);

        Same("""[{"name":"a","image":"x"},{"name":"b","image":"z"}]""", result["spec"]!["template"]!["spec"]!["containers"]);
    }
}
