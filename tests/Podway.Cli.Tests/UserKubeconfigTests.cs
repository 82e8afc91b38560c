using Podway.Kubeconfig;

namespace Podway.Cli.Tests;

public sealed class UserKubeconfigTests
{
    [Fact]
    public void Locate_KubeconfigVariable_UsesItsFirstPath()
    {
        var env = new Dictionary<string, string?> { ["KUBECONFIG"] = "/tmp/a/config:/tmp/b/config", ["HOME"] = "/root" };
        Assert.Equal("/tmp/a/config", UserKubeconfig.Locate(k => env.GetValueOrDefault(k)).Path);
    }

    [Fact]
    public void Locate_UnderSudo_UsesInvokingUsersHomeAndOwnership()
    {
        var passwd = Path.GetTempFileName();
        File.WriteAllText(passwd, "root:x:0:0:root:/root:/bin/bash\ndev:x:1234:1300:Dev:/home/dev:/bin/bash\n");
        var env = new Dictionary<string, string?> { ["SUDO_USER"] = "dev", ["HOME"] = "/root" };

        var target = UserKubeconfig.Locate(k => env.GetValueOrDefault(k), passwd);

        Assert.Equal(new UserKubeconfig("/home/dev/.kube/config", 1234, 1300), target);
        File.Delete(passwd);
    }

    [Fact]
    public void Locate_PlainRoot_UsesHome()
    {
        var env = new Dictionary<string, string?> { ["HOME"] = "/root" };
        Assert.Equal(new UserKubeconfig("/root/.kube/config", null, null), UserKubeconfig.Locate(k => env.GetValueOrDefault(k)));
    }

    [Fact]
    public void Write_NewFile_CreatesDirectoryWithMode0600()
    {
        var dir = Directory.CreateTempSubdirectory().FullName;
        var target = new UserKubeconfig(Path.Combine(dir, ".kube", "config"), null, null);
        target.Write("kind: Config\n");
        Assert.Equal("kind: Config\n", File.ReadAllText(target.Path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(target.Path));
        Directory.Delete(dir, true);
    }
}
