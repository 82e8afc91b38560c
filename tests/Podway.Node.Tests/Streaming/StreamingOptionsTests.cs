using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Podway.Node.Streaming.Logs;
using Podway.Node.Streaming.RemoteCommand;

namespace Podway.Node.Tests.Streaming;

/// <summary>The exec and log queries as client libraries send them (the API server passes them through as they are).</summary>
public sealed class StreamingOptionsTests
{
    static QueryCollection Query(params (string Key, string Value)[] pairs) =>
        new(pairs.ToDictionary(p => p.Key, p => new StringValues(p.Value)));

    [Fact]
    public void RemoteCommand_PythonSpelling_IsUnderstood()
    {
        var options = RemoteCommandOptions.Parse(Query(("command", "ls"), ("stdin", "True"), ("stdout", "True"), ("stderr", "False"), ("tty", "False")));
        Assert.True(options.Stdin);
        Assert.True(options.Stdout);
        Assert.False(options.Stderr);
        Assert.False(options.Tty);
        Assert.Null(options.Validate());
    }

    [Fact]
    public void RemoteCommand_NoStreamAsked_IsRefused()
    {
        var options = RemoteCommandOptions.Parse(Query(("command", "ls"), ("stdout", "false"), ("stderr", "0")));
        Assert.Equal("you must specify at least 1 of stdin, stdout, stderr", options.Validate());
    }

    [Fact]
    public void RemoteCommand_LegacyNames_AreRead() =>
        Assert.True(RemoteCommandOptions.Parse(Query(("command", "ls"), ("output", "1"))).Stdout);

    [Theory]
    [InlineData("True", true)]
    [InlineData("t", true)]
    [InlineData("1", true)]
    [InlineData("False", false)]
    [InlineData("0", false)]
    public void Logs_FlagsSpelledAnyWay_AsKubeReadsThem(string value, bool expected)
    {
        var options = LogOptions.Parse(Query(("follow", value), ("previous", value), ("timestamps", value)), DateTimeOffset.UtcNow, out var error);
        Assert.Null(error);
        Assert.Equal(expected, options.Follow);
        Assert.Equal(expected, options.Previous);
        Assert.Equal(expected, options.Timestamps);
    }
}
