namespace Podway.Cli.Tests;

/// <summary>
/// The native client build (trace, flows, status compiled ahead of time; ./podway runs it for those three) must
/// answer exactly as the full program does, and say so when asked for anything else.
/// </summary>
public sealed class ClientCommandsTests
{
    public static TheoryData<string[]> Invocations() =>
    [
        ["trace", "host"],
        ["trace", "-o", "yaml", "host", "http://web"],
        ["trace", "--name", "nosuch1", "host", "http://web"],
        ["flows", "--verdict", "lost"],
        ["flows", "--name", "nosuch1"],
        ["status", "extra"],
        ["status", "--name", "nosuch1"],
        ["trace", "--help"],
        ["status", "--help"],
    ];

    [Theory]
    [MemberData(nameof(Invocations))]
    public async Task ClientBuild_AnswersAsTheFullProgram(string[] args)
    {
        using var full = new TestCli();
        using var client = new TestCli();
        var fullCode = await full.RunAsync(args);
        var clientCode = await client.RunClientAsync(args);
        Assert.Equal(fullCode, clientCode);
        Assert.Equal(full.Out.ToString().Replace(full.Root, "ROOT"), client.Out.ToString().Replace(client.Root, "ROOT"));
        Assert.Equal(full.Err.ToString().Replace(full.Root, "ROOT"), client.Err.ToString().Replace(client.Root, "ROOT"));
    }

    [Fact]
    public async Task ClientBuild_OtherCommand_SaysWhatItRuns()
    {
        using var cli = new TestCli();
        Assert.Equal(2, await cli.RunClientAsync("up", "--name", "nosuch1"));
        Assert.StartsWith("error: podway's native client runs trace, flows, status, image, not \"up\"", cli.Err.ToString());
        Assert.False(Directory.Exists(cli.DataRoot));
    }
}
