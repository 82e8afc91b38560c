using System.Text.Json.Nodes;

namespace Podway.E2E;

/// <summary>
/// Containers for real (issue 11): what a user tries from inside a Pod to reach the host, the cluster's secrets or
/// another Pod fails; securityContext users, capabilities, read-only roots and memory limits do what Kubernetes says;
/// the built-in images keep their files where the real images have them.
/// </summary>
[Collection("cluster")]
public sealed class IsolationTests(ClusterFixture cluster)
{
    async Task<string> RunPodAsync(string ns, string yaml, string name)
    {
        var apply = await cluster.KubectlStdinAsync(yaml, "apply", "-n", ns, "-f", "-");
        Assert.True(apply.ExitCode == 0, apply.ToString());
        var wait = await cluster.KubectlAsync("wait", "-n", ns, "--for=condition=Ready", $"pod/{name}", "--timeout=90s");
        Assert.True(wait.ExitCode == 0, wait.ToString());
        return name;
    }

    static string Pod(string name, string image, string command, string extra = "", string podExtra = "") => $$"""
        apiVersion: v1
        kind: Pod
        metadata: {name: {{name}}}
        spec:
          terminationGracePeriodSeconds: 1
        {{podExtra}}
          containers:
          - name: c
            image: {{image}}
            command: ["sh", "-c", {{System.Text.Json.JsonSerializer.Serialize(command)}}]
        {{extra}}
        """;

    Task<ProcessResult> ExecAsync(string ns, string pod, string script) => cluster.KubectlAsync("exec", "-n", ns, pod, "--", "sh", "-c", script);

    [Fact]
    public async Task Escapes_FromInsideAPod_AllFail()
    {
        var ns = await cluster.NewNamespaceAsync("escape");
        await RunPodAsync(ns, Pod("other", "busybox", "echo other-secret > /tmp/secret; sleep 3600"), "other");
        await RunPodAsync(ns, Pod("intruder", "busybox", "sleep 3600"), "intruder");
        var hostMarker = Path.Combine("/tmp", $"podway-e2e-host-file-{Guid.NewGuid():N}");
        File.WriteAllText(hostMarker, "host-secret");
        try
        {
            var serverPid = File.ReadAllText(Path.Combine(cluster.DataDir, "podway.pid")).Trim();
            string[] attempts =
            [
                $"cat {cluster.DataDir}/pki/ca.key",
                $"cat {cluster.DataDir}/pki/admin.token",
                $"ls {cluster.DataDir}",
                $"cat {cluster.DataDir}/store.db",
                "cat /etc/shadow",
                $"cat {hostMarker}",
                "cat /tmp/secret",
                $"kill -0 {serverPid}",
                $"ls /proc/{serverPid}",
            ];
            foreach (var attempt in attempts)
            {
                var r = await ExecAsync(ns, "intruder", attempt);
                Assert.True(r.ExitCode != 0, $"`{attempt}` succeeded inside a Pod:\n{r}");
                Assert.DoesNotContain("secret", r.Stdout);
            }
            // Only the Pod's own processes, and none of the host's private directories' contents.
            var ps = await ExecAsync(ns, "intruder", "ps -e -o pid,args");
            Assert.DoesNotContain("podway", ps.Stdout);
            Assert.Contains("sleep 3600", ps.Stdout);
            Assert.All(ps.Stdout.Trim().Split('\n').Skip(1), line => Assert.Matches(@"sleep 3600|ps -e -o pid,args", line));
            var dirs = await ExecAsync(ns, "intruder", "ls -A /root /home /var/lib /run /tmp");
            Assert.True(dirs.ExitCode == 0, dirs.ToString());
            Assert.Empty(dirs.Stdout.Split('\n').Where(l => l.Length > 0 && !l.EndsWith(':')));
            // Writes stay in the container: the other Pod still has its file, the host none.
            Assert.Equal(0, (await ExecAsync(ns, "intruder", "echo mine > /tmp/secret")).ExitCode);
            Assert.Equal("other-secret", (await ExecAsync(ns, "other", "cat /tmp/secret")).Stdout.Trim());
        }
        finally { File.Delete(hostMarker); }
    }

    [Fact]
    public async Task SecurityContext_RunAsUserReadOnlyRootAndDroppedCapability_AreEnforced()
    {
        var ns = await cluster.NewNamespaceAsync("secctx");
        await RunPodAsync(ns, Pod("user", "busybox", "sleep 3600",
            "    securityContext: {runAsUser: 1000, runAsGroup: 3000}", "  securityContext: {supplementalGroups: [4000]}"), "user");
        var id = await ExecAsync(ns, "user", "id");
        Assert.Matches(@"uid=1000\b.*gid=3000\b.*groups=.*4000", id.Stdout);
        Assert.NotEqual(0, (await ExecAsync(ns, "user", "touch /etc/passwd")).ExitCode);

        await RunPodAsync(ns, Pod("readonly", "busybox", "sleep 3600", "    securityContext: {readOnlyRootFilesystem: true}"), "readonly");
        var write = await ExecAsync(ns, "readonly", "echo x > /tmp/x");
        Assert.NotEqual(0, write.ExitCode);
        Assert.Contains("Read-only file system", write.Stderr);

        await RunPodAsync(ns, Pod("raw", "busybox", "sleep 3600"), "raw");
        await RunPodAsync(ns, Pod("noraw", "busybox", "sleep 3600", "    securityContext: {capabilities: {drop: [NET_RAW]}}"), "noraw");
        Assert.Equal(0, (await ExecAsync(ns, "raw", "ping -c 1 -W 2 127.0.0.1")).ExitCode);
        var ping = await ExecAsync(ns, "noraw", "ping -c 1 -W 2 127.0.0.1");
        Assert.NotEqual(0, ping.ExitCode);
        Assert.Contains("Operation not permitted", ping.Stderr);
    }

    [Fact]
    public async Task RunAsNonRoot_WithARootImage_IsCreateContainerConfigError()
    {
        var ns = await cluster.NewNamespaceAsync("nonroot");
        var apply = await cluster.KubectlStdinAsync(Pod("root", "busybox", "sleep 3600", "    securityContext: {runAsNonRoot: true}"), "apply", "-n", ns, "-f", "-");
        Assert.True(apply.ExitCode == 0, apply.ToString());
        var waiting = await Eventually.ValueAsync(
            async () => JsonNode.Parse((await cluster.KubectlAsync("get", "pod", "-n", ns, "root", "-o", "json")).Stdout)?["status"]?["containerStatuses"]?[0]?["state"]?["waiting"],
            w => w?["reason"]?.GetValue<string>() == "CreateContainerConfigError", "CreateContainerConfigError");
        Assert.StartsWith("container has runAsNonRoot and image will run as root (pod: \"root_" + ns, waiting!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task MemoryLimit_Exceeded_IsOOMKilledWithExitCode137()
    {
        var ns = await cluster.NewNamespaceAsync("oom");
        // dd reads into one 64 MiB buffer.
        var apply = await cluster.KubectlStdinAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: hog}
            spec:
              restartPolicy: Never
              containers:
              - name: c
                image: busybox
                command: ["dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"]
                resources: {limits: {memory: 32Mi}}
            """, "apply", "-n", ns, "-f", "-");
        Assert.True(apply.ExitCode == 0, apply.ToString());
        var terminated = await Eventually.ValueAsync(
            async () => JsonNode.Parse((await cluster.KubectlAsync("get", "pod", "-n", ns, "hog", "-o", "json")).Stdout)?["status"]?["containerStatuses"]?[0]?["state"]?["terminated"],
            t => t is not null, "the container to end");
        Assert.Equal("OOMKilled", terminated!["reason"]!.GetValue<string>());
        Assert.Equal(137, terminated["exitCode"]!.GetValue<int>());
    }

    [Fact]
    public async Task ShareProcessNamespace_ContainersSeeEachOtherOnlyWhenShared()
    {
        var ns = await cluster.NewNamespaceAsync("pidns");
        foreach (var (name, shared) in new[] { ("shared", true), ("apart", false) })
        {
            var yaml = $$"""
                apiVersion: v1
                kind: Pod
                metadata: {name: {{name}}}
                spec:
                  shareProcessNamespace: {{shared.ToString().ToLowerInvariant()}}
                  terminationGracePeriodSeconds: 1
                  containers:
                  - {name: a, image: busybox, command: ["sleep", "3601"]}
                  - {name: b, image: busybox, command: ["sleep", "3602"]}
                """;
            await RunPodAsync(ns, yaml, name);
            var ps = await cluster.KubectlAsync("exec", "-n", ns, name, "-c", "a", "--", "ps", "-e", "-o", "args");
            Assert.Contains("sleep 3601", ps.Stdout);
            Assert.Equal(shared, ps.Stdout.Contains("sleep 3602"));
        }
    }

    [Fact]
    public async Task BuiltinImages_HaveTheirFilesWhereTheRealImagesDo()
    {
        var ns = await cluster.NewNamespaceAsync("images");
        await RunPodAsync(ns, """
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers: [{name: nginx, image: nginx}]
            """, "web");
        await RunPodAsync(ns, """
            apiVersion: v1
            kind: Pod
            metadata: {name: ag}
            spec:
              containers: [{name: agnhost, image: "registry.k8s.io/e2e-test-images/agnhost:2.52", args: ["netexec", "--http-port=8080"]}]
            """, "ag");

        // nginx: the official welcome page and config, served by Debian's nginx; an edit shows at once.
        var page = await ExecAsync(ns, "web", "curl -s http://localhost/");
        Assert.Contains("<title>Welcome to nginx!</title>", page.Stdout);
        Assert.Equal(615, System.Text.Encoding.UTF8.GetByteCount(page.Stdout));
        Assert.Contains("include /etc/nginx/conf.d/*.conf;", (await ExecAsync(ns, "web", "cat /etc/nginx/nginx.conf")).Stdout);
        Assert.Equal(0, (await ExecAsync(ns, "web", "echo edited-page > /usr/share/nginx/html/index.html")).ExitCode);
        Assert.Equal("edited-page", (await ExecAsync(ns, "web", "curl -s http://localhost/")).Stdout.Trim());
        var logs = await cluster.KubectlAsync("logs", "-n", ns, "web");
        Assert.Matches(@"127\.0\.0\.1 - - \[[^\]]+\] ""GET / HTTP/1\.1"" 200 615 ""-"" ""curl/[^""]*"" ""-""", logs.Stdout);

        // agnhost: /agnhost is there for `kubectl exec`, as upstream's network policy tests use it.
        var webIp = (await cluster.KubectlAsync("get", "pod", "-n", ns, "web", "-o", "jsonpath={.status.podIP}")).Stdout.Trim();
        var connect = await cluster.KubectlAsync("exec", "-n", ns, "ag", "--", "/agnhost", "connect", $"{webIp}:80", "--timeout=5s");
        Assert.True(connect.ExitCode == 0, connect.ToString());
        var refused = await cluster.KubectlAsync("exec", "-n", ns, "ag", "--", "/agnhost", "connect", $"{webIp}:81", "--timeout=5s");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("REFUSED", refused.Stderr);
    }
}
