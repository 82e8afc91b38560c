using System.Text.Json.Nodes;
using Podway.Api.Json;
using Podway.Api.Resources;
using Podway.Client;
using Podway.Controllers.Workloads;

namespace Podway.Controllers.Tests.Workloads;

[Collection("workloads")]
public sealed class DeploymentControllerTests(WorkloadsFixture cluster)
{
    ApiClient Client => cluster.Client;

    Task<JsonObject> DeployAsync(string ns) => Client.GetAsync(BuiltinResources.Deployment, ns, "web");

    async Task<JsonObject> CreateAsync(string ns, int replicas, JsonObject? extraSpec = null, string image = "nginx:1.27") =>
        await Client.CreateAsync(BuiltinResources.Deployment, ns, WorkloadsFixture.Workload("Deployment", "web", replicas, WorkloadsFixture.Template("web", image), extraSpec));

    async Task RolledOutAsync(string ns, int seconds = 30) =>
        await Eventually.TrueAsync(async () => WorkloadsFixture.RolloutStatus(await DeployAsync(ns)).Done, "rollout status reports success", seconds);

    Task SetImageAsync(string ns, string image) =>
        Client.PatchAsync(BuiltinResources.Deployment, ns, "web", PatchType.StrategicMerge, new JsonObject
        {
            ["spec"] = new JsonObject { ["template"] = new JsonObject { ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "main", ["image"] = image }) } } },
        });

    /// <summary>An ordinary create and rollout: no sync fails but on a write conflict, which kube's controllers also
    /// meet and retry (a JSON node put into a second tree made them fail with "The node already has a parent.").</summary>
    [Fact]
    public async Task CreateAndUpdate_OrdinaryRollout_NoSyncFails()
    {
        var ns = await cluster.NewNamespaceAsync();
        await CreateAsync(ns, 2);
        await RolledOutAsync(ns);
        await SetImageAsync(ns, "nginx:1.28");
        await RolledOutAsync(ns);
        Assert.Equal("2", (await DeployAsync(ns)).Obj("metadata").Obj("annotations").Str(DeploymentUtil.RevisionAnnotation));
        Assert.Empty(cluster.Log.Where(line => line.Contains($" sync {ns}/", StringComparison.Ordinal)
                                               && !line.Contains("Operation cannot be fulfilled", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Create_Deployment_ReplicaSetWithHashAndConditionsKubectlShows()
    {
        var ns = await cluster.NewNamespaceAsync();
        var d = await CreateAsync(ns, 2);

        await RolledOutAsync(ns);
        var rs = Assert.Single(await cluster.ReplicaSetsAsync(ns));
        var hash = rs.Labels().Str("pod-template-hash")!;
        Assert.Equal($"web-{hash}", rs.Name());
        Assert.Equal(TemplateHash.Compute(d.Obj("spec")!.Obj("template"), null), hash);
        Assert.Equal(hash, rs.Obj("spec")!.Obj("selector")!.Obj("matchLabels").Str("pod-template-hash"));
        Assert.Equal(hash, rs.Obj("spec")!.Obj("template")!.Obj("metadata")!.Obj("labels").Str("pod-template-hash"));
        Assert.Equal(("1", "2", "3"), (rs.Obj("metadata")!.Obj("annotations").Str("deployment.kubernetes.io/revision"),
            rs.Obj("metadata")!.Obj("annotations").Str("deployment.kubernetes.io/desired-replicas"), rs.Obj("metadata")!.Obj("annotations").Str("deployment.kubernetes.io/max-replicas")));
        Assert.All(await cluster.PodsAsync(ns), p => Assert.Equal(hash, p.Labels().Str("pod-template-hash")));

        var done = await DeployAsync(ns);
        Assert.Equal("1", done.Obj("metadata")!.Obj("annotations").Str("deployment.kubernetes.io/revision"));
        var status = done.Obj("status")!;
        Assert.Equal((2L, 2L, 2L, 2L, 0L), (status.Long("replicas"), status.Long("updatedReplicas"), status.Long("readyReplicas"), status.Long("availableReplicas"), status.Long("unavailableReplicas") ?? 0));
        Assert.Equal(("True", "MinimumReplicasAvailable", "Deployment has minimum availability."),
            (WorkloadsFixture.Condition(done, "Available").Str("status"), WorkloadsFixture.Condition(done, "Available").Str("reason"), WorkloadsFixture.Condition(done, "Available").Str("message")));
        Assert.Equal(("True", "NewReplicaSetAvailable", $"ReplicaSet \"web-{hash}\" has successfully progressed."),
            (WorkloadsFixture.Condition(done, "Progressing").Str("status"), WorkloadsFixture.Condition(done, "Progressing").Str("reason"), WorkloadsFixture.Condition(done, "Progressing").Str("message")));
        Assert.Contains(await cluster.EventsAsync(ns), e => e.Str("reason") == "ScalingReplicaSet" && e.Str("message") == $"Scaled up replica set web-{hash} from 0 to 2");
    }

    public sealed record RollingRow(int Replicas, string MaxSurge, string MaxUnavailable, int MinReady, int MaxTotal);

    public static TheoryData<RollingRow> RollingRows() => new()
    {
        new RollingRow(4, "1", "1", MinReady: 3, MaxTotal: 5),
        new RollingRow(4, "25%", "25%", MinReady: 3, MaxTotal: 5),    // surge 1 (rounded up), unavailable 1 (rounded down)
        new RollingRow(3, "50%", "0", MinReady: 3, MaxTotal: 5),      // surge 1.5 -> 2, never below 3 ready
        new RollingRow(3, "0", "34%", MinReady: 2, MaxTotal: 3),      // unavailable 1.02 -> 1, no surge
    };

    [Theory]
    [MemberData(nameof(RollingRows))]
    public async Task RollingUpdate_NewImage_NeverBelowMinReadyNorAboveMaxPods(RollingRow row)
    {
        var ns = await cluster.NewNamespaceAsync();
        await CreateAsync(ns, row.Replicas, new JsonObject
        {
            ["strategy"] = new JsonObject { ["type"] = "RollingUpdate", ["rollingUpdate"] = new JsonObject { ["maxSurge"] = Json(row.MaxSurge), ["maxUnavailable"] = Json(row.MaxUnavailable) } },
        });
        await RolledOutAsync(ns);

        await SetImageAsync(ns, "nginx:1.28");

        int minReady = int.MaxValue, maxPods = 0;
        await Eventually.TrueAsync(async () =>
        {
            var pods = await cluster.PodsAsync(ns);
            var live = pods.Where(p => p.Obj("metadata").Str("deletionTimestamp") is null).ToList();
            minReady = Math.Min(minReady, live.Count(WorkloadsFixture.IsReady));
            maxPods = Math.Max(maxPods, live.Count);
            var d = await DeployAsync(ns);
            return WorkloadsFixture.RolloutStatus(d).Done && live.All(p => p.Obj("spec")!.Arr("containers")![0]!["image"]!.GetValue<string>() == "nginx:1.28");
        }, "the rollout to finish", seconds: 40);
        Assert.True(minReady >= row.MinReady, $"ready pods fell to {minReady}, below {row.MinReady}");
        Assert.True(maxPods <= row.MaxTotal, $"{maxPods} pods at once, more than {row.MaxTotal}");
        var sets = await cluster.ReplicaSetsAsync(ns);
        Assert.Equal(2, sets.Count);
        Assert.Equal(["1", "2"], sets.Select(r => r.Obj("metadata")!.Obj("annotations").Str("deployment.kubernetes.io/revision")).Order());
        Assert.Equal("2", (await DeployAsync(ns)).Obj("metadata")!.Obj("annotations").Str("deployment.kubernetes.io/revision"));
    }

    static JsonNode Json(string value) => int.TryParse(value, out var i) ? JsonValue.Create(i) : JsonValue.Create(value);

    [Fact]
    public async Task Recreate_NewImage_OldPodsGoneBeforeNewOnesStart()
    {
        var ns = await cluster.NewNamespaceAsync();
        await CreateAsync(ns, 2, new JsonObject { ["strategy"] = new JsonObject { ["type"] = "Recreate" } });
        await RolledOutAsync(ns);

        await SetImageAsync(ns, "nginx:1.28");

        var mixed = false;
        await Eventually.TrueAsync(async () =>
        {
            var images = (await cluster.PodsAsync(ns)).Select(p => p.Obj("spec")!.Arr("containers")![0]!["image"]!.GetValue<string>()).Distinct().ToList();
            mixed |= images.Count > 1;
            return WorkloadsFixture.RolloutStatus(await DeployAsync(ns)).Done && images.SequenceEqual(["nginx:1.28"]);
        }, "the recreate rollout", seconds: 40);
        Assert.False(mixed, "old and new pods existed at the same time");
    }

    [Fact]
    public async Task RolloutUndo_TemplatePatchedBack_ReusesOldReplicaSetWithNextRevision()
    {
        var ns = await cluster.NewNamespaceAsync();
        await CreateAsync(ns, 2);
        await RolledOutAsync(ns);
        var first = Assert.Single(await cluster.ReplicaSetsAsync(ns));
        await SetImageAsync(ns, "nginx:1.28");
        await RolledOutAsync(ns);
        await Eventually.TrueAsync(async () => (await cluster.PodsAsync(ns)).Count == 2, "old pods gone");

        // kubectl rollout undo: the old ReplicaSet's template without pod-template-hash, patched onto the deployment.
        var template = (JsonObject)first.Obj("spec")!.Obj("template")!.DeepClone();
        template.Obj("metadata")!.Obj("labels")!.Remove("pod-template-hash");
        await Client.PatchAsync(BuiltinResources.Deployment, ns, "web", PatchType.Json, new JsonArray(new JsonObject { ["op"] = "replace", ["path"] = "/spec/template", ["value"] = template }));
        await Eventually.TrueAsync(async () =>
            WorkloadsFixture.RolloutStatus(await DeployAsync(ns)).Done && (await cluster.PodsAsync(ns)).All(p => p.Labels().Str("pod-template-hash") == first.Labels().Str("pod-template-hash")),
            "rolled back to the first ReplicaSet", seconds: 40);

        var sets = await cluster.ReplicaSetsAsync(ns);
        Assert.Equal(2, sets.Count);
        var reused = Assert.Single(sets, r => r.Uid() == first.Uid());
        Assert.Equal(("3", "1"), (reused.Obj("metadata")!.Obj("annotations").Str("deployment.kubernetes.io/revision"), reused.Obj("metadata")!.Obj("annotations").Str("deployment.kubernetes.io/revision-history")));
        Assert.Equal(2, DeploymentUtil.Replicas(reused));
        Assert.Equal("3", (await DeployAsync(ns)).Obj("metadata")!.Obj("annotations").Str("deployment.kubernetes.io/revision"));
    }

    [Fact]
    public async Task RolloutRestart_TemplateAnnotation_NewReplicaSet()
    {
        var ns = await cluster.NewNamespaceAsync();
        await CreateAsync(ns, 1);
        await RolledOutAsync(ns);

        await Client.PatchAsync(BuiltinResources.Deployment, ns, "web", PatchType.StrategicMerge, new JsonObject
        {
            ["spec"] = new JsonObject { ["template"] = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { ["kubectl.kubernetes.io/restartedAt"] = "2025-01-01T00:00:00Z" } } } },
        });

        await Eventually.TrueAsync(async () => (await cluster.ReplicaSetsAsync(ns)).Count == 2 && WorkloadsFixture.RolloutStatus(await DeployAsync(ns)).Done, "a second ReplicaSet rolled out");
        var pod = Assert.Single(await cluster.PodsAsync(ns), p => p.Obj("metadata").Str("deletionTimestamp") is null);
        Assert.Equal("2025-01-01T00:00:00Z", pod.Obj("metadata")!.Obj("annotations").Str("kubectl.kubernetes.io/restartedAt"));
    }

    [Fact]
    public async Task Paused_TemplateChanged_NoNewReplicaSetUntilResumed()
    {
        var ns = await cluster.NewNamespaceAsync();
        await CreateAsync(ns, 1);
        await RolledOutAsync(ns);
        await Client.PatchAsync(BuiltinResources.Deployment, ns, "web", PatchType.Merge, new JsonObject { ["spec"] = new JsonObject { ["paused"] = true } });
        await Eventually.TrueAsync(async () => WorkloadsFixture.Condition(await DeployAsync(ns), "Progressing").Str("reason") == "DeploymentPaused", "the paused condition");

        await SetImageAsync(ns, "nginx:1.28");
        await Task.Delay(1000);
        Assert.Single(await cluster.ReplicaSetsAsync(ns));

        await Client.PatchAsync(BuiltinResources.Deployment, ns, "web", PatchType.Merge, new JsonObject { ["spec"] = new JsonObject { ["paused"] = false } });
        await Eventually.TrueAsync(async () => (await cluster.ReplicaSetsAsync(ns)).Count == 2 && WorkloadsFixture.RolloutStatus(await DeployAsync(ns)).Done, "the rollout after resume");
    }

    [Fact]
    public async Task RevisionHistoryLimit_One_OldestIdleReplicaSetsDeleted()
    {
        var ns = await cluster.NewNamespaceAsync();
        await CreateAsync(ns, 1, new JsonObject { ["revisionHistoryLimit"] = 1 });
        foreach (var image in new[] { "nginx:1.28", "nginx:1.29" })
        {
            await RolledOutAsync(ns);
            await SetImageAsync(ns, image);
        }
        await RolledOutAsync(ns);

        await Eventually.TrueAsync(async () => (await cluster.ReplicaSetsAsync(ns)).Count == 2, "only one old ReplicaSet kept");
        Assert.Equal(["2", "3"], (await cluster.ReplicaSetsAsync(ns)).Select(r => r.Obj("metadata")!.Obj("annotations").Str("deployment.kubernetes.io/revision")).Order());
    }

    [Fact]
    public async Task ProgressDeadline_PodsNeverReady_ProgressDeadlineExceeded()
    {
        var ns = await cluster.NewNamespaceAsync();
        await CreateAsync(ns, 1, new JsonObject { ["progressDeadlineSeconds"] = 2 }, image: FakeKubelet.NeverReadyImage);

        JsonObject? d = null;
        await Eventually.TrueAsync(async () => WorkloadsFixture.Condition(d = await DeployAsync(ns), "Progressing").Str("reason") == "ProgressDeadlineExceeded", "the deadline to pass", seconds: 15);
        var rs = Assert.Single(await cluster.ReplicaSetsAsync(ns));
        Assert.Equal(("False", $"ReplicaSet \"{rs.Name()}\" has timed out progressing."), (WorkloadsFixture.Condition(d!, "Progressing").Str("status"), WorkloadsFixture.Condition(d!, "Progressing").Str("message")));
        Assert.Equal(("False", "MinimumReplicasUnavailable"), (WorkloadsFixture.Condition(d!, "Available").Str("status"), WorkloadsFixture.Condition(d!, "Available").Str("reason")));
        Assert.Equal(1L, d!.Obj("status").Long("unavailableReplicas"));
        Assert.Equal($"deployment \"web\" exceeded its progress deadline", WorkloadsFixture.RolloutStatus(d!).Message);
    }

    [Fact]
    public async Task Scale_ThroughScaleSubresourceDuringRollout_ProportionalAcrossReplicaSets()
    {
        var ns = await cluster.NewNamespaceAsync();
        await CreateAsync(ns, 4, new JsonObject
        {
            ["strategy"] = new JsonObject { ["rollingUpdate"] = new JsonObject { ["maxSurge"] = 2, ["maxUnavailable"] = 0 } },
        });
        await RolledOutAsync(ns);
        await SetImageAsync(ns, FakeKubelet.NeverReadyImage); // the rollout stalls with 4 old + 2 new
        await Eventually.TrueAsync(async () => (await cluster.ReplicaSetsAsync(ns)).Select(DeploymentUtil.Replicas).Order().SequenceEqual([2, 4]), "a stalled rollout (4 old, 2 new)");

        await Client.PatchAsync(BuiltinResources.Deployment, ns, "web", PatchType.Merge, new JsonObject { ["spec"] = new JsonObject { ["replicas"] = 8 } }, subresource: "scale");

        // allowed 8+2=10, 6 exist: +4 split 4/6 and 2/6 of 10 -> old 4->7 (rounded), new 2->3.
        await Eventually.TrueAsync(async () => (await cluster.ReplicaSetsAsync(ns)).Select(DeploymentUtil.Replicas).Order().SequenceEqual([3, 7]), "proportional scaling to 7 old + 3 new");
    }
}
