using System.Globalization;
using System.Text;

namespace Podway.Images.Http;

/// <summary>Buffered reads off one connection: the request head, then exact-length or chunked bodies.</summary>
internal sealed class ConnectionReader(Stream stream, byte[] buffer)
{
    byte[] buf = buffer;
    int start, end;

    /// <summary>The head up to (not including) the blank line; null when the peer closed before sending anything.</summary>
    public async Task<string?> ReadHeadAsync(int maxBytes, CancellationToken ct)
    {
        var scanned = 0; // bytes after start already searched (start moves when the buffer compacts)
        while (true)
        {
            var idx = buf.AsSpan(start + scanned, end - start - scanned).IndexOf("\r\n\r\n"u8);
            if (idx >= 0)
            {
                var headEnd = start + scanned + idx;
                var head = Encoding.Latin1.GetString(buf, start, headEnd - start);
                start = headEnd + 4;
                // Tolerate blank lines before a request line (RFC 9112 section 2.2).
                return head.TrimStart('\r', '\n');
            }
            scanned = Math.Max(0, end - start - 3);
            if (end - start >= maxBytes) throw new InvalidDataException("request head too large");
            if (!await FillAsync(ct))
            {
                if (end == start) return null;
                throw new InvalidDataException("connection closed mid-request");
            }
        }
    }

    public async Task<byte[]> ReadExactAsync(int length, CancellationToken ct)
    {
        var result = new byte[length];
        var copied = 0;
        while (copied < length)
        {
            if (start == end && !await FillAsync(ct)) throw new InvalidDataException("connection closed mid-body");
            var n = Math.Min(length - copied, end - start);
            Buffer.BlockCopy(buf, start, result, copied, n);
            start += n;
            copied += n;
        }
        return result;
    }

    public async Task<byte[]?> ReadChunkedAsync(int maxBytes, CancellationToken ct)
    {
        using var body = new MemoryStream();
        while (true)
        {
            var sizeLine = await ReadLineAsync(ct);
            var semi = sizeLine.IndexOf(';');
            if (semi >= 0) sizeLine = sizeLine[..semi];
            if (!int.TryParse(sizeLine.Trim(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0)
                return null;
            if (size == 0)
            {
                while ((await ReadLineAsync(ct)).Length > 0) { } // trailers
                return body.ToArray();
            }
            if (body.Length + size > maxBytes) return null;
            body.Write(await ReadExactAsync(size, ct));
            if ((await ReadLineAsync(ct)).Length != 0) return null;
        }
    }

    async Task<string> ReadLineAsync(CancellationToken ct)
    {
        while (true)
        {
            var idx = buf.AsSpan(start, end - start).IndexOf("\r\n"u8);
            if (idx >= 0)
            {
                var line = Encoding.Latin1.GetString(buf, start, idx);
                start += idx + 2;
                return line;
            }
            if (end - start > 4096) throw new InvalidDataException("chunk line too long");
            if (!await FillAsync(ct)) throw new InvalidDataException("connection closed mid-body");
        }
    }

    async Task<bool> FillAsync(CancellationToken ct)
    {
        if (start > 0 && start == end) start = end = 0;
        if (end == buf.Length)
        {
            if (start > 0)
            {
                Buffer.BlockCopy(buf, start, buf, 0, end - start);
                end -= start;
                start = 0;
            }
            else
            {
                // Grow for long heads; the pooled buffer stays with the caller, this one is ours.
                Array.Resize(ref buf, buf.Length * 2);
            }
        }
        var n = await stream.ReadAsync(buf.AsMemory(end), ct);
        if (n == 0) return false;
        end += n;
        return true;
    }
}
