using System.Diagnostics;
using Podway.Cluster;

namespace Podway.Cli.Tests;

public sealed class ServerProcessTests
{
    static readonly ClusterPaths Dev = new("dev", "/var/lib/podway/dev");

    public sealed record Cmdline(string[] Argv, bool Ours);

    public static TheoryData<Cmdline> Cmdlines() =>
    [
        new(["/repo/.build/podway/podway", "server", "--name", "dev", "--data-dir", "/var/lib/podway/dev", "--api-port", "6443"], true),
        new(["/usr/bin/dotnet", "/repo/.build/podway/podway.dll", "server", "--name", "dev", "--data-dir", "/var/lib/podway/dev"], true),
        new(["/repo/.build/podway/podway", "server", "--name=dev"], true), // default data dir
        new(["/repo/.build/podway/podway", "up", "--name", "dev", "--foreground"], true),
        new(["/repo/.build/podway/podway", "up", "--name", "dev"], false), // the short-lived launcher, not the server
        new(["/repo/.build/podway/podway", "server", "--name", "prod"], false),
        new(["/repo/.build/podway/podway", "server", "--name", "dev", "--data-dir", "/tmp/elsewhere"], false),
        new(["/repo/.build/podway/podway", "down", "--name", "dev"], false),
        new(["/usr/bin/sleep", "server", "--name", "dev"], false),
        new(["/usr/sbin/nginx", "-g", "daemon off;"], false),
        new([], false),
    ];

    [Theory]
    [MemberData(nameof(Cmdlines))]
    public void IsOurServer_Cmdline_RecognisesOnlyThisClustersServer(Cmdline row) =>
        Assert.Equal(row.Ours, ServerProcess.IsOurServer(row.Argv, Dev, "/var/lib/podway"));

    [Fact]
    public void IsOurServer_RelativeDataDir_ResolvesAgainstProcessCwd()
    {
        string[] argv = ["/x/podway", "server", "--name", "dev", "--data-dir", "dev"];
        Assert.True(ServerProcess.IsOurServer(argv, Dev, "/elsewhere", cwd: "/var/lib/podway"));
        Assert.False(ServerProcess.IsOurServer(argv, Dev, "/elsewhere", cwd: "/home"));
    }

    [Fact]
    public async Task Down_PidFileNamesForeignProcess_NeverKillsIt()
    {
        using var cli = new TestCli();
        var paths = new ClusterPaths(cli.Name, Path.Combine(cli.DataRoot, cli.Name));
        Directory.CreateDirectory(paths.DataDir);
        ClusterConfigResolver.Resolve(paths, 16998, [], DateTimeOffset.UtcNow).Save(paths.ConfigFile);
        using var sleeper = Process.Start("sleep", "60");
        File.WriteAllText(paths.PidFile, $"{sleeper.Id}\n");
        try
        {
            Assert.Null(ServerProcess.FindRunning(paths, cli.DataRoot));
            var code = await cli.RunAsync("down", "--name", cli.Name);

            Assert.Equal(0, code);
            Assert.Contains($"cluster {cli.Name} is not running", cli.Out.ToString());
            Assert.False(sleeper.HasExited, "a process that is not our server must survive podway down");
            Assert.False(File.Exists(paths.PidFile), "the stale pid file is removed");
        }
        finally { sleeper.Kill(); }
    }

    [Fact]
    public async Task StopAsync_ProcessIgnoringSigterm_IsKilledAfterGrace()
    {
        // bash's read builtin waits without a child process, so the SIGKILL leaves no orphan behind.
        using var stubborn = Process.Start(new ProcessStartInfo("/bin/bash", ["-c", "trap '' TERM; read -r -t 30 line"]) { RedirectStandardInput = true })!;
        await Task.Delay(200); // let the trap be installed
        var killed = await ServerProcess.StopAsync(stubborn.Id, TimeSpan.FromMilliseconds(500));
        Assert.True(killed);
        Assert.True(stubborn.WaitForExit(5000));
    }

    [Fact]
    public async Task StopAsync_ProcessHonouringSigterm_StopsWithoutKill()
    {
        using var polite = Process.Start("sleep", "30");
        var killed = await ServerProcess.StopAsync(polite.Id, TimeSpan.FromSeconds(5));
        Assert.False(killed);
        Assert.True(polite.WaitForExit(5000));
    }
}
