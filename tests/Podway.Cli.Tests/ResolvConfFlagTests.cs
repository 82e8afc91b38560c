using Podway.Cluster;

namespace Podway.Cli.Tests;

public sealed class ResolvConfFlagTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("podway-resolv-").FullName;

    [Fact]
    public void Parse_Absent_Null() =>
        Assert.Null(ResolvConfFlag.Parse(ArgumentParser.Parse(["up"])!));

    [Fact]
    public void Parse_Empty_MeansNoResolvers() =>
        Assert.Equal("", ResolvConfFlag.Parse(ArgumentParser.Parse(["up", "--resolv-conf", ""])!));

    [Fact]
    public void Parse_RelativePath_Absolute()
    {
        var file = Path.Combine(_root, "resolv.conf");
        File.WriteAllText(file, "nameserver 127.0.0.153\n");
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, file);

        Assert.Equal(file, ResolvConfFlag.Parse(ArgumentParser.Parse(["up", $"--resolv-conf={relative}"])!));
    }

    [Theory]
    [InlineData(null, "/etc/resolv.conf")]
    [InlineData("", "")]
    [InlineData("/srv/resolv.conf", "/srv/resolv.conf")]
    public void Effective_Stored_DefaultOnlyWhenNeverSet(string? stored, string expected) =>
        Assert.Equal(expected, ResolvConfFlag.Effective(stored));

    [Theory]
    [InlineData("")]
    [InlineData("/srv/resolv.conf")]
    public void ClusterConfig_SavedResolvConf_SurvivesARestart(string resolvConf)
    {
        var paths = new ClusterPaths("dev", Path.Combine(_root, "dev"));
        Directory.CreateDirectory(paths.DataDir);
        var config = ClusterConfigResolver.Resolve(paths, null, [], DateTimeOffset.UnixEpoch) with { ResolvConf = resolvConf };
        config.Save(paths.ConfigFile);

        var resumed = ClusterConfigResolver.Resolve(paths, null, [], DateTimeOffset.UtcNow);

        Assert.Equal(resolvConf, resumed.ResolvConf);
    }

    [Fact]
    public void ClusterConfig_WrittenBeforeTheFlag_ForwardsToTheHostFile()
    {
        var file = Path.Combine(_root, "cluster.json");
        File.WriteAllText(file, """
            {"name":"old","apiPort":6443,"podCidr":"10.244.0.0/16","serviceCidr":"10.96.0.0/12","nodeCidr":"10.250.0.0/24",
             "advertiseAddress":"10.250.0.1","created":"2025-06-01T12:00:00+00:00"}
            """);

        Assert.Equal("/etc/resolv.conf", ResolvConfFlag.Effective(ClusterConfig.Load(file)!.ResolvConf));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
