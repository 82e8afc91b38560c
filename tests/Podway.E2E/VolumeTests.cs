namespace Podway.E2E;

/// <summary>Pod volumes (issue 11): ConfigMaps into nginx's conf.d and html with live updates, Secrets, emptyDir, downwardAPI, fsGroup.</summary>
[Collection("cluster")]
public sealed class VolumeTests(ClusterFixture cluster)
{
    Task<ProcessResult> ExecAsync(string ns, string pod, string script, string? container = null) =>
        container is null
            ? cluster.KubectlAsync("exec", "-n", ns, pod, "--", "sh", "-c", script)
            : cluster.KubectlAsync("exec", "-n", ns, pod, "-c", container, "--", "sh", "-c", script);

    [Fact]
    public async Task ConfigMap_IntoNginxConfDAndHtml_ChangesWhatItServesAndUpdatesReachThePod()
    {
        var ns = await cluster.NewNamespaceAsync("cmvol");
        await cluster.ApplyAsync(ns, """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: site}
            data:
              default.conf: |
                server {
                    listen 8080;
                    location / { root /usr/share/nginx/html; }
                    location /healthz { return 200 "configured-by-configmap\n"; }
                }
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: page}
            data:
              index.html: "version one\n"
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
              - name: nginx
                image: nginx
                volumeMounts:
                - {name: site, mountPath: /etc/nginx/conf.d}
                - {name: page, mountPath: /usr/share/nginx/html}
              volumes:
              - {name: site, configMap: {name: site}}
              - {name: page, configMap: {name: page}}
            """);
        await cluster.WaitPodReadyAsync(ns, "web");
        Assert.Equal("configured-by-configmap", (await ExecAsync(ns, "web", "curl -s http://localhost:8080/healthz")).Stdout.Trim());
        Assert.Equal("version one", (await ExecAsync(ns, "web", "curl -s http://localhost:8080/")).Stdout.Trim());
        // Read-only, as the kubelet mounts ConfigMaps.
        Assert.NotEqual(0, (await ExecAsync(ns, "web", "echo x > /usr/share/nginx/html/index.html")).ExitCode);

        var patch = await cluster.KubectlAsync("patch", "configmap", "page", "-n", ns, "--type=merge", "-p", """{"data":{"index.html":"version two\n"}}""");
        Assert.True(patch.ExitCode == 0, patch.ToString());
        await Eventually.ValueAsync(() => ExecAsync(ns, "web", "curl -s http://localhost:8080/"), r => r.Stdout.Trim() == "version two",
            "the ConfigMap update to reach the running Pod", seconds: 90);
        var listing = await ExecAsync(ns, "web", "ls -la /usr/share/nginx/html/");
        Assert.Contains("..data ->", listing.Stdout);
        Assert.Contains("index.html -> ..data/index.html", listing.Stdout);
    }

    [Fact]
    public async Task SecretEmptyDirAndDownwardApi_AreMountedWithModesGroupsAndSharing()
    {
        var ns = await cluster.NewNamespaceAsync("vols");
        await cluster.ApplyAsync(ns, """
            apiVersion: v1
            kind: Secret
            metadata: {name: creds}
            stringData: {password: s3cr3t, user: admin}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: app, labels: {tier: backend}}
            spec:
              securityContext: {runAsUser: 1000, fsGroup: 2000}
              containers:
              - name: writer
                image: busybox
                command: ["sh", "-c", "echo from-writer > /shared/note; sleep 3600"]
                volumeMounts:
                - {name: shared, mountPath: /shared}
                - {name: creds, mountPath: /etc/creds}
                - {name: info, mountPath: /etc/podinfo}
                - {name: scratch, mountPath: /scratch}
              - name: reader
                image: busybox
                command: ["sleep", "3600"]
                volumeMounts:
                - {name: shared, mountPath: /data}
                - {name: creds, mountPath: /etc/password, subPath: password}
              volumes:
              - {name: shared, emptyDir: {}}
              - {name: scratch, emptyDir: {medium: Memory, sizeLimit: 16Mi}}
              - name: creds
                secret:
                  secretName: creds
                  defaultMode: 0440
                  items: [{key: password, path: password}]
              - name: info
                downwardAPI:
                  items:
                  - {path: labels, fieldRef: {fieldPath: metadata.labels}}
                  - {path: name, fieldRef: {fieldPath: metadata.name}}
            """);
        await cluster.WaitPodReadyAsync(ns, "app");
        Assert.Equal("from-writer", (await ExecAsync(ns, "app", "cat /data/note", "reader")).Stdout.Trim());
        Assert.Equal("s3cr3t", (await ExecAsync(ns, "app", "cat /etc/creds/password", "writer")).Stdout.Trim());
        Assert.Equal("s3cr3t", (await ExecAsync(ns, "app", "cat /etc/password", "reader")).Stdout.Trim());
        Assert.NotEqual(0, (await ExecAsync(ns, "app", "test -e /etc/creds/user", "writer")).ExitCode);
        // defaultMode 0440 and fsGroup 2000: readable by the Pod's user through its group.
        Assert.Matches(@"^-r--r-----\s+\d+\s+\S+\s+2000\s", (await ExecAsync(ns, "app", "ls -lnL /etc/creds/password", "writer")).Stdout);
        Assert.Equal("tier=\"backend\"", (await ExecAsync(ns, "app", "cat /etc/podinfo/labels", "writer")).Stdout.Trim());
        Assert.Equal("app", (await ExecAsync(ns, "app", "cat /etc/podinfo/name", "writer")).Stdout.Trim());
        Assert.Contains("tmpfs", (await ExecAsync(ns, "app", "grep ' /scratch ' /proc/mounts", "writer")).Stdout);
        // The volume is the Pod's alone: another Pod does not see it.
        await cluster.ApplyAsync(ns, """
            apiVersion: v1
            kind: Pod
            metadata: {name: other}
            spec:
              containers: [{name: c, image: busybox, command: ["sleep", "3600"]}]
            """);
        await cluster.WaitPodReadyAsync(ns, "other");
        Assert.NotEqual(0, (await ExecAsync(ns, "other", "cat /data/note /shared/note")).ExitCode);
    }

    [Fact]
    public async Task MissingConfigMap_PodWaitsInContainerCreatingWithFailedMount()
    {
        var ns = await cluster.NewNamespaceAsync("novol");
        await cluster.ApplyAsync(ns, """
            apiVersion: v1
            kind: Pod
            metadata: {name: waits}
            spec:
              containers: [{name: c, image: busybox, command: ["sleep", "3600"], volumeMounts: [{name: cfg, mountPath: /cfg}]}]
              volumes: [{name: cfg, configMap: {name: not-there}}]
            """);
        var events = await Eventually.ValueAsync(() => cluster.KubectlAsync("get", "events", "-n", ns, "--field-selector", "reason=FailedMount"),
            r => r.Stdout.Contains("configmap \"not-there\" not found"), "a FailedMount event");
        Assert.Contains("MountVolume.SetUp failed for volume \"cfg\"", events.Stdout);
        Assert.Contains("ContainerCreating", (await cluster.KubectlAsync("get", "pod", "-n", ns, "waits")).Stdout);
        await cluster.ApplyAsync(ns, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: not-there}\ndata: {k: v}\n");
        await cluster.WaitPodReadyAsync(ns, "waits");
        Assert.Equal("v", (await ExecAsync(ns, "waits", "cat /cfg/k")).Stdout.Trim());
    }
}
