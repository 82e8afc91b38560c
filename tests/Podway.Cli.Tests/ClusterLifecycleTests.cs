using System.Diagnostics;
using Podway.Cluster;
using Podway.Kubeconfig;
using Podway.Pki;

namespace Podway.Cli.Tests;

/// <summary>
/// status, kubeconfig and down against a data dir prepared the way `up` prepares it. The "server" is a
/// bash script named podway (so /proc/PID/cmdline reads `bash .../podway server --name dev --data-dir D`):
/// the real control plane is not needed to check which process podway recognises and stops.
/// </summary>
public sealed class ClusterLifecycleTests
{
    internal static ClusterPaths Prepare(TestCli cli, string userKubeconfigBefore, string? name = null, string? dataDir = null)
    {
        name ??= cli.Name;
        var paths = new ClusterPaths(name, dataDir ?? Path.Combine(cli.DataRoot, name));
        DataDir.Ensure(paths);
        var config = ClusterConfigResolver.Resolve(paths, 16999, [], DateTimeOffset.UtcNow);
        config.Save(paths.ConfigFile);
        var creds = ClusterPki.LoadOrCreate(paths, config, DateTimeOffset.UtcNow);
        Directory.CreateDirectory(Path.GetDirectoryName(cli.Env["KUBECONFIG"]!)!);
        File.WriteAllText(cli.Env["KUBECONFIG"]!, userKubeconfigBefore);
        ClusterKubeconfig.Write(paths, ClusterKubeconfig.EntryFor(paths, config, creds), cli.Context);
        return paths;
    }

    internal static Process StartFakeServer(TestCli cli, ClusterPaths paths)
    {
        var script = Path.Combine(cli.Root, "podway");
        // A single process with no children (read waits on our open stdin pipe), so nothing can be orphaned.
        File.WriteAllText(script, "read -r -t 60 line\n");
        var psi = new ProcessStartInfo("/bin/bash") { RedirectStandardInput = true };
        foreach (var a in new[] { script, "server", "--name", paths.Name, "--data-dir", paths.DataDir }) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        File.WriteAllText(paths.PidFile, $"{p.Id}\n");
        return p;
    }

    const string OtherUser = "apiVersion: v1\nkind: Config\ncontexts:\n- name: prod\n  context: {cluster: prod, user: prod}\ncurrent-context: prod\n";

    [Fact]
    public async Task Status_ServerRunningWithoutApiOrNetwork_Exits4AndSaysDegraded()
    {
        // The fake server answers no API and built no network: a process alone is not a working cluster.
        using var cli = new TestCli();
        var paths = Prepare(cli, OtherUser);
        using var server = StartFakeServer(cli, paths);
        try
        {
            Assert.Equal(4, await cli.RunAsync("status", "--name", cli.Name));
            Assert.Contains($"running (pid {server.Id}), DEGRADED: API not answering /readyz; missing bridge pw{cli.Name}, node namespace podway-{cli.Name}-n0", cli.Out.ToString());
            Assert.Contains($"{cli.Name}-control-plane readiness unknown (API not answering), agent state unknown", cli.Out.ToString());
            Assert.Contains("API:       https://127.0.0.1:16999", cli.Out.ToString());
            Assert.Contains($"context:   podway-{cli.Name}", cli.Out.ToString());
        }
        finally { server.Kill(entireProcessTree: true); }
    }

    [Fact]
    public async Task Up_ClusterRunningWithoutAnsweringApi_SaysSoAndChangesNothing()
    {
        // The fake server never answers /readyz: `up` must not take that for a cluster to repair.
        using var cli = new TestCli();
        var paths = Prepare(cli, OtherUser);
        using var server = StartFakeServer(cli, paths);
        var before = Directory.GetFiles(paths.DataDir, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllText);
        try
        {
            Assert.Equal(1, await cli.RunAsync("up", "--name", cli.Name));
            Assert.Contains($"cluster {cli.Name} is running (pid {server.Id}) but its API server does not answer https://127.0.0.1:16999/readyz; nothing changed", cli.Err.ToString());
            Assert.Equal(before, Directory.GetFiles(paths.DataDir, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllText));
            Assert.False(server.HasExited);
        }
        finally { server.Kill(entireProcessTree: true); }
    }

    [Fact]
    public async Task Status_NoServer_Exits3()
    {
        using var cli = new TestCli();
        Prepare(cli, OtherUser);
        Assert.Equal(3, await cli.RunAsync("status", "--name", cli.Name));
        Assert.Contains("status:    stopped", cli.Out.ToString());
    }

    [Fact]
    public async Task Status_NeverCreated_Exits3AndSaysHowToStart()
    {
        using var cli = new TestCli { IsRoot = false };
        Assert.Equal(3, await cli.RunAsync("status", "--name", "ghost"));
        Assert.Contains("sudo ./podway up", cli.Out.ToString());
    }

    [Fact]
    public async Task Down_ServerRunning_StopsItAndRemovesPidFile()
    {
        using var cli = new TestCli();
        var paths = Prepare(cli, OtherUser);
        using var server = StartFakeServer(cli, paths);

        Assert.Equal(0, await cli.RunAsync("down", "--name", cli.Name));

        Assert.True(server.WaitForExit(5000));
        Assert.Contains($"cluster {cli.Name}: stopped (pid {server.Id})", cli.Out.ToString());
        Assert.False(File.Exists(paths.PidFile));
        Assert.True(File.Exists(paths.ConfigFile), "down without --purge keeps the data");
        Assert.Contains($"podway-{cli.Name}", KubeconfigDocument.Describe(File.ReadAllText(cli.Env["KUBECONFIG"]!)).Contexts);
    }

    [Fact]
    public async Task DownPurge_RemovesDataDirAndOnlyOurKubeconfigEntries()
    {
        using var cli = new TestCli();
        var paths = Prepare(cli, OtherUser);
        Assert.Equal($"podway-{cli.Name}", KubeconfigDocument.Describe(File.ReadAllText(cli.Env["KUBECONFIG"]!)).Current);

        Assert.Equal(0, await cli.RunAsync("down", "--name", cli.Name, "--purge"));

        Assert.False(Directory.Exists(paths.DataDir));
        var (contexts, current) = KubeconfigDocument.Describe(File.ReadAllText(cli.Env["KUBECONFIG"]!));
        Assert.Equal(["prod"], contexts);
        Assert.Null(current);
    }

    [Fact]
    public async Task DownPurge_DirectoryWithoutClusterJson_IsNotDeleted()
    {
        using var cli = new TestCli();
        var precious = Path.Combine(cli.Root, "precious");
        Directory.CreateDirectory(precious);
        File.WriteAllText(Path.Combine(precious, "thesis.tex"), "");

        Assert.Equal(1, await cli.RunAsync("down", "--name", cli.Name, "--data-dir", precious, "--purge"));
        Assert.True(File.Exists(Path.Combine(precious, "thesis.tex")));
        Assert.Contains($"{precious} is not the data dir of cluster \"{cli.Name}\" (it has no cluster.json); nothing was touched", cli.Err.ToString());
    }

    [Fact]
    public async Task Kubeconfig_ExistingCluster_PrintsServerCaAndToken()
    {
        using var cli = new TestCli();
        var paths = Prepare(cli, "");
        Assert.Equal(0, await cli.RunAsync("kubeconfig", "--name", cli.Name));
        var printed = cli.Out.ToString();
        Assert.Contains("server: https://127.0.0.1:16999", printed);
        Assert.Contains("certificate-authority-data: ", printed);
        Assert.Contains($"token: {File.ReadAllText(paths.AdminToken).Trim()}", printed);
        Assert.Equal($"podway-{cli.Name}", KubeconfigDocument.Describe(printed).Current);
    }

    [Fact]
    public async Task Kubeconfig_UnknownCluster_SaysToRunUp()
    {
        using var cli = new TestCli();
        Assert.Equal(1, await cli.RunAsync("kubeconfig", "--name", "ghost"));
        Assert.Contains("sudo ./podway up --name ghost", cli.Err.ToString());
    }
}
