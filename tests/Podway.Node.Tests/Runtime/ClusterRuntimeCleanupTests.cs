using Podway.Node.Runtime;

namespace Podway.Node.Tests.Runtime;

public sealed class ClusterRuntimeCleanupTests
{
    [CrunFact]
    public void Remove_RuntimeStateWithAFilesystemMountedOnIt_UnmountsAndRemovesIt()
    {
        var cluster = "rc" + Guid.NewGuid().ToString("N")[..6];
        var state = Path.GetDirectoryName(ContainerRuntime.StateRootFor(cluster, "node"))!;
        var data = Directory.CreateTempSubdirectory("podway-rc-");
        try
        {
            Directory.CreateDirectory(state);
            Assert.Equal(0, Mounts.Mount("tmpfs", state, "tmpfs", 0, "mode=0700,size=1m"));
            Directory.CreateDirectory(Path.Combine(state, "node"));

            var removed = ClusterRuntimeCleanup.Remove(cluster, data.FullName);

            Assert.Contains($"mount {state}", removed);
            Assert.False(Directory.Exists(state));
            Assert.Empty(Mounts.Under(state));
        }
        finally
        {
            Mounts.Detach(state);
            if (Directory.Exists(state)) Directory.Delete(state, recursive: true);
            data.Delete(recursive: true);
        }
    }
}
