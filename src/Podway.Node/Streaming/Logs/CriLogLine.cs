using System.Globalization;
using System.Text;

namespace Podway.Node.Streaming.Logs;

/// <summary>
/// One line of a CRI container log file: `&lt;RFC3339Nano timestamp&gt; &lt;stdout|stderr&gt; &lt;P|F&gt; &lt;text&gt;`.
/// P marks a partial line that the next line of the same stream continues; F ends it.
/// </summary>
internal sealed record CriLogLine(string Timestamp, DateTimeOffset Time, string Stream, bool Partial, byte[] Text)
{
    /// <summary>Parses one line (without its newline); false for anything not in the CRI format.</summary>
    public static bool TryParse(ReadOnlySpan<byte> line, out CriLogLine? parsed)
    {
        parsed = null;
        var first = line.IndexOf((byte)' ');
        if (first <= 0) return false;
        var timestamp = Encoding.ASCII.GetString(line[..first]);
        if (!TryParseTime(timestamp, out var time)) return false;
        var rest = line[(first + 1)..];
        var second = rest.IndexOf((byte)' ');
        if (second <= 0) return false;
        var stream = Encoding.ASCII.GetString(rest[..second]);
        if (stream is not ("stdout" or "stderr")) return false;
        rest = rest[(second + 1)..];
        // The tag is P or F (containerd may add more tags after ':'); the text follows one space.
        var third = rest.IndexOf((byte)' ');
        var tag = third < 0 ? rest : rest[..third];
        var text = third < 0 ? [] : rest[(third + 1)..].ToArray();
        var partial = tag.Length > 0 && tag[0] == (byte)'P';
        if (tag.Length == 0 || (tag[0] != (byte)'P' && tag[0] != (byte)'F')) return false;
        parsed = new CriLogLine(timestamp, time, stream, partial, text);
        return true;
    }

    /// <summary>RFC3339 with up to nanoseconds; .NET keeps 7 fractional digits, so the rest is dropped for comparisons.</summary>
    public static bool TryParseTime(string text, out DateTimeOffset time)
    {
        var t = text;
        var dot = t.IndexOf('.');
        if (dot >= 0)
        {
            var end = dot + 1;
            while (end < t.Length && char.IsAsciiDigit(t[end])) end++;
            var digits = t[(dot + 1)..end];
            if (digits.Length > 7) t = t[..(dot + 8)] + t[end..];
        }
        return DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out time);
    }

    /// <summary>Formats a line the way CRI runtimes write them (for tests and for writers of log files).</summary>
    public static string Format(DateTimeOffset time, string stream, bool partial, string text) =>
        $"{time.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffffff}00Z {stream} {(partial ? 'P' : 'F')} {text}";
}
