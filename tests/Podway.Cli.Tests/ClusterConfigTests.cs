using Podway.Cluster;

namespace Podway.Cli.Tests;

public sealed class ClusterConfigTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("podway-config-").FullName;
    static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    ClusterPaths Paths(string name = "dev")
    {
        var p = new ClusterPaths(name, Path.Combine(_root, name));
        Directory.CreateDirectory(p.DataDir);
        return p;
    }

    [Fact]
    public void Resolve_NewCluster_UsesKubernetesDefaults()
    {
        var c = ClusterConfigResolver.Resolve(Paths(), null, [], Now);
        Assert.Equal(("dev", 6443, "10.244.0.0/16", "10.96.0.0/12", "10.250.0.0/24", "10.250.0.1", Now),
            (c.Name, c.ApiPort, c.PodCidr, c.ServiceCidr, c.NodeCidr, c.AdvertiseAddress, c.Created));
    }

    [Fact]
    public void SaveThenResolve_WithoutFlags_ResumesPersistedSettings()
    {
        var paths = Paths();
        ClusterConfigResolver.Resolve(paths, 7443, [], Now).Save(paths.ConfigFile);

        var resumed = ClusterConfigResolver.Resolve(paths, null, [], Now.AddDays(3));

        Assert.Equal(7443, resumed.ApiPort);
        Assert.Equal(Now, resumed.Created);
        Assert.Contains("\"apiPort\": 7443", File.ReadAllText(paths.ConfigFile));
    }

    [Fact]
    public void Resolve_ConflictingPortFlag_ExplainsPersistedValue()
    {
        var paths = Paths();
        ClusterConfigResolver.Resolve(paths, 7443, [], Now).Save(paths.ConfigFile);

        var e = Assert.Throws<CliException>(() => ClusterConfigResolver.Resolve(paths, 8443, [], Now));
        Assert.Contains("was created with --api-port 7443", e.Message);
        Assert.Contains("--purge", e.Message);
    }

    [Fact]
    public void Resolve_SamePortFlag_IsAccepted()
    {
        var paths = Paths();
        ClusterConfigResolver.Resolve(paths, 7443, [], Now).Save(paths.ConfigFile);
        Assert.Equal(7443, ClusterConfigResolver.Resolve(paths, 7443, [], Now).ApiPort);
    }

    [Fact]
    public void Resolve_DataDirOfAnotherCluster_IsRejected()
    {
        var paths = Paths();
        ClusterConfigResolver.Resolve(paths, null, [], Now).Save(paths.ConfigFile);
        var e = Assert.Throws<CliException>(() => ClusterConfigResolver.Resolve(paths with { Name = "other" }, null, [], Now));
        Assert.Contains("belongs to cluster \"dev\"", e.Message);
    }

    [Fact]
    public void Resolve_SecondCluster_GetsNodeNetworkNotUsedByOthers()
    {
        var first = Paths("one");
        ClusterConfigResolver.Resolve(first, null, [], Now).Save(first.ConfigFile);
        var second = Paths("two");

        var others = ClusterConfigResolver.OthersUnder(_root, second).ToList();
        var c = ClusterConfigResolver.Resolve(second, 7443, others, Now);

        Assert.Equal(["one"], others.Select(o => o.Name));
        Assert.Equal("10.250.1.0/24", c.NodeCidr);
        Assert.Equal("10.250.1.1", c.AdvertiseAddress);
        Assert.Equal("10.244.0.0/16", ClusterConfig.Load(first.ConfigFile)!.PodCidr);
        Assert.Equal("10.201.0.0/16", c.PodCidr);
    }

    [Fact]
    public void OthersUnder_ClusterWithDataDirElsewhere_IsSeenThroughItsLocation()
    {
        var elsewhere = Directory.CreateTempSubdirectory("podway-elsewhere-").FullName;
        try
        {
            var away = new Podway.Cluster.ClusterPaths("away", elsewhere);
            ClusterConfigResolver.Resolve(away, null, [], Now).Save(away.ConfigFile);
            Podway.Cli.ClusterTarget.Remember(away, _root);

            var others = ClusterConfigResolver.OthersUnder(_root, Paths("near")).ToList();

            Assert.Equal(["away"], others.Select(o => o.Name));
        }
        finally { Directory.Delete(elsewhere, true); }
    }

    [Fact]
    public void Load_CorruptFile_SaysHowToRecover()
    {
        var paths = Paths();
        File.WriteAllText(paths.ConfigFile, "{ not json");
        var e = Assert.Throws<CliException>(() => ClusterConfig.Load(paths.ConfigFile));
        Assert.Contains("podway down --purge", e.Message);
    }

    public void Dispose() => Directory.Delete(_root, true);
}
