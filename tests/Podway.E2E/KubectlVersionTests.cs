namespace Podway.E2E;

/// <summary>The same core checks with every kubectl minor version installed here (1.27 through 1.33).</summary>
[Collection("cluster")]
public sealed class KubectlVersionTests(ClusterFixture cluster) : IDisposable
{
    readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("podway-v");

    public void Dispose() => _dir.Delete(recursive: true);

    [Theory]
    [InlineData("27")]
    [InlineData("28")]
    [InlineData("29")]
    [InlineData("30")]
    [InlineData("31")]
    [InlineData("32")]
    [InlineData("33")]
    public async Task CoreCommands_WithVersionedKubectl_Work(string minor)
    {
        var name = $"v1{minor}-web";
        var manifest = (await File.ReadAllTextAsync(Path.Combine(Paths.Manifests, "000-deployment-web.yaml"))).Replace("name: web", $"name: {name}");
        var file = Path.Combine(_dir.FullName, "d.yaml");
        await File.WriteAllTextAsync(file, manifest);
        var apply = await cluster.KubectlVersionAsync(minor, "apply", "-f", file);
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Contains($"deployment.apps/{name} created", apply.Stdout);

        var reapply = await cluster.KubectlVersionAsync(minor, "apply", "-f", file);
        Assert.Contains("unchanged", reapply.Stdout);

        var get = await cluster.KubectlVersionAsync(minor, "get", "deploy", name, "-o", "wide");
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Matches(@"NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR", get.Stdout);
        Assert.Contains("app=web", get.Stdout);

        Assert.Contains("scaled", (await cluster.KubectlVersionAsync(minor, "scale", "deploy", name, "--replicas=3")).Stdout);
        Assert.Equal("3", (await cluster.KubectlVersionAsync(minor, "get", "deploy", name, "-o", "jsonpath={.spec.replicas}")).Stdout.Trim());

        var describe = await cluster.KubectlVersionAsync(minor, "describe", "deploy", name);
        Assert.True(describe.ExitCode == 0, describe.ToString());

        var delete = await cluster.KubectlVersionAsync(minor, "delete", "deploy", name);
        Assert.True(delete.ExitCode == 0, delete.ToString());
        Assert.Contains("NotFound", (await cluster.KubectlVersionAsync(minor, "get", "deploy", name)).Stderr);
    }
}
