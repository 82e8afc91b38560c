using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Podway.Api.Resources;
using Podway.Client;

namespace Podway.Node.Tests.Kubelet;

[Collection(ApiServerCollection.Name)]
public sealed class PodLifecycleTests(RealApiServer api)
{
    static string Phase(JsonObject pod) => pod["status"]?["phase"]?.GetValue<string>() ?? "";

    [Fact]
    public async Task Pod_RunningContainer_IsRunningAndReadyWithStatusAndCriLog()
    {
        await using var h = new AgentHarness(api);
        await h.StartAsync();
        await h.CreatePodAsync("web", """[{"name":"web","image":"busybox","command":["sh","-c","echo hello; echo oops >&2; exec sleep 60"]}]""");

        var pod = await h.WaitPodAsync("web", p => AgentHarness.ConditionStatus(p, "Ready") == "True", "Ready");
        Assert.Equal("Running", Phase(pod));
        foreach (var type in new[] { "PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready" })
            Assert.Equal("True", AgentHarness.ConditionStatus(pod, type));
        Assert.Equal("127.0.0.1", pod["status"]!["podIP"]!.GetValue<string>());
        Assert.Equal("127.0.0.1", pod["status"]!["hostIP"]!.GetValue<string>());
        Assert.NotNull(pod["status"]!["startTime"]);
        var cs = AgentHarness.ContainerStatus(pod);
        Assert.True(cs["ready"]!.GetValue<bool>());
        Assert.True(cs["started"]!.GetValue<bool>());
        Assert.Equal(0, cs["restartCount"]!.GetValue<int>());
        Assert.NotNull(cs["state"]!["running"]!["startedAt"]);
        Assert.Equal($"podway://{ObjectMeta.Uid(pod)}-web-0", cs["containerID"]!.GetValue<string>());
        Assert.Equal("podway://busybox", cs["imageID"]!.GetValue<string>());

        var log = h.LogPath(pod, "web", 0);
        await Eventually.TrueAsync(() => Task.FromResult(File.Exists(log) && File.ReadAllLines(log).Length == 2), "two log lines");
        var lines = File.ReadAllLines(log);
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z stdout F hello$"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^\S+Z stderr F oops$"));

        var reasons = (await h.EventsOnceAsync("web", e => e["reason"]!.GetValue<string>() == "Started", "Started")).Select(e => (e["reason"]!.GetValue<string>(), e["message"]!.GetValue<string>())).ToList();
        Assert.Contains(("Pulled", "Container image \"busybox\" already present on machine"), reasons);
        Assert.Contains(("Created", "Created container: web"), reasons);
        Assert.Contains(("Started", "Started container web"), reasons);
    }

    [Fact]
    public async Task Pod_EnvFieldRefsConfigMapAndVarExpansion_ReachTheContainer()
    {
        await using var h = new AgentHarness(api);
        await h.StartAsync();
        await h.Client.CreateAsync(BuiltinResources.ConfigMap, h.Namespace, JsonNode.Parse(
            $$$"""{"metadata":{"name":"cfg","namespace":"{{{h.Namespace}}}"},"data":{"color":"blue","size":"L"}}""")!.AsObject());
        await h.CreatePodAsync("env", """
            [{"name":"c","image":"busybox","workingDir":"/tmp",
              "command":["sh","-c"],"args":["echo name=$POD_NAME ns=$POD_NS ip=$POD_IP node=$NODE color=$COLOR greet=$GREETING cfg_size=$CFG_size pwd=$(pwd) arg='$(GREETING)' esc='$$(GREETING)' image=$IMAGE_ENV; sleep 60"],
              "envFrom":[{"prefix":"CFG_","configMapRef":{"name":"cfg"}}],
              "env":[{"name":"POD_NAME","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}},
                     {"name":"POD_NS","valueFrom":{"fieldRef":{"fieldPath":"metadata.namespace"}}},
                     {"name":"POD_IP","valueFrom":{"fieldRef":{"fieldPath":"status.podIP"}}},
                     {"name":"NODE","valueFrom":{"fieldRef":{"fieldPath":"spec.nodeName"}}},
                     {"name":"COLOR","valueFrom":{"configMapKeyRef":{"name":"cfg","key":"color"}}},
                     {"name":"GREETING","value":"hi-$(POD_NAME)-$(UNDEFINED)"}]}]
            """);
        var pod = await h.WaitPodAsync("env", p => Phase(p) == "Running", "Running");
        var log = h.LogPath(pod, "c", 0);
        await Eventually.TrueAsync(() => Task.FromResult(File.Exists(log) && File.ReadAllText(log).Contains("name=")), "output");
        var line = File.ReadAllText(log);
        Assert.True(line.Contains($"name=env ns={h.Namespace} ip=127.0.0.1 node={h.Node.NodeName} color=blue greet=hi-env-$(UNDEFINED) cfg_size=L pwd=/tmp arg=hi-env-$(UNDEFINED) esc=$(GREETING) image=busybox"), line);
    }

    [Fact]
    public async Task Pod_ServicesInItsNamespace_GetServiceVariablesThatItsOwnEnvOverridesAndExpands()
    {
        await using var h = new AgentHarness(api);
        await h.Client.CreateAsync(BuiltinResources.Namespace, null, new JsonObject { ["metadata"] = new JsonObject { ["name"] = h.Namespace } });
        var svc = await h.Client.CreateAsync(BuiltinResources.Service, h.Namespace, JsonNode.Parse(
            $$$"""{"metadata":{"name":"my-web","namespace":"{{{h.Namespace}}}"},"spec":{"selector":{"app":"x"},"ports":[{"name":"http","port":80,"targetPort":8080}]}}""")!.AsObject());
        var clusterIp = svc["spec"]!["clusterIP"]!.GetValue<string>();
        var kubernetesIp = (await h.Client.TryGetAsync(BuiltinResources.Service, "default", "kubernetes"))!["spec"]!["clusterIP"]!.GetValue<string>();
        await h.StartAsync();
        const string Script = "echo host=$MY_WEB_SERVICE_HOST port=$MY_WEB_SERVICE_PORT_HTTP link=$MY_WEB_PORT_80_TCP url=$URL api=$KUBERNETES_SERVICE_HOST arg=$(MY_WEB_SERVICE_PORT); sleep 60";
        await h.CreatePodAsync("links", $$"""
            [{"name":"c","image":"busybox","command":["sh","-c","{{Script}}"],
              "env":[{"name":"URL","value":"http://$(MY_WEB_SERVICE_HOST):$(MY_WEB_SERVICE_PORT)/"},{"name":"MY_WEB_SERVICE_PORT_HTTP","value":"mine"}]}]
            """);
        await h.CreatePodAsync("nolinks", """[{"name":"c","image":"busybox","command":["sh","-c","echo host=$MY_WEB_SERVICE_HOST api=$KUBERNETES_SERVICE_HOST; sleep 60"]}]""",
            extraSpec: "\"enableServiceLinks\":false,");

        async Task<string> Output(string name)
        {
            var pod = await h.WaitPodAsync(name, p => Phase(p) == "Running", "Running");
            var log = h.LogPath(pod, "c", 0);
            await Eventually.TrueAsync(() => Task.FromResult(File.Exists(log) && File.ReadAllText(log).Contains("host=")), $"{name} output");
            return File.ReadAllText(log);
        }
        var links = await Output("links");
        Assert.True(links.Contains($"host={clusterIp} port=mine link=tcp://{clusterIp}:80 url=http://{clusterIp}:80/ api={kubernetesIp} arg=80"), links);
        var noLinks = await Output("nolinks");
        Assert.True(noLinks.Contains($"host= api={kubernetesIp}"), noLinks);
    }

    [Fact]
    public async Task Pod_MissingConfigMap_WaitsWithCreateContainerConfigError()
    {
        await using var h = new AgentHarness(api);
        await h.StartAsync();
        await h.CreatePodAsync("nocfg", """[{"name":"c","image":"busybox","env":[{"name":"X","valueFrom":{"configMapKeyRef":{"name":"absent","key":"k"}}}]}]""");
        var pod = await h.WaitPodAsync("nocfg", p => p["status"]?["containerStatuses"]?[0]?["state"]?["waiting"]?["reason"]?.GetValue<string>() == "CreateContainerConfigError", "config error");
        Assert.Equal("configmap \"absent\" not found", AgentHarness.ContainerStatus(pod)["state"]!["waiting"]!["message"]!.GetValue<string>());
        Assert.Equal("Pending", Phase(pod));
    }

    [Fact]
    public async Task Pod_UnknownImage_ShowsErrImagePull()
    {
        await using var h = new AgentHarness(api);
        await h.StartAsync();
        await h.CreatePodAsync("noimg", """[{"name":"c","image":"does-not-exist:1"}]""");
        var pod = await h.WaitPodAsync("noimg", p => p["status"]?["containerStatuses"]?[0]?["state"]?["waiting"]?["reason"]?.GetValue<string>() is "ErrImagePull" or "ImagePullBackOff", "image error");
        Assert.Contains("not in the catalog", AgentHarness.ContainerStatus(pod)["state"]!["waiting"]!["message"]!.GetValue<string>());
    }

    public sealed record PolicyCase(string RestartPolicy, int ExitCode, string Phase, int ExitCodeShown, string Reason);

    public static TheoryData<PolicyCase> PolicyCases() =>
    [
        new("Never", 0, "Succeeded", 0, "Completed"),
        new("Never", 3, "Failed", 3, "Error"),
        new("OnFailure", 0, "Succeeded", 0, "Completed"),
    ];

    [Theory]
    [MemberData(nameof(PolicyCases))]
    public async Task Pod_ContainerExits_PhaseFollowsRestartPolicy(PolicyCase c)
    {
        await using var h = new AgentHarness(api);
        await h.StartAsync();
        await h.CreatePodAsync("once", $$"""[{"name":"c","image":"busybox","command":["sh","-c","echo done; exit {{c.ExitCode}}"]}]""", c.RestartPolicy);
        var pod = await h.WaitPodAsync("once", p => Phase(p) == c.Phase, c.Phase);
        var terminated = AgentHarness.ContainerStatus(pod)["state"]!["terminated"]!;
        Assert.Equal(c.ExitCodeShown, terminated["exitCode"]!.GetValue<int>());
        Assert.Equal(c.Reason, terminated["reason"]!.GetValue<string>());
        Assert.Equal(0, AgentHarness.ContainerStatus(pod)["restartCount"]!.GetValue<int>());
        Assert.Equal("False", AgentHarness.ConditionStatus(pod, "Ready"));
        if (c.Phase == "Succeeded") Assert.Equal("PodCompleted", AgentHarness.Condition(pod, "Ready")!["reason"]!.GetValue<string>());
        await Eventually.TrueAsync(() => Task.FromResult(!h.Sandboxes.Exists(ObjectMeta.Uid(pod))), "sandbox of the terminal pod removed");
    }

    [Theory]
    [InlineData("Always", 0)]
    [InlineData("OnFailure", 1)]
    public async Task Pod_CrashingContainer_RestartsThenShowsCrashLoopBackOff(string restartPolicy, int exitCode)
    {
        await using var h = new AgentHarness(api);
        await h.StartAsync();
        await h.CreatePodAsync("crash", $$"""[{"name":"c","image":"busybox","command":["sh","-c","echo run; exit {{exitCode}}"]}]""", restartPolicy);
        var pod = await h.WaitPodAsync("crash", p => p["status"]?["containerStatuses"]?[0]?["state"]?["waiting"]?["reason"]?.GetValue<string>() == "CrashLoopBackOff", "CrashLoopBackOff");
        var cs = AgentHarness.ContainerStatus(pod);
        Assert.Equal("Running", Phase(pod));
        Assert.Equal(1, cs["restartCount"]!.GetValue<int>()); // the first restart is immediate, the second waits 10s
        Assert.Equal($"back-off 10s restarting failed container=c pod=crash_{h.Namespace}({ObjectMeta.Uid(pod)})", cs["state"]!["waiting"]!["message"]!.GetValue<string>());
        var last = cs["lastState"]!["terminated"]!;
        Assert.Equal(exitCode, last["exitCode"]!.GetValue<int>());
        Assert.Equal(exitCode == 0 ? "Completed" : "Error", last["reason"]!.GetValue<string>());
        Assert.True(File.Exists(h.LogPath(pod, "c", 0)), "previous run's log kept");
        Assert.Contains("stdout F run", File.ReadAllText(h.LogPath(pod, "c", 1)));
        Assert.Equal(h.LogPath(pod, "c", 0), h.Agent!.Streams.LogPath(h.Namespace, "crash", "c", previous: true));
        Assert.Contains(await h.EventsOnceAsync("crash", e => e["reason"]!.GetValue<string>() == "BackOff", "BackOff"), e => e["reason"]!.GetValue<string>() == "BackOff"
            && e["message"]!.GetValue<string>() == $"Back-off restarting failed container c in pod crash_{h.Namespace}({ObjectMeta.Uid(pod)})");
    }

    [Fact]
    public async Task Pod_InitContainers_RunInOrderBeforeContainers()
    {
        await using var h = new AgentHarness(api);
        await h.StartAsync();
        var marker = Path.Combine(h.TempDir, "order");
        await h.CreatePodAsync("init", $$"""[{"name":"main","image":"busybox","command":["sh","-c","echo main >> {{marker}}; sleep 60"]}]""",
            extraSpec: $$"""
                "initContainers":[{"name":"one","image":"busybox","command":["sh","-c","sleep 0.3; echo one >> {{marker}}"]},
                                  {"name":"two","image":"busybox","command":["sh","-c","echo two >> {{marker}}"]}],
                """);
        var pending = await h.WaitPodAsync("init", p => AgentHarness.ConditionStatus(p, "Initialized") == "False", "initializing");
        Assert.Equal("Pending", Phase(pending));
        Assert.Equal("containers with incomplete status: [one two]", AgentHarness.Condition(pending, "Initialized")!["message"]!.GetValue<string>());
        var pod = await h.WaitPodAsync("init", p => AgentHarness.ConditionStatus(p, "Ready") == "True", "Ready");
        Assert.Equal("True", AgentHarness.ConditionStatus(pod, "Initialized"));
        Assert.Equal("Completed", pod["status"]!["initContainerStatuses"]![1]!["state"]!["terminated"]!["reason"]!.GetValue<string>());
        await Eventually.TrueAsync(() => Task.FromResult(File.Exists(marker) && File.ReadAllLines(marker).Length == 3), "main ran");
        Assert.Equal(["one", "two", "main"], File.ReadAllLines(marker));
    }

    [Fact]
    public async Task Delete_RunningPod_SendsSigtermThenRemovesPod()
    {
        await using var h = new AgentHarness(api);
        await h.StartAsync();
        var marker = Path.Combine(h.TempDir, "term");
        await h.CreatePodAsync("graceful", $$"""[{"name":"c","image":"busybox","command":["sh","-c","trap 'echo TERM > {{marker}}; exit 0' TERM; while true; do sleep 0.1; done"]}]""");
        var pod = await h.WaitPodAsync("graceful", p => Phase(p) == "Running", "Running");

        await h.Client.DeleteAsync(BuiltinResources.Pod, h.Namespace, "graceful");
        await Eventually.TrueAsync(async () => await h.GetPodAsync("graceful") is null, "pod deleted", 10);
        Assert.Equal("TERM", File.ReadAllText(marker).Trim());
        Assert.Contains(ObjectMeta.Uid(pod), h.Sandboxes.Removed);
        await Eventually.TrueAsync(() => Task.FromResult(!Directory.Exists(Path.Combine(h.Node.StateDir, "pods", ObjectMeta.Uid(pod)))), "pod state removed", 5);
        Assert.Contains(await h.EventsOnceAsync("graceful", e => e["reason"]!.GetValue<string>() == "Killing", "Killing"), e => e["reason"]!.GetValue<string>() == "Killing" && e["message"]!.GetValue<string>() == "Stopping container c");
    }

    [Fact]
    public async Task Delete_ContainerIgnoringSigterm_IsKilledAfterGracePeriod()
    {
        await using var h = new AgentHarness(api);
        await h.StartAsync();
        await h.CreatePodAsync("stubborn", """[{"name":"c","image":"busybox","command":["sh","-c","trap '' TERM; while true; do sleep 0.1; done"]}]""");
        await h.WaitPodAsync("stubborn", p => Phase(p) == "Running", "Running");
        var started = DateTime.UtcNow;
        await h.Client.DeleteAsync(BuiltinResources.Pod, h.Namespace, "stubborn", new DeleteOptions { GracePeriodSeconds = 1 });
        await Eventually.TrueAsync(async () => await h.GetPodAsync("stubborn") is null, "pod deleted", 10);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(1), "waited for the grace period");
    }
}
