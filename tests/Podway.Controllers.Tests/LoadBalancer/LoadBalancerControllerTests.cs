using System.Text.Json.Nodes;
using Podway.Api.Json;
using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Controllers.Tests.LoadBalancer;

public sealed class LoadBalancerControllerTests
{
    const string Finalizer = "service.kubernetes.io/load-balancer-cleanup";

    [Fact]
    public async Task LoadBalancerService_GetsFirstPoolAddressWithVipModeFinalizerAndEvents()
    {
        await using var cluster = await LoadBalancerCluster.StartAsync();
        var ns = await cluster.NewNamespaceAsync();
        await cluster.CreateServiceAsync(ns, "web");

        Assert.Equal("198.51.100.1", await cluster.WaitForIngressIpAsync(ns, "web"));
        var svc = (await cluster.GetServiceAsync(ns, "web"))!;
        var ingress = Assert.Single(svc.Obj("status")!.Obj("loadBalancer")!.Arr("ingress")!.OfType<JsonObject>());
        Assert.Equal("VIP", ingress.Str("ipMode"));
        Assert.Contains(Finalizer, ObjectMeta.Finalizers(svc));
        await cluster.WaitForEventAsync(ns, "web", "EnsuredLoadBalancer", "Ensured load balancer");
        var events = await cluster.EventsAsync(ns, "web");
        Assert.Contains(events, e => e is ("Normal", "EnsuringLoadBalancer", "Ensuring load balancer", "service-controller"));
        Assert.Contains(events, e => e is ("Normal", "EnsuredLoadBalancer", "Ensured load balancer", "service-controller"));
    }

    [Theory]
    [InlineData("ClusterIP")]
    [InlineData("NodePort")]
    public async Task NonLoadBalancerService_IsLeftWithoutAddressOrFinalizer(string type)
    {
        await using var cluster = await LoadBalancerCluster.StartAsync();
        var ns = await cluster.NewNamespaceAsync();
        await cluster.CreateServiceAsync(ns, "plain", type);
        await cluster.CreateServiceAsync(ns, "lb");
        // The one worker handles events in order: once the later LoadBalancer is done, the earlier Service was seen.
        await cluster.WaitForIngressIpAsync(ns, "lb");

        var plain = (await cluster.GetServiceAsync(ns, "plain"))!;
        Assert.Null(plain.Obj("status")?.Obj("loadBalancer")?["ingress"]);
        Assert.DoesNotContain(Finalizer, ObjectMeta.Finalizers(plain));
    }

    [Fact]
    public async Task RequestedIpInPoolAndFree_IsGiven()
    {
        await using var cluster = await LoadBalancerCluster.StartAsync();
        var ns = await cluster.NewNamespaceAsync();
        await cluster.CreateServiceAsync(ns, "web", loadBalancerIP: "198.51.100.5");
        Assert.Equal("198.51.100.5", await cluster.WaitForIngressIpAsync(ns, "web"));
        await cluster.CreateServiceAsync(ns, "next");
        Assert.Equal("198.51.100.1", await cluster.WaitForIngressIpAsync(ns, "next"));
    }

    public sealed record UnattainableRequest(string Ip, bool TakenFirst, string Why);

    public static TheoryData<UnattainableRequest> UnattainableRequests => new()
    {
        new("203.0.113.7", false, "requested loadBalancerIP 203.0.113.7 is not in the cluster's LoadBalancer pool 198.51.100.0/29 (198.51.100.1-198.51.100.6)"),
        new("198.51.100.7", false, "requested loadBalancerIP 198.51.100.7 is not in the cluster's LoadBalancer pool"),
        new("198.51.100.1", true, "requested loadBalancerIP 198.51.100.1 is already allocated to Service"),
    };

    [Theory]
    [MemberData(nameof(UnattainableRequests))]
    public async Task RequestedIpUnattainable_StaysPendingWithWarningSaysWhy(UnattainableRequest row)
    {
        await using var cluster = await LoadBalancerCluster.StartAsync();
        var ns = await cluster.NewNamespaceAsync();
        if (row.TakenFirst)
        {
            await cluster.CreateServiceAsync(ns, "first");
            Assert.Equal(row.Ip, await cluster.WaitForIngressIpAsync(ns, "first"));
        }
        await cluster.CreateServiceAsync(ns, "web", loadBalancerIP: row.Ip);

        await cluster.WaitForEventAsync(ns, "web", "SyncLoadBalancerFailed", "Error syncing load balancer: failed to ensure load balancer: " + row.Why);
        Assert.Contains(await cluster.EventsAsync(ns, "web"), e => e.Type == "Warning" && e.Reason == "SyncLoadBalancerFailed");
        Assert.Null(await cluster.IngressIpAsync(ns, "web"));
    }

    [Fact]
    public async Task PoolExhausted_StaysPendingWithWarning_ThenGetsTheReleasedAddress()
    {
        await using var cluster = await LoadBalancerCluster.StartAsync();
        var ns = await cluster.NewNamespaceAsync();
        var given = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            await cluster.CreateServiceAsync(ns, $"s{i}");
            given.Add(await cluster.WaitForIngressIpAsync(ns, $"s{i}"));
        }
        Assert.Equal(Enumerable.Range(1, 6).Select(i => $"198.51.100.{i}"), given);

        await cluster.CreateServiceAsync(ns, "late");
        await cluster.WaitForEventAsync(ns, "late", "SyncLoadBalancerFailed", "no free address in the cluster's LoadBalancer pool 198.51.100.0/29: all 6 are allocated");
        Assert.Null(await cluster.IngressIpAsync(ns, "late"));

        await cluster.Client.DeleteAsync(BuiltinResources.Service, ns, "s2");
        // Woken by the release, not by its own back-off (5 s doubling): well within the default wait.
        Assert.Equal("198.51.100.3", await cluster.WaitForIngressIpAsync(ns, "late"));
    }

    [Fact]
    public async Task DeletedService_WaitsForReleaseWhileControllerIsDown_ThenGoesAndFreesItsAddress()
    {
        await using var cluster = await LoadBalancerCluster.StartAsync();
        var ns = await cluster.NewNamespaceAsync();
        await cluster.CreateServiceAsync(ns, "web");
        var ip = await cluster.WaitForIngressIpAsync(ns, "web");

        await cluster.StopManagerAsync();
        await cluster.Client.DeleteAsync(BuiltinResources.Service, ns, "web");
        var held = await cluster.GetServiceAsync(ns, "web");
        Assert.NotNull(held);
        Assert.True(ObjectMeta.IsBeingDeleted(held!), "deletion is pending on the finalizer");

        await cluster.StartManagerAsync();
        await Eventually.TrueAsync(async () => await cluster.GetServiceAsync(ns, "web") is null, "the Service goes once its address is released");
        await cluster.CreateServiceAsync(ns, "again");
        Assert.Equal(ip, await cluster.WaitForIngressIpAsync(ns, "again"));
        var events = await cluster.EventsAsync(ns, "web");
        Assert.Contains(events, e => e is ("Normal", "DeletingLoadBalancer", "Deleting load balancer", _));
        Assert.Contains(events, e => e is ("Normal", "DeletedLoadBalancer", "Deleted load balancer", _));
    }

    [Fact]
    public async Task ControllerRestart_RebuildsAllocationsFromStatus()
    {
        await using var cluster = await LoadBalancerCluster.StartAsync();
        var ns = await cluster.NewNamespaceAsync();
        await cluster.CreateServiceAsync(ns, "b", loadBalancerIP: "198.51.100.2");
        await cluster.CreateServiceAsync(ns, "a");
        Assert.Equal("198.51.100.2", await cluster.WaitForIngressIpAsync(ns, "b"));
        Assert.Equal("198.51.100.1", await cluster.WaitForIngressIpAsync(ns, "a"));

        await cluster.StopManagerAsync();
        await cluster.StartManagerAsync();
        await cluster.CreateServiceAsync(ns, "c");

        Assert.Equal("198.51.100.3", await cluster.WaitForIngressIpAsync(ns, "c"));
        Assert.Equal("198.51.100.1", await cluster.IngressIpAsync(ns, "a"));
        Assert.Equal("198.51.100.2", await cluster.IngressIpAsync(ns, "b"));
    }

    [Fact]
    public async Task TypeChangedToClusterIP_ClearsStatusDropsFinalizerAndReleases()
    {
        await using var cluster = await LoadBalancerCluster.StartAsync();
        var ns = await cluster.NewNamespaceAsync();
        await cluster.CreateServiceAsync(ns, "web");
        var ip = await cluster.WaitForIngressIpAsync(ns, "web");

        // The type-dependent fields are dropped by hand: podway's API server does not clear them on a type change yet
        // (kube's dropTypeDependentFields does).
        await cluster.Client.PatchAsync(BuiltinResources.Service, ns, "web", PatchType.Merge, new JsonObject
        {
            ["spec"] = new JsonObject
            {
                ["type"] = "ClusterIP", ["externalTrafficPolicy"] = null, ["allocateLoadBalancerNodePorts"] = null,
                ["ports"] = new JsonArray(new JsonObject { ["port"] = 80, ["targetPort"] = 8080 }),
            },
        });

        await Eventually.TrueAsync(async () => await cluster.GetServiceAsync(ns, "web") is { } s
            && s.Obj("status")?.Obj("loadBalancer")?["ingress"] is null && !ObjectMeta.Finalizers(s).Contains(Finalizer),
            "status cleared and finalizer removed");
        var svc = (await cluster.GetServiceAsync(ns, "web"))!;
        Assert.Equal("ClusterIP", svc.Obj("spec")!.Str("type"));
        Assert.Empty(svc.Obj("status")!.Obj("loadBalancer")!);
        await cluster.CreateServiceAsync(ns, "next");
        Assert.Equal(ip, await cluster.WaitForIngressIpAsync(ns, "next"));
        await cluster.WaitForEventAsync(ns, "web", "DeletedLoadBalancer", "Deleted load balancer");
    }

    [Fact]
    public async Task ServiceOfAnotherLoadBalancerClass_IsLeftAlone()
    {
        await using var cluster = await LoadBalancerCluster.StartAsync();
        var ns = await cluster.NewNamespaceAsync();
        await cluster.CreateServiceAsync(ns, "theirs", loadBalancerClass: "example.com/other-lb");
        await cluster.CreateServiceAsync(ns, "ours", loadBalancerClass: "podway.io/pool");

        Assert.Equal("198.51.100.1", await cluster.WaitForIngressIpAsync(ns, "ours"));
        var theirs = (await cluster.GetServiceAsync(ns, "theirs"))!;
        Assert.Null(theirs.Obj("status")?.Obj("loadBalancer")?["ingress"]);
        Assert.DoesNotContain(Finalizer, ObjectMeta.Finalizers(theirs));
        Assert.Empty(await cluster.EventsAsync(ns, "theirs"));
    }

    [Fact]
    public async Task IngressClearedByHand_IsWrittenBackWithTheSameAddress()
    {
        await using var cluster = await LoadBalancerCluster.StartAsync();
        var ns = await cluster.NewNamespaceAsync();
        await cluster.CreateServiceAsync(ns, "web");
        var ip = await cluster.WaitForIngressIpAsync(ns, "web");

        await cluster.Client.PatchAsync(BuiltinResources.Service, ns, "web", PatchType.Merge,
            new JsonObject { ["status"] = new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = null } } }, "status");

        Assert.Equal(ip, await cluster.WaitForIngressIpAsync(ns, "web"));
    }
}
