using System.IO.Pipelines;
using Podway.Node.Streaming;

namespace Podway.Node.Runtime;

/// <summary>
/// kubectl attach: follows the run's raw stdout/stderr files (from their start for the first attach of a run, so
/// output written before `kubectl run -it` connected is not lost; from their end afterwards) until the container
/// exits, and writes to its stdin pipe. With stdinOnce, stdin closes when the session ends, as with the CRI.
/// </summary>
internal sealed class AttachSession : IProcessSession
{
    static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(30);
    readonly ContainerRun _run;
    readonly CancellationTokenSource _cts = new();
    readonly Pipe _stdout = new(), _stderr = new();

    public AttachSession(ContainerRun run, bool fromStart)
    {
        _run = run;
        Stdin = run.Stdin is { } s ? new NonClosingStream(s) : null;
        Stdout = _stdout.Reader.AsStream();
        Stderr = run.Tty ? null : _stderr.Reader.AsStream();
        var outTask = FollowAsync(run.Paths.RawStdout, _stdout.Writer, fromStart);
        var errTask = FollowAsync(run.Paths.RawStderr, _stderr.Writer, fromStart);
        Exited = CompleteAsync(outTask, errTask);
    }

    public Stream? Stdin { get; }
    public Stream Stdout { get; }
    public Stream? Stderr { get; }
    public Task<int> Exited { get; }
    public void Resize(int width, int height) { }

    async Task<int> CompleteAsync(Task a, Task b)
    {
        var result = await _run.Exited;
        await Task.WhenAll(a, b);
        return result.ExitCode;
    }

    async Task FollowAsync(string path, PipeWriter writer, bool fromStart)
    {
        long offset = fromStart ? 0 : (File.Exists(path) ? new FileInfo(path).Length : 0);
        var buffer = new byte[16 * 1024];
        try
        {
            while (!_cts.IsCancellationRequested)
            {
                var exited = _run.HasExited;
                if (File.Exists(path))
                {
                    await using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                    f.Seek(offset, SeekOrigin.Begin);
                    int n;
                    while ((n = await f.ReadAsync(buffer, _cts.Token)) > 0)
                    {
                        offset += n;
                        await writer.WriteAsync(buffer.AsMemory(0, n), _cts.Token);
                    }
                }
                if (exited) break;
                await Task.WhenAny(_run.Exited, Task.Delay(Poll, _cts.Token));
            }
        }
        catch (OperationCanceledException) { }
        await writer.CompleteAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _cts.Cancel();
        if (_run.StdinOnce) _run.CloseStdin();
        await Task.CompletedTask;
    }

    /// <summary>The session must not close the container's stdin when the client's stream ends (unless stdinOnce).</summary>
    sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken ct) => inner.FlushAsync(ct);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) { inner.Write(buffer, offset, count); inner.Flush(); }
        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
        {
            await inner.WriteAsync(buffer, ct);
            await inner.FlushAsync(ct);
        }
    }
}
