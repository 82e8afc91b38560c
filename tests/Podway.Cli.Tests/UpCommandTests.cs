using System.Net;
using System.Net.Sockets;

namespace Podway.Cli.Tests;

/// <summary>`up`'s checks that fail before anything is started.</summary>
public sealed class UpCommandTests
{
    [Fact]
    public async Task Up_PortInUse_NamesTheFlag()
    {
        using var cli = new TestCli();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var code = await cli.RunAsync("up", "--name", cli.Name, "--api-port", port.ToString());

        Assert.Equal(1, code);
        Assert.Equal($"error: port {port} is already in use; choose another with --api-port", cli.Err.ToString().Trim());
        Assert.False(File.Exists(Path.Combine(cli.DataRoot, cli.Name, "cluster.json")), "a failed first up persists nothing");
    }

    [Fact]
    public async Task Up_DataDirIsAFile_SaysItCannotUseIt()
    {
        using var cli = new TestCli();
        var file = Path.Combine(cli.Root, "not-a-dir");
        File.WriteAllText(file, "");

        var code = await cli.RunAsync("up", "--name", cli.Name, "--data-dir", file);

        Assert.Equal(1, code);
        Assert.Equal($"error: cannot use data dir {file}: it is a file, not a directory", cli.Err.ToString().Trim());
    }

    [Fact]
    public async Task Up_DataDirUnderAFile_SaysItCannotUseIt()
    {
        using var cli = new TestCli();
        var file = Path.Combine(cli.Root, "blocker");
        File.WriteAllText(file, "");

        var code = await cli.RunAsync("up", "--name", cli.Name, "--data-dir", Path.Combine(file, cli.Name));

        Assert.Equal(1, code);
        Assert.StartsWith($"error: cannot use data dir {file}/{cli.Name}:", cli.Err.ToString());
    }
}
