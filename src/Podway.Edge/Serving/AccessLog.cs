using System.Globalization;
using System.Text;

namespace Podway.Edge.Serving;

/// <summary>
/// The nginx-like access log (what `kubectl logs` shows for an edge Pod), one line per request:
/// <c>client - - [21/Nov/2026:22:04:09 +0000] "GET /path HTTP/1.1" 200 612 "referer" "agent" upstream=10.244.0.5:80 0.003 ingress=shop/web</c>.
/// Requests append to an in-memory buffer under a short lock; a background loop writes it out, so a slow stdout never
/// holds a request up. Past <see cref="MaxPendingChars"/> unwritten characters, lines are dropped and counted.
/// </summary>
internal sealed class AccessLog : IAsyncDisposable
{
    const int MaxPendingChars = 4 * 1024 * 1024;
    static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(100);

    readonly Stream _output;
    readonly Encoder _encoder = new UTF8Encoding(false).GetEncoder();
    readonly object _lock = new();
    StringBuilder _pending = new(64 * 1024);
    StringBuilder _writing = new(64 * 1024);
    long _dropped;
    readonly CancellationTokenSource _stop = new();
    readonly Task _loop;
    long _cachedSecond = -1;
    string _cachedTime = "";

    public AccessLog(Stream output)
    {
        _output = output;
        _loop = Task.Run(WriteLoopAsync);
    }

    public void Write(string client, string method, string target, string protocol, int status, long bytes,
        string? referer, string? userAgent, string? upstream, double seconds, string? ingress)
    {
        var now = DateTimeOffset.UtcNow;
        lock (_lock)
        {
            var line = _pending;
            if (line.Length > MaxPendingChars)
            {
                _dropped++;
                return;
            }
            line.Append(client).Append(" - - [").Append(Time(now)).Append("] \"");
            Escaped(line, method).Append(' ');
            Escaped(line, target).Append(' ').Append(protocol).Append("\" ");
            line.Append(status).Append(' ').Append(bytes).Append(" \"");
            Escaped(line, string.IsNullOrEmpty(referer) ? "-" : referer).Append("\" \"");
            Escaped(line, string.IsNullOrEmpty(userAgent) ? "-" : userAgent).Append("\" upstream=");
            line.Append(upstream ?? "-").Append(' ');
            AppendMilliseconds(line, seconds);
            line.Append(" ingress=").Append(ingress ?? "-").Append('\n');
        }
    }

    /// <summary>Seconds with three decimals, as nginx's $request_time (formatting a double costs more than the line).</summary>
    internal static void AppendMilliseconds(StringBuilder line, double seconds)
    {
        var ms = (long)Math.Round(Math.Max(0, seconds) * 1000);
        line.Append(ms / 1000).Append('.');
        var fraction = ms % 1000;
        if (fraction < 100) line.Append('0');
        if (fraction < 10) line.Append('0');
        line.Append(fraction);
    }

    /// <summary>nginx's time_local format, built once per second.</summary>
    string Time(DateTimeOffset now)
    {
        var second = now.ToUnixTimeSeconds();
        if (second != _cachedSecond)
        {
            _cachedTime = now.ToString("dd/MMM/yyyy:HH:mm:ss +0000", CultureInfo.InvariantCulture);
            _cachedSecond = second;
        }
        return _cachedTime;
    }

    /// <summary>Quotes and control characters escaped as nginx does (\x22), so a line stays one parseable line.</summary>
    static StringBuilder Escaped(StringBuilder line, string text)
    {
        foreach (var c in text)
        {
            if (c is '"' or '\\' || c < ' ' || c == 0x7f) line.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            else line.Append(c);
        }
        return line;
    }

    async Task WriteLoopAsync()
    {
        var bytes = new byte[64 * 1024];
        while (true)
        {
            var stopping = _stop.IsCancellationRequested;
            long dropped;
            lock (_lock)
            {
                (_pending, _writing) = (_writing, _pending);
                dropped = _dropped;
                _dropped = 0;
            }
            if (dropped > 0) _writing.Append("access log: ").Append(dropped).Append(" lines dropped (output too slow)\n");
            try
            {
                foreach (var chunk in _writing.GetChunks())
                {
                    var text = chunk;
                    while (!text.IsEmpty)
                    {
                        var take = Math.Min(text.Length, bytes.Length / 3);
                        // The encoder keeps half a surrogate pair split across pieces for the next one.
                        var n = _encoder.GetBytes(text.Span[..take], bytes, flush: false);
                        await _output.WriteAsync(bytes.AsMemory(0, n));
                        text = text[take..];
                    }
                }
                if (_writing.Length > 0) await _output.FlushAsync();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // stdout is gone (pipe closed): keep serving, lose the log.
            }
            _writing.Clear();
            if (stopping) return;
            try { await Task.Delay(FlushInterval, _stop.Token); }
            catch (OperationCanceledException) { }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _loop;
        _stop.Dispose();
    }
}
