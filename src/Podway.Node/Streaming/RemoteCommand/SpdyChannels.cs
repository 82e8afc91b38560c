using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Podway.Node.Streaming.Spdy;

namespace Podway.Node.Streaming.RemoteCommand;

/// <summary>
/// The SPDY remotecommand protocol (v4.channel.k8s.io): the client opens one stream per standard stream, named by
/// the `streamType` header (error, stdin, stdout, stderr, resize); the status goes on the error stream as JSON.
/// </summary>
internal sealed class SpdyChannels : RemoteCommandChannels
{
    public const string V4 = "v4.channel.k8s.io";
    public static readonly string[] Protocols = [V4];
    /// <summary>How long the kubelet waits for the client to open its streams.</summary>
    static readonly TimeSpan StreamCreationTimeout = TimeSpan.FromSeconds(30);

    readonly SpdyConnection _connection;
    readonly Stream _transport;
    readonly Task _reading;
    readonly ConcurrentDictionary<string, SpdyStream> _streams = new();
    readonly SemaphoreSlim _arrived = new(0);

    SpdyChannels(Stream transport)
    {
        _transport = transport;
        _connection = new SpdyConnection(transport, stream =>
        {
            var type = stream.Headers["streamtype"] ?? "";
            _streams.TryAdd(type, stream);
            _arrived.Release();
            return Task.CompletedTask;
        });
        _reading = _connection.RunAsync(CancellationToken.None);
    }

    /// <summary>Waits for the streams the options call for; null if the client did not open them in time.</summary>
    public static async Task<SpdyChannels?> OpenAsync(Stream transport, RemoteCommandOptions options)
    {
        var channels = new SpdyChannels(transport);
        var expected = new List<string> { "error" };
        if (options.Stdin) expected.Add("stdin");
        if (options.Stdout) expected.Add("stdout");
        if (options.Stderr) expected.Add("stderr");
        if (options.Tty) expected.Add("resize");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(channels._connection.Closed);
        timeout.CancelAfter(StreamCreationTimeout);
        try
        {
            while (!expected.All(channels._streams.ContainsKey)) await channels._arrived.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            await channels.DisposeAsync();
            return null;
        }
        channels.StartResizeReader();
        return channels;
    }

    public override Stream? Stdin => _streams.TryGetValue("stdin", out var s) ? s.Input : null;
    public override Stream? Stdout => _streams.TryGetValue("stdout", out var s) ? s.AsWriteStream() : null;
    public override Stream? Stderr => _streams.TryGetValue("stderr", out var s) ? s.AsWriteStream() : null;
    public override CancellationToken ClientGone => _connection.Closed;

    void StartResizeReader()
    {
        if (!_streams.TryGetValue("resize", out var resize)) return;
        _ = Task.Run(async () =>
        {
            // client-go's json.Encoder writes one object per line.
            using var reader = new StreamReader(resize.Input, Encoding.UTF8);
            while (await reader.ReadLineAsync() is { } line)
                if (line.Length > 0) Resize(line);
        });
    }

    public override async Task FinishAsync(JsonObject status)
    {
        try
        {
            foreach (var name in new[] { "stdout", "stderr" })
                if (_streams.TryGetValue(name, out var s)) await s.CloseWriteAsync();
            var error = _streams["error"];
            await error.WriteAsync(Encoding.UTF8.GetBytes(status.ToJsonString()));
            await error.CloseWriteAsync();
            // The client closes the connection once it has read everything.
            await _reading.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or TimeoutException or OperationCanceledException) { }
    }

    public override async ValueTask DisposeAsync()
    {
        await _connection.GoAwayAsync();
        _transport.Dispose();
        try { await _reading; } catch (Exception e) when (e is IOException or ObjectDisposedException) { }
        await _connection.DisposeAsync();
    }
}
