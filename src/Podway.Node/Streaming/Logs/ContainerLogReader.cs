using System.Text;

namespace Podway.Node.Streaming.Logs;

/// <summary>
/// Serves a CRI log file the way the kubelet does: partial lines joined, since/tail/limitBytes applied, text only
/// (or prefixed with the runtime's timestamp), and with follow, lines appended later until the container stops.
/// </summary>
internal sealed class ContainerLogReader
{
    static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    readonly LogOptions _options;
    readonly Stream _output;
    readonly Dictionary<string, (CriLogLine First, MemoryStream Text)> _partial = new();
    long _written;

    ContainerLogReader(LogOptions options, Stream output)
    {
        _options = options;
        _output = output;
    }

    /// <summary>Copies the log to output; returns when done (or, following, when the container stopped and the file is drained).</summary>
    public static Task CopyAsync(string path, LogOptions options, Func<bool> isRunning, Stream output, CancellationToken ct) =>
        new ContainerLogReader(options, output).RunAsync(path, isRunning, ct);

    async Task RunAsync(string path, Func<bool> isRunning, CancellationToken ct)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, useAsync: true);
        var splitter = new LineSplitter(file);

        // What is already in the file: everything, or with tailLines only the last N entries.
        var existing = new List<CriLogLine>();
        Queue<CriLogLine>? tail = _options.TailLines is { } n ? new Queue<CriLogLine>() : null;
        await foreach (var entry in Entries(splitter, ct))
        {
            if (tail == null) { existing.Add(entry); continue; }
            tail.Enqueue(entry);
            if (tail.Count > _options.TailLines) tail.Dequeue();
        }
        foreach (var entry in (IEnumerable<CriLogLine>?)tail ?? existing)
            if (!await WriteAsync(entry, ct)) return;
        await _output.FlushAsync(ct);
        if (!_options.Follow) return;

        while (!ct.IsCancellationRequested)
        {
            var running = isRunning();
            var any = false;
            await foreach (var entry in Entries(splitter, ct))
            {
                any = true;
                if (!await WriteAsync(entry, ct)) return;
            }
            if (any) await _output.FlushAsync(ct);
            // Checked before the last read, so lines written just before the container stopped are still served.
            if (!running) return;
            await Task.Delay(PollInterval, ct);
        }
    }

    /// <summary>Complete entries from the lines read so far (partial lines are held until their F line).</summary>
    async IAsyncEnumerable<CriLogLine> Entries(LineSplitter splitter, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        while (await splitter.NextAsync(ct) is { } raw)
        {
            if (!CriLogLine.TryParse(raw, out var line)) continue;
            if (line!.Partial)
            {
                if (!_partial.TryGetValue(line.Stream, out var held)) _partial[line.Stream] = held = (line, new MemoryStream());
                held.Text.Write(line.Text);
                continue;
            }
            if (_partial.Remove(line.Stream, out var start))
            {
                start.Text.Write(line.Text);
                line = start.First with { Partial = false, Text = start.Text.ToArray() };
            }
            if (_options.Since is { } since && line.Time < since) continue;
            yield return line;
        }
    }

    /// <summary>False once limitBytes is reached.</summary>
    async Task<bool> WriteAsync(CriLogLine entry, CancellationToken ct)
    {
        var bytes = _options.Timestamps
            ? [.. Encoding.ASCII.GetBytes(entry.Timestamp + " "), .. entry.Text, (byte)'\n']
            : (byte[])[.. entry.Text, (byte)'\n'];
        var length = bytes.Length;
        if (_options.LimitBytes is { } limit)
        {
            var left = limit - _written;
            if (left <= 0) return false;
            if (length > left) length = (int)left;
        }
        await _output.WriteAsync(bytes.AsMemory(0, length), ct);
        _written += length;
        return _options.LimitBytes is not { } max || _written < max;
    }

    /// <summary>Splits a growing file into complete lines; an unfinished last line waits for its newline.</summary>
    sealed class LineSplitter(Stream file)
    {
        readonly byte[] _buffer = new byte[64 * 1024];
        readonly MemoryStream _pending = new();
        readonly Queue<byte[]> _lines = new();

        public async Task<byte[]?> NextAsync(CancellationToken ct)
        {
            while (_lines.Count == 0)
            {
                var read = await file.ReadAsync(_buffer, ct);
                if (read == 0) return null;
                var chunk = _buffer.AsSpan(0, read);
                int newline;
                while ((newline = chunk.IndexOf((byte)'\n')) >= 0)
                {
                    _pending.Write(chunk[..newline]);
                    _lines.Enqueue(_pending.ToArray());
                    _pending.SetLength(0);
                    chunk = chunk[(newline + 1)..];
                }
                _pending.Write(chunk);
            }
            return _lines.Dequeue();
        }
    }
}
