using System.Text;
using Podway.Node.Streaming.Logs;

namespace Podway.Node.Tests.Streaming;

public sealed class CriLogReaderTests : IDisposable
{
    readonly string _path = Path.GetTempFileName();
    public void Dispose() => File.Delete(_path);

    const string Log =
        "2025-03-01T12:00:01.123456789Z stdout F one\n" +
        "2025-03-01T12:00:02.000000001Z stderr P two \n" +
        "2025-03-01T12:00:02.500000000Z stdout F interleaved\n" +
        "2025-03-01T12:00:03Z stderr F joined\n" +
        "not a cri line\n" +
        "2025-03-01T12:00:04.5Z stdout F four\n";

    internal sealed record Case(string Name, LogOptions Options, string Expected);

    static readonly Case[] AllCases =
    [
        new Case("all", new LogOptions(), "one\ninterleaved\ntwo joined\nfour\n"),
        new Case("tail 2", new LogOptions { TailLines = 2 }, "two joined\nfour\n"),
        new Case("tail 0", new LogOptions { TailLines = 0 }, ""),
        new Case("timestamps keep the runtime's text", new LogOptions { Timestamps = true, TailLines = 2 },
            "2025-03-01T12:00:02.000000001Z two joined\n2025-03-01T12:00:04.5Z four\n"),
        new Case("since", new LogOptions { Since = new DateTimeOffset(2025, 3, 1, 12, 0, 2, 400, TimeSpan.Zero) }, "interleaved\nfour\n"),
        new Case("limit bytes cuts mid-line", new LogOptions { LimitBytes = 6 }, "one\nin"),
    ];

    public static TheoryData<string> Cases => new(AllCases.Select(c => c.Name));

    [Theory, MemberData(nameof(Cases))]
    public async Task Copy_Options_OutputLikeTheKubelet(string name)
    {
        var c = AllCases.Single(x => x.Name == name);
        await File.WriteAllTextAsync(_path, Log);
        var output = new MemoryStream();
        await ContainerLogReader.CopyAsync(_path, c.Options, () => false, output, CancellationToken.None);
        Assert.Equal(c.Expected, Encoding.UTF8.GetString(output.ToArray()));
    }

    [Theory]
    [InlineData("2025-03-01T12:00:01.123456789Z stdout F hello world", "stdout", false, "hello world")]
    [InlineData("2025-03-01T12:00:01Z stderr P part", "stderr", true, "part")]
    [InlineData("2025-03-01T12:00:01Z stdout F", "stdout", false, "")]
    public void TryParse_CriLine_Fields(string line, string stream, bool partial, string text)
    {
        Assert.True(CriLogLine.TryParse(Encoding.UTF8.GetBytes(line), out var parsed));
        Assert.Equal((stream, partial, text), (parsed!.Stream, parsed.Partial, Encoding.UTF8.GetString(parsed.Text)));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("2025-03-01T12:00:01Z stdin F x")]
    [InlineData("yesterday stdout F x")]
    [InlineData("2025-03-01T12:00:01Z stdout X x")]
    public void TryParse_NotCri_False(string line) => Assert.False(CriLogLine.TryParse(Encoding.UTF8.GetBytes(line), out _));

    [Fact]
    public async Task CopyFollow_AppendedLines_StreamedUntilContainerStops()
    {
        await File.WriteAllTextAsync(_path, "2025-03-01T12:00:01Z stdout F first\n");
        var running = true;
        var output = new NotifyingStream();
        var copy = ContainerLogReader.CopyAsync(_path, new LogOptions { Follow = true }, () => running, output, CancellationToken.None);
        await output.WaitForAsync("first\n");
        // Half a line first: nothing is served until its newline arrives.
        await File.AppendAllTextAsync(_path, "2025-03-01T12:00:02Z stdout F sec");
        await Task.Delay(300);
        Assert.Equal("first\n", output.Text);
        await File.AppendAllTextAsync(_path, "ond\n");
        await output.WaitForAsync("first\nsecond\n");
        Assert.False(copy.IsCompleted);
        await File.AppendAllTextAsync(_path, "2025-03-01T12:00:03Z stdout F last words\n");
        running = false;
        await copy.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("first\nsecond\nlast words\n", output.Text);
    }

    sealed class NotifyingStream : MemoryStream
    {
        public string Text { get { lock (this) return Encoding.UTF8.GetString(ToArray()); } }
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) { lock (this) Write(buffer, offset, count); return Task.CompletedTask; }
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default) { lock (this) Write(buffer.Span); return ValueTask.CompletedTask; }

        public async Task WaitForAsync(string expected)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (Text != expected && DateTime.UtcNow < deadline) await Task.Delay(20);
            Assert.Equal(expected, Text);
        }
    }
}
