using System.Text.Json.Nodes;
using Podway.Node.Kubelet;
using Podway.Node.Runtime;

namespace Podway.Node.Tests.Kubelet;

public sealed class TerminationMessageTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("podway-termmsg-").FullName;
    readonly ContainerPaths _paths;
    static readonly TerminatedInfo Failed = new(1, "Error", DateTime.UtcNow, DateTime.UtcNow);

    public TerminationMessageTests() => _paths = ContainerPaths.For(_dir, "uid", "app", 0);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static JsonObject Container(string? policy = null, string? path = null)
    {
        var c = new JsonObject { ["name"] = "app" };
        if (policy is not null) c["terminationMessagePolicy"] = policy;
        if (path is not null) c["terminationMessagePath"] = path;
        return c;
    }

    void Log(params string[] records)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_paths.Log)!);
        File.WriteAllLines(_paths.Log, records);
    }

    [Fact]
    public void Prepare_MakesAnEmptyFileEveryUserMayWrite_BoundAtThePath()
    {
        var (source, destination, readOnly) = TerminationMessage.Prepare(Container(path: "/tmp/why"), _paths);
        Assert.Equal(("/tmp/why", false), (destination, readOnly));
        Assert.Equal(0, new FileInfo(source).Length);
        Assert.Equal((UnixFileMode)0b110_110_110, File.GetUnixFileMode(source));
        Assert.Equal("/dev/termination-log", TerminationMessage.Prepare(Container(), _paths).Destination);
    }

    [Fact]
    public void Apply_FileContent_IsTheMessage_CutAt4096Bytes()
    {
        TerminationMessage.Prepare(Container(), _paths);
        File.WriteAllText(_paths.TerminationLog, new string('x', 5000));
        Assert.Equal(new string('x', 4096), TerminationMessage.Apply(Container(), Failed, _paths).Message);
    }

    [Fact]
    public void Apply_FallbackToLogsOnError_TakesTheLogTail_OnlyWhenFailedAndTheFileIsEmpty()
    {
        TerminationMessage.Prepare(Container(), _paths);
        Log("2026-12-07T09:00:00.000000000Z stdout F first",
            "2026-12-07T09:00:00.100000000Z stderr P it ",
            "2026-12-07T09:00:00.200000000Z stderr F broke");
        var fallback = Container("FallbackToLogsOnError");

        Assert.Equal("first\nit broke", TerminationMessage.Apply(fallback, Failed, _paths).Message);
        Assert.Null(TerminationMessage.Apply(fallback, Failed with { ExitCode = 0, Reason = "Completed" }, _paths).Message);
        Assert.Null(TerminationMessage.Apply(Container(), Failed, _paths).Message);
        File.WriteAllText(_paths.TerminationLog, "from the file");
        Assert.Equal("from the file", TerminationMessage.Apply(fallback, Failed, _paths).Message);
    }

    [Fact]
    public void Apply_LogFallback_KeepsTheLast80LinesWithin2048Bytes()
    {
        TerminationMessage.Prepare(Container(), _paths);
        Log([.. Enumerable.Range(0, 200).Select(i => $"2026-12-07T09:00:00.000000000Z stdout F line {i:000} {new string('y', 20)}")]);
        var message = TerminationMessage.Apply(Container("FallbackToLogsOnError"), Failed, _paths).Message!;
        Assert.True(message.Length <= 2048);
        Assert.EndsWith($"line 199 {new string('y', 20)}", message);
        Assert.DoesNotContain("line 119 ", message);
    }
}
