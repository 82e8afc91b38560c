namespace Podway.E2E;

/// <summary>postStart and preStop hooks and termination messages, as a user of kubectl sees them.</summary>
[Collection("cluster")]
public sealed class ContainerLifecycleTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Hooks_ExecAndHttpGet_RunAfterStartAndBeforeStop()
    {
        var ns = await cluster.NewNamespaceAsync("hooks");
        var hostDir = Directory.CreateDirectory(Path.Combine(Path.GetDirectoryName(cluster.DataDir)!, "hooks-" + ns)).FullName;
        Assert.Equal(0, (await cluster.KubectlAsync("run", "server", "-n", ns, "--image=nginx")).ExitCode);
        Assert.Equal(0, (await cluster.KubectlAsync("wait", "-n", ns, "--for=condition=Ready", "pod/server", "--timeout=90s")).ExitCode);
        var serverIp = await cluster.PodJsonPathAsync(ns, "server", "{.status.podIP}");

        await cluster.ApplyAsync(ns, $$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: hooked}
            spec:
              terminationGracePeriodSeconds: 5
              volumes:
              - name: host
                hostPath:
                  path: "{{hostDir}}"
              containers:
              - name: app
                image: busybox
                command: [sh, -c, "sleep 3600"]
                volumeMounts: [{name: host, mountPath: /host}]
                lifecycle:
                  postStart:
                    exec: {command: [sh, -c, "echo started > /host/poststart"]}
                  preStop:
                    exec: {command: [sh, -c, "echo stopping > /host/prestop"]}
              - name: caller
                image: busybox
                command: [sh, -c, "sleep 3600"]
                lifecycle:
                  postStart:
                    httpGet: {host: "{{serverIp}}", port: 80, path: /hello-from-poststart}
                  preStop:
                    httpGet: {host: "{{serverIp}}", port: 80, path: /bye-from-prestop}
            """);
        Assert.Equal(0, (await cluster.KubectlAsync("wait", "-n", ns, "--for=condition=Ready", "pod/hooked", "--timeout=90s")).ExitCode);
        Assert.Equal("started", File.ReadAllText(Path.Combine(hostDir, "poststart")).Trim());
        Assert.False(File.Exists(Path.Combine(hostDir, "prestop")));
        var served = await cluster.KubectlAsync("logs", "-n", ns, "server");
        Assert.Contains("GET /hello-from-poststart", served.Stdout);

        var delete = await cluster.KubectlAsync("delete", "pod", "hooked", "-n", ns, "--wait=true", "--timeout=60s");
        Assert.True(delete.ExitCode == 0, delete.ToString());
        Assert.Equal("stopping", File.ReadAllText(Path.Combine(hostDir, "prestop")).Trim());
        served = await cluster.KubectlAsync("logs", "-n", ns, "server");
        Assert.Contains("GET /bye-from-prestop", served.Stdout);
    }

    [Fact]
    public async Task PostStart_Failing_KillsTheContainerWithAnEvent()
    {
        var ns = await cluster.NewNamespaceAsync("poststartfail");
        await cluster.ApplyAsync(ns, """
            apiVersion: v1
            kind: Pod
            metadata: {name: bad}
            spec:
              containers:
              - name: app
                image: busybox
                command: [sh, -c, "sleep 3600"]
                lifecycle:
                  postStart:
                    exec: {command: [sh, -c, "echo nope; exit 3"]}
            """);
        var message = await Eventually.ValueAsync(async () => (await cluster.KubectlAsync("get", "events", "-n", ns,
                "--field-selector", "reason=FailedPostStartHook", "-o", "jsonpath={.items[0].message}")).Stdout,
            m => m.Length > 0, "a FailedPostStartHook event");
        Assert.Contains("Exec lifecycle hook ([sh -c echo nope; exit 3]) for Container \"app\" in Pod \"bad_", message);
        Assert.Contains("exited with 3", message);
        await Eventually.ValueAsync(() => cluster.PodJsonPathAsync(ns, "bad", "{.status.containerStatuses[0].restartCount}"), n => n is not ("" or "0"), "a restart");
        Assert.Equal("false", await cluster.PodJsonPathAsync(ns, "bad", "{.status.containerStatuses[0].ready}"));
    }

    [Fact]
    public async Task TerminationMessage_FromTheFile_OrFromTheLogOnError()
    {
        var ns = await cluster.NewNamespaceAsync("termmsg");
        await cluster.ApplyAsync(ns, """
            apiVersion: v1
            kind: Pod
            metadata: {name: file}
            spec:
              restartPolicy: Never
              securityContext: {runAsUser: 1000}
              containers:
              - name: app
                image: busybox
                command: [sh, -c, "printf 'all done' > /dev/termination-log"]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: custom}
            spec:
              restartPolicy: Never
              containers:
              - name: app
                image: busybox
                terminationMessagePath: /tmp/why
                command: [sh, -c, "printf 'custom path' > /tmp/why; exit 4"]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: fallback}
            spec:
              restartPolicy: Never
              containers:
              - name: app
                image: busybox
                terminationMessagePolicy: FallbackToLogsOnError
                command: [sh, -c, "echo first; echo it broke; exit 1"]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: quiet}
            spec:
              restartPolicy: Never
              containers:
              - name: app
                image: busybox
                command: [sh, -c, "echo only in logs; exit 1"]
            """);
        foreach (var pod in new[] { "file", "custom", "fallback", "quiet" })
            await Eventually.ValueAsync(() => cluster.PodJsonPathAsync(ns, pod, "{.status.containerStatuses[0].state.terminated.reason}"), r => r != "", $"{pod} to finish");

        Assert.Equal("all done", await cluster.PodJsonPathAsync(ns, "file", "{.status.containerStatuses[0].state.terminated.message}"));
        Assert.Equal("custom path", await cluster.PodJsonPathAsync(ns, "custom", "{.status.containerStatuses[0].state.terminated.message}"));
        Assert.Equal("first\nit broke", await cluster.PodJsonPathAsync(ns, "fallback", "{.status.containerStatuses[0].state.terminated.message}"));
        Assert.Equal("", await cluster.PodJsonPathAsync(ns, "quiet", "{.status.containerStatuses[0].state.terminated.message}"));
    }

    [Fact]
    public async Task EmptyDir_OverItsSizeLimit_GetsThePodEvicted()
    {
        var ns = await cluster.NewNamespaceAsync("evict");
        await cluster.ApplyAsync(ns, """
            apiVersion: v1
            kind: Pod
            metadata: {name: hog}
            spec:
              volumes: [{name: cache, emptyDir: {sizeLimit: 1Mi}}]
              containers:
              - name: app
                image: busybox
                command: [sh, -c, "head -c 4194304 /dev/zero > /cache/big; sleep 3600"]
                volumeMounts: [{name: cache, mountPath: /cache}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: modest}
            spec:
              volumes: [{name: cache, emptyDir: {sizeLimit: 8Mi}}]
              containers:
              - name: app
                image: busybox
                command: [sh, -c, "head -c 1048576 /dev/zero > /cache/small; sleep 3600"]
                volumeMounts: [{name: cache, mountPath: /cache}]
            """);
        await Eventually.ValueAsync(() => cluster.PodJsonPathAsync(ns, "hog", "{.status.phase}"), p => p == "Failed", "the hog to be evicted");
        Assert.Equal("Evicted", await cluster.PodJsonPathAsync(ns, "hog", "{.status.reason}"));
        Assert.Equal("Usage of EmptyDir volume \"cache\" exceeds the limit \"1Mi\".", await cluster.PodJsonPathAsync(ns, "hog", "{.status.message}"));
        Assert.Equal("True", await cluster.PodJsonPathAsync(ns, "hog", "{.status.conditions[?(@.type==\"DisruptionTarget\")].status}"));
        // The kubelet sends its events after the status they explain (queued): wait for it.
        await Eventually.ValueAsync(() => cluster.KubectlAsync("get", "events", "-n", ns, "--field-selector", "reason=Evicted", "-o", "jsonpath={.items[*].message}"),
            r => r.Stdout.Contains("exceeds the limit"), "the Evicted event");
        Assert.Equal("Running", await cluster.PodJsonPathAsync(ns, "modest", "{.status.phase}"));
    }
}
