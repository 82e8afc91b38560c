using System.Globalization;
using System.Text;

namespace Podway.Node.Runtime;

/// <summary>
/// Turns a run's raw .stdout/.stderr files into the CRI log kubectl logs reads: one record per line,
/// "&lt;RFC3339Nano UTC&gt; &lt;stream&gt; &lt;F|P&gt; &lt;bytes&gt;", with lines longer than 16 KiB split into P(artial) records
/// as containerd does. Offsets are persisted after each batch, so an agent restarted later resumes where the
/// previous one stopped; lines written while no agent ran are stamped when they are copied.
/// </summary>
internal sealed class CriLogCopier
{
    const int MaxLine = 16 * 1024;
    // Polled every 50 ms (a stat per stream: cheap), so `kubectl logs` right after a request finds its line, as it
    // would from containerd, which writes the CRI log as the container writes. (A back-off to 250 ms while quiet
    // made exactly that miss.)
    static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);
    readonly ContainerPaths _paths;
    readonly StreamState _stdout, _stderr;

    sealed class StreamState(string name, string path, long offset)
    {
        public string Name { get; } = name;
        public string Path { get; } = path;
        public long Offset { get; set; } = offset;
        public MemoryStream Pending { get; } = new();
    }

    CriLogCopier(ContainerPaths paths)
    {
        _paths = paths;
        var (o, e) = LoadOffsets(paths.OffsetsFile);
        _stdout = new StreamState("stdout", paths.RawStdout, o);
        _stderr = new StreamState("stderr", paths.RawStderr, e);
    }

    /// <summary>Copies until the run has exited and every byte is in the CRI log.</summary>
    public static Task RunAsync(ContainerPaths paths, Task exited, CancellationToken ct) => new CriLogCopier(paths).CopyAsync(exited, ct);

    async Task CopyAsync(Task exited, CancellationToken ct)
    {
        Directory.CreateDirectory(_paths.LogDir);
        await using var log = new FileStream(_paths.Log, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        while (!ct.IsCancellationRequested)
        {
            var done = exited.IsCompleted; // read once more after the exit so nothing written last is lost
            var copied = Drain(_stdout, log, done) | Drain(_stderr, log, done);
            if (copied)
            {
                await log.FlushAsync(ct);
                SaveOffsets();
            }
            if (done) return;
            try { await Task.WhenAny(exited, Task.Delay(Poll, ct)); } catch (OperationCanceledException) { return; }
            if (exited.IsCompleted) await Task.Delay(20, CancellationToken.None); // let the last write land
        }
    }

    static bool Drain(StreamState s, Stream log, bool final)
    {
        byte[] chunk;
        try
        {
            // A stat first: opening both files on every poll cost more than the rare read.
            var info = new FileInfo(s.Path);
            if (!info.Exists || (info.Length <= s.Offset && !(final && s.Pending.Length > 0))) return false;
            using var raw = new FileStream(s.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (raw.Length <= s.Offset && !(final && s.Pending.Length > 0)) return false;
            raw.Seek(s.Offset, SeekOrigin.Begin);
            chunk = new byte[Math.Max(0, raw.Length - s.Offset)];
            raw.ReadExactly(chunk);
        }
        catch (FileNotFoundException) { return false; }
        catch (DirectoryNotFoundException) { return false; }
        s.Offset += chunk.Length;
        s.Pending.Write(chunk);
        var buffer = s.Pending.ToArray();
        var start = 0;
        for (var i = 0; i < buffer.Length; i++)
        {
            if (buffer[i] == (byte)'\n')
            {
                WriteRecord(log, s.Name, "F", buffer.AsSpan(start, i - start));
                start = i + 1;
            }
            else if (i - start + 1 >= MaxLine)
            {
                WriteRecord(log, s.Name, "P", buffer.AsSpan(start, i - start + 1));
                start = i + 1;
            }
        }
        if (final && start < buffer.Length)
        {
            WriteRecord(log, s.Name, "F", buffer.AsSpan(start));
            start = buffer.Length;
        }
        s.Pending.SetLength(0);
        s.Pending.Write(buffer, start, buffer.Length - start);
        return true;
    }

    static void WriteRecord(Stream log, string stream, string tag, ReadOnlySpan<byte> line)
    {
        log.Write(Encoding.ASCII.GetBytes($"{Timestamp(DateTime.UtcNow)} {stream} {tag} "));
        log.Write(line);
        log.WriteByte((byte)'\n');
    }

    /// <summary>RFC 3339 with nanoseconds (the 100 ns tick resolution of .NET, padded).</summary>
    public static string Timestamp(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'00Z'", CultureInfo.InvariantCulture);

    // Offsets count only bytes already written as whole records; a pending partial line is re-read on resume.
    void SaveOffsets() =>
        File.WriteAllText(_paths.OffsetsFile, $"{_stdout.Offset - _stdout.Pending.Length} {_stderr.Offset - _stderr.Pending.Length}");

    static (long, long) LoadOffsets(string path)
    {
        try
        {
            var parts = File.ReadAllText(path).Split(' ');
            return (long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException) { return (0, 0); }
    }
}
