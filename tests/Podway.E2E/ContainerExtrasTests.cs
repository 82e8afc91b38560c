namespace Podway.E2E;

/// <summary>
/// What a user of real kubectl sees of the kubelet's extras: logs of finished containers, Service environment
/// variables, and kubectl debug's ephemeral containers.
/// </summary>
[Collection("cluster")]
public sealed class ContainerExtrasTests(ClusterFixture cluster)
{
    async Task WaitPhaseAsync(string ns, string pod, string phase)
    {
        var wait = await cluster.KubectlAsync("wait", "-n", ns, $"--for=jsonpath={{.status.phase}}={phase}", $"pod/{pod}", "--timeout=90s");
        Assert.True(wait.ExitCode == 0, wait.ToString());
    }

    [Fact]
    public async Task Logs_SucceededFailedAndRestartedContainers_ShowTheirOutput()
    {
        var ns = await cluster.NewNamespaceAsync("donelogs");
        Assert.Equal(0, (await cluster.KubectlAsync("run", "hello", "-n", ns, "--image=busybox", "--restart=Never", "--", "echo", "hi")).ExitCode);
        Assert.Equal(0, (await cluster.KubectlAsync("run", "sad", "-n", ns, "--image=busybox", "--restart=Never", "--", "sh", "-c", "echo bye; exit 2")).ExitCode);
        Assert.Equal(0, (await cluster.KubectlAsync("run", "loop", "-n", ns, "--image=busybox", "--", "sh", "-c", "echo run; exit 1")).ExitCode);
        await WaitPhaseAsync(ns, "hello", "Succeeded");
        await WaitPhaseAsync(ns, "sad", "Failed");

        var hello = await cluster.KubectlAsync("logs", "-n", ns, "hello");
        Assert.True(hello.ExitCode == 0, hello.ToString());
        Assert.Equal("hi", hello.Stdout.Trim());
        var sad = await cluster.KubectlAsync("logs", "-n", ns, "pod/sad");
        Assert.True(sad.ExitCode == 0, sad.ToString());
        Assert.Equal("bye", sad.Stdout.Trim());

        await Eventually.ValueAsync(() => cluster.PodJsonPathAsync(ns, "loop", "{.status.containerStatuses[0].restartCount}"), n => n is not ("" or "0"), "a restart");
        var previous = await cluster.KubectlAsync("logs", "-n", ns, "loop", "--previous");
        Assert.True(previous.ExitCode == 0, previous.ToString());
        Assert.Equal("run", previous.Stdout.Trim());
    }

    [Fact]
    public async Task Env_ServicesOfTheNamespace_AppearAsServiceVariablesUnlessLinksAreOff()
    {
        var ns = await cluster.NewNamespaceAsync("svcenv");
        Assert.Equal(0, (await cluster.KubectlAsync("create", "service", "clusterip", "my-web", "-n", ns, "--tcp=80:8080")).ExitCode);
        var ip = (await cluster.KubectlAsync("get", "svc", "my-web", "-n", ns, "-o", "jsonpath={.spec.clusterIP}")).Stdout.Trim();
        Assert.NotEqual("", ip);
        Assert.Equal(0, (await cluster.KubectlAsync("run", "links", "-n", ns, "--image=busybox", "--restart=Never", "--", "env")).ExitCode);
        Assert.Equal(0, (await cluster.KubectlAsync("run", "nolinks", "-n", ns, "--image=busybox", "--restart=Never",
            "--overrides={\"spec\":{\"enableServiceLinks\":false}}", "--", "env")).ExitCode);
        await WaitPhaseAsync(ns, "links", "Succeeded");
        await WaitPhaseAsync(ns, "nolinks", "Succeeded");

        var links = (await cluster.KubectlAsync("logs", "-n", ns, "links")).Stdout.Split('\n').Select(l => l.Trim()).ToList();
        Assert.Contains($"MY_WEB_SERVICE_HOST={ip}", links);
        Assert.Contains("MY_WEB_SERVICE_PORT=80", links);
        Assert.Contains("MY_WEB_SERVICE_PORT_80_8080=80", links); // kubectl create service names the port "80-8080"
        Assert.Contains($"MY_WEB_PORT=tcp://{ip}:80", links);
        Assert.Contains($"MY_WEB_PORT_80_TCP_ADDR={ip}", links);
        Assert.Contains("KUBERNETES_SERVICE_HOST=10.96.0.1", links);
        Assert.Contains("KUBERNETES_SERVICE_PORT=443", links);

        var noLinks = (await cluster.KubectlAsync("logs", "-n", ns, "nolinks")).Stdout;
        Assert.DoesNotContain("MY_WEB_", noLinks);
        Assert.Contains("KUBERNETES_SERVICE_HOST=10.96.0.1", noLinks);
    }

    [Fact]
    public async Task Debug_EphemeralContainerWithTarget_RunsItsShellAndIsReportedInStatus()
    {
        var ns = await cluster.NewNamespaceAsync("debug");
        Assert.Equal(0, (await cluster.KubectlAsync("run", "web", "-n", ns, "--image=nginx")).ExitCode);
        var ready = await cluster.KubectlAsync("wait", "-n", ns, "--for=condition=Ready", "pod/web", "--timeout=90s");
        Assert.True(ready.ExitCode == 0, ready.ToString());

        var debug = await cluster.KubectlStdinAsync("echo inside $(hostname); ps -o pid,args; exit 0\n",
            "debug", "-i", "-n", ns, "web", "--image=busybox", "--target=web", "-c", "dbg", "--", "sh");
        Assert.True(debug.ExitCode == 0, debug.ToString());
        Assert.Contains("inside web", debug.Stdout);
        Assert.Contains("nginx: master process", debug.Stdout); // --target: the debugger sees the target's processes
        Assert.Equal("web", await cluster.PodJsonPathAsync(ns, "web", "{.spec.ephemeralContainers[0].targetContainerName}"));
        var exitCode = await Eventually.ValueAsync(() => cluster.PodJsonPathAsync(ns, "web", "{.status.ephemeralContainerStatuses[0].state.terminated.exitCode}"),
            v => v != "", "the debugger's terminated state");
        Assert.Equal("0", exitCode);
        Assert.Equal("true", await cluster.PodJsonPathAsync(ns, "web", "{.status.containerStatuses[0].ready}"));
        var logs = await cluster.KubectlAsync("logs", "-n", ns, "web", "-c", "dbg");
        Assert.True(logs.ExitCode == 0, logs.ToString());
        Assert.Contains("inside web", logs.Stdout);

        var duplicate = await cluster.KubectlAsync("debug", "-n", ns, "web", "--image=busybox", "-c", "web");
        Assert.NotEqual(0, duplicate.ExitCode);
        Assert.Contains("Pod \"web\" is invalid: spec.ephemeralContainers[1].name: Duplicate value: \"web\"", duplicate.Stderr);
    }
}
