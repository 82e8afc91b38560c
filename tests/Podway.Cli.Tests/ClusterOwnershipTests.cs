using Podway.Cluster;
using Podway.HostSystem;

namespace Podway.Cli.Tests;

/// <summary>
/// A name and a data dir that do not belong together are refused before anything is stopped or removed. The
/// running cluster is a fake server (see ClusterLifecycleTests) plus a real network namespace named as the cluster's
/// node namespace, so the tests see that neither the process nor the kernel object is touched.
/// </summary>
public sealed class ClusterOwnershipTests
{
    const string OtherUser = "apiVersion: v1\nkind: Config\n";

    /// <summary>A cluster that looks running: data dir, fake server, and its node namespace podway-NAME-n0.</summary>
    sealed class RunningCluster : IDisposable
    {
        public ClusterPaths Paths { get; }
        public System.Diagnostics.Process Server { get; }
        public string Netns { get; }

        public RunningCluster(TestCli cli)
        {
            Paths = ClusterLifecycleTests.Prepare(cli, OtherUser);
            Server = ClusterLifecycleTests.StartFakeServer(cli, Paths);
            Netns = $"podway-{Paths.Name}-n0";
            var add = HostCommand.Run("ip", "netns", "add", Netns);
            Assert.True(add.Ok, add.Stderr);
        }

        public void AssertUntouched()
        {
            Assert.False(Server.HasExited, "the cluster's server must keep running");
            Assert.Contains(Netns, HostCommand.Run("ip", "netns", "list").Stdout);
            Assert.True(File.Exists(Paths.ConfigFile));
            Assert.True(File.Exists(Paths.PidFile));
        }

        public void Dispose()
        {
            Server.Kill(entireProcessTree: true);
            HostCommand.Run("ip", "netns", "delete", Netns);
        }
    }

    [Fact]
    public async Task Down_NameWithDataDirWithoutClusterJson_RefusesAndTouchesNothing()
    {
        using var cli = new TestCli();
        using var cluster = new RunningCluster(cli);
        var scratch = Directory.CreateDirectory(Path.Combine(cli.Root, "scratch")).FullName;

        var code = await cli.RunAsync("down", "--name", cli.Name, "--data-dir", scratch, "--purge");

        Assert.Equal(1, code);
        Assert.Contains($"{scratch} is not the data dir of cluster \"{cli.Name}\" (it has no cluster.json); nothing was touched", cli.Err.ToString());
        Assert.Equal("", cli.Out.ToString());
        cluster.AssertUntouched();
        Assert.True(Directory.Exists(scratch));
    }

    [Fact]
    public async Task Down_OtherNameWithThisDataDir_RefusesAndTouchesNothing()
    {
        using var cli = new TestCli();
        using var cluster = new RunningCluster(cli);

        var code = await cli.RunAsync("down", "--name", "other", "--data-dir", cluster.Paths.DataDir, "--purge");

        Assert.Equal(1, code);
        Assert.Contains($"data dir {cluster.Paths.DataDir} belongs to cluster \"{cli.Name}\", not \"other\"; nothing was touched", cli.Err.ToString());
        cluster.AssertUntouched();
    }

    [Fact]
    public async Task Down_SameNameRunningFromAnotherDataDir_RefusesAndTouchesNothing()
    {
        // Two data dirs whose cluster.json both name the cluster: kernel objects carry only the name, so the one
        // that is not running must not remove the running one's network.
        using var cli = new TestCli();
        using var cluster = new RunningCluster(cli);
        var twin = ClusterLifecycleTests.Prepare(cli, OtherUser, cli.Name, Path.Combine(cli.Root, "twin"));

        var code = await cli.RunAsync("down", "--name", cli.Name, "--data-dir", twin.DataDir);

        Assert.Equal(1, code);
        Assert.Contains($"a cluster named \"{cli.Name}\" is running from another data dir, {cluster.Paths.DataDir} (server pid {cluster.Server.Id})", cli.Err.ToString());
        cluster.AssertUntouched();
    }

    [Fact]
    public async Task Up_OtherNameWithThisDataDir_RefusesBeforeWritingAnything()
    {
        using var cli = new TestCli();
        var paths = ClusterLifecycleTests.Prepare(cli, OtherUser);
        var before = Directory.GetFiles(paths.DataDir, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllText);

        var code = await cli.RunAsync("up", "--name", "other", "--data-dir", paths.DataDir);

        Assert.Equal(1, code);
        Assert.Contains($"belongs to cluster \"{cli.Name}\", not \"other\"", cli.Err.ToString());
        Assert.Equal(before, Directory.GetFiles(paths.DataDir, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllText));
        Assert.False(Directory.Exists(Path.Combine(cli.DataRoot, ".locations")), "no pointer to the data dir is remembered");
    }

    [Fact]
    public async Task Down_MatchingNameAndDataDir_StopsTheCluster()
    {
        // The guard must not refuse the legitimate case (so the refusals above are the guard's doing).
        using var cli = new TestCli();
        using var cluster = new RunningCluster(cli);

        Assert.Equal(0, await cli.RunAsync("down", "--name", cli.Name, "--data-dir", cluster.Paths.DataDir));

        Assert.True(cluster.Server.WaitForExit(5000));
        Assert.DoesNotContain(cluster.Netns, HostCommand.Run("ip", "netns", "list").Stdout);
    }
}
