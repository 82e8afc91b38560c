using Podway.Api.Patching;
using Podway.Api.Resources;
using static Podway.Api.Tests.Patching.Json;

namespace Podway.Api.Tests.Patching;

public sealed class ManagedFieldsTests
{
    static readonly DateTimeOffset T0 = new(2025, 5, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void RecordUpdate_Create_TracksAddedFieldsLikeKube()
    {
        var obj = Obj("""
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default","uid":"u","labels":{"app":"web"}},
             "spec":{"selector":{"app":"web"},"ports":[{"port":80,"targetPort":8080}]},"status":{"loadBalancer":{}}}
            """);

        ManagedFields.RecordUpdate(obj, null, "kubectl-client-side-apply", "Update", "v1", T0, BuiltinResources.Service);

        var entry = obj["metadata"]!["managedFields"]![0]!;
        Assert.Equal("2025-05-01T12:00:00Z", (string?)entry["time"]);
        Same("""
            {"f:metadata":{"f:labels":{".":{},"f:app":{}}},
             "f:spec":{"f:ports":{".":{},"k:{\"port\":80,\"protocol\":\"TCP\"}":{".":{},"f:port":{},"f:targetPort":{}}},"f:selector":{}}}
            """, entry["fieldsV1"]);
    }

    [Fact]
    public void RecordUpdate_ChangeByOtherManager_MovesOwnership()
    {
        var old = Obj("""{"metadata":{"name":"web"},"spec":{"replicas":1,"paused":false}}""");
        ManagedFields.RecordUpdate(old, null, "creator", "Update", "apps/v1", T0, BuiltinResources.Deployment);
        var updated = Obj(old.ToJsonString());
        updated["spec"]!["replicas"] = 3;

        ManagedFields.RecordUpdate(updated, old, "scaler", "Update", "apps/v1", T0.AddHours(1), BuiltinResources.Deployment);

        var entries = updated["metadata"]!["managedFields"]!.AsArray();
        Equal("""{"f:spec":{"f:paused":{}}}""", entries.Single(e => (string?)e!["manager"] == "creator")!["fieldsV1"]);
        Equal("""{"f:spec":{"f:replicas":{}}}""", entries.Single(e => (string?)e!["manager"] == "scaler")!["fieldsV1"]);
    }

    [Fact]
    public void RecordUpdate_StatusWrite_IsTrackedUnderStatusSubresource()
    {
        var old = Obj("""{"metadata":{"name":"web"},"spec":{"replicas":1},"status":{}}""");
        var updated = Obj("""{"metadata":{"name":"web"},"spec":{"replicas":1},"status":{"replicas":1}}""");

        ManagedFields.RecordUpdate(updated, old, "kube-controller-manager", "Update", "apps/v1", T0, BuiltinResources.Deployment, "status");

        var entry = updated["metadata"]!["managedFields"]![0]!;
        Assert.Equal("status", (string?)entry["subresource"]);
        Equal("""{"f:status":{"f:replicas":{}}}""", entry["fieldsV1"]);
    }

    [Fact]
    public void RecordUpdate_NoChange_AddsNoEntry()
    {
        var old = Obj("""{"metadata":{"name":"web"},"data":{"a":"1"}}""");
        var updated = Obj("""{"metadata":{"name":"web"},"data":{"a":"1"}}""");

        ManagedFields.RecordUpdate(updated, old, "kubectl-edit", "Update", "v1", T0, BuiltinResources.ConfigMap);

        Assert.Null(updated["metadata"]!["managedFields"]);
    }

    [Theory]
    [InlineData(null, "kubectl-client-side-apply/v1.32.4 (linux/amd64) kubernetes/abc", "kubectl-client-side-apply")]
    [InlineData("helm", "kubectl/v1.32.4", "helm")]
    public void ManagerFor_QueryOrUserAgent_PicksKubeName(string? query, string userAgent, string expected) =>
        Assert.Equal(expected, ManagedFields.ManagerFor(query, userAgent));
}
