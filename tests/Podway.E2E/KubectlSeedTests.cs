namespace Podway.E2E;

/// <summary>The seed manifests and the commands the seeds use, verbatim, with the machine's kubectl.</summary>
[Collection("cluster")]
public sealed class KubectlSeedTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Apply_EverySeedManifest_IsAcceptedVerbatim()
    {
        var ns = await cluster.KubectlAsync("create", "namespace", "shop");
        Assert.True(ns.ExitCode == 0 || ns.Stderr.Contains("AlreadyExists"), ns.ToString());
        foreach (var file in Directory.GetFiles(Paths.Manifests, "*.yaml").Order())
        {
            var result = await cluster.KubectlAsync("apply", "-f", file);
            Assert.True(result.ExitCode == 0, $"{Path.GetFileName(file)}: {result}");
            Assert.Matches("(created|configured|unchanged)", result.Stdout);
        }
        // The seeds' policies (a default deny in `default` among them) would cut off the Pods other tests of this
        // shared cluster reach in `default`, such as the older demo.local Ingress; the netpol suite enforces them.
        foreach (var file in Directory.GetFiles(Paths.Manifests, "*netpol*.yaml"))
            Assert.Equal(0, (await cluster.KubectlAsync("delete", "-f", file, "--ignore-not-found")).ExitCode);
    }

    [Fact]
    public async Task GetAcrossKinds_AfterWebAll_ShowsEveryObject()
    {
        var apply = await cluster.KubectlAsync("apply", "-f", Path.Combine(Paths.Manifests, "000-web-all.yaml"));
        Assert.True(apply.ExitCode == 0, apply.ToString());
        var get = await cluster.KubectlAsync("get", "deploy,rs,pod,svc,endpoints,ingress");
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Contains("deployment.apps/web", get.Stdout);
        Assert.Contains("service/web", get.Stdout);
        Assert.Contains("ingress.networking.k8s.io/web", get.Stdout);
        Assert.Contains("service/kubernetes", get.Stdout);
        Assert.Matches(@"service/web\s+ClusterIP\s+10\.\d+\.\d+\.\d+\s+<none>\s+80/TCP", get.Stdout);
        Assert.Matches(@"ingress.networking.k8s.io/web\s+nginx\s+demo\.local", get.Stdout);
    }

    [Fact]
    public async Task Reapply_AfterEdit_SaysConfigured_AndUnchangedOtherwise()
    {
        var dir = Directory.CreateTempSubdirectory("podway-e2e-");
        try
        {
            var file = Path.Combine(dir.FullName, "svc.yaml");
            var original = await File.ReadAllTextAsync(Path.Combine(Paths.Manifests, "001-service-web-8080.yaml"));
            var renamed = original.Replace("name: web", "name: web-reapply");
            await File.WriteAllTextAsync(file, renamed);
            Assert.Contains("created", (await cluster.KubectlAsync("apply", "-f", file)).Stdout);
            Assert.Contains("unchanged", (await cluster.KubectlAsync("apply", "-f", file)).Stdout);

            await File.WriteAllTextAsync(file, renamed.Replace("targetPort: 8080", "targetPort: 9090"));
            var edited = await cluster.KubectlAsync("apply", "-f", file);
            Assert.True(edited.ExitCode == 0, edited.ToString());
            Assert.Contains("service/web-reapply configured", edited.Stdout);
            var port = await cluster.KubectlAsync("get", "svc", "web-reapply", "-o", "jsonpath={.spec.ports[0].targetPort}");
            Assert.Equal("9090", port.Stdout.Trim());
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public async Task ScaleDescribeDelete_Deployment_BehaveAsOnARealCluster()
    {
        var manifest = (await File.ReadAllTextAsync(Path.Combine(Paths.Manifests, "000-deployment-web.yaml"))).Replace("name: web", "name: web-sdd");
        Assert.Equal(0, (await cluster.KubectlStdinAsync(manifest, "apply", "-f", "-")).ExitCode);

        var scale = await cluster.KubectlAsync("scale", "deployment/web-sdd", "--replicas=5");
        Assert.True(scale.ExitCode == 0, scale.ToString());
        Assert.Contains("deployment.apps/web-sdd scaled", scale.Stdout);
        Assert.Equal("5", (await cluster.KubectlAsync("get", "deploy", "web-sdd", "-o", "jsonpath={.spec.replicas}")).Stdout.Trim());

        var describe = await cluster.KubectlAsync("describe", "deployment", "web-sdd");
        Assert.True(describe.ExitCode == 0, describe.ToString());
        Assert.Matches(@"Name:\s+web-sdd", describe.Stdout);
        Assert.Matches(@"Replicas:\s+5 desired", describe.Stdout);
        Assert.Contains("RollingUpdate", describe.Stdout);

        var delete = await cluster.KubectlAsync("delete", "deployment", "web-sdd");
        Assert.True(delete.ExitCode == 0, delete.ToString());
        Assert.Contains("deployment.apps \"web-sdd\" deleted", delete.Stdout);
        var gone = await cluster.KubectlAsync("get", "deployment", "web-sdd");
        Assert.NotEqual(0, gone.ExitCode);
        Assert.Contains("Error from server (NotFound): deployments.apps \"web-sdd\" not found", gone.Stderr);
    }

    [Fact]
    public async Task Apply_InvalidDeployment_Gets422WithFieldPath()
    {
        const string bad = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: bad-selector
            spec:
              selector:
                matchLabels:
                  app: one
              template:
                metadata:
                  labels:
                    app: two
                spec:
                  containers:
                    - name: c
                      image: nginx
            """;
        var result = await cluster.KubectlStdinAsync(bad, "apply", "-f", "-");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("The Deployment \"bad-selector\" is invalid", result.Stderr);
        Assert.Contains("spec.template.metadata.labels: Invalid value", result.Stderr);
        Assert.Contains("NotFound", (await cluster.KubectlAsync("get", "deploy", "bad-selector")).Stderr);
    }

    [Fact]
    public async Task Create_Duplicate_IsAlreadyExists()
    {
        Assert.Equal(0, (await cluster.KubectlAsync("create", "configmap", "dup-cm", "--from-literal=a=b")).ExitCode);
        var again = await cluster.KubectlAsync("create", "configmap", "dup-cm", "--from-literal=a=b");
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("error: failed to create configmap: configmaps \"dup-cm\" already exists", again.Stderr);

        var file = Path.Combine(Paths.Manifests, "000-pod-demo.yaml");
        Assert.Equal(0, (await cluster.KubectlAsync("create", "-f", file, "-n", "kube-public")).ExitCode);
        var fromFile = await cluster.KubectlAsync("create", "-f", file, "-n", "kube-public");
        Assert.Contains($"Error from server (AlreadyExists): error when creating \"{file}\": pods \"demo\" already exists", fromFile.Stderr);
    }
}
