using System.Buffers;
using System.Text;

namespace Podway.Edge.Forwarding.Http1;

/// <summary>
/// The status line and header fields of one upstream HTTP/1.x response, parsed in place: fields are offsets into the
/// head's bytes, so nothing is allocated until they are copied to the client's response. Also works out how the body
/// is framed (RFC 9112 6.3) and whether the connection may be reused. One instance per connection, reset per parse.
/// </summary>
internal sealed class Http1ResponseHead
{
    /// <summary>Longest head accepted (nginx's proxy_buffer_size is 4-8 KB; Go's default limit is 1 MB).</summary>
    public const int MaxLength = 64 * 1024;

    public int Status { get; private set; }
    public bool Http10 { get; private set; }
    /// <summary>-1 when the response has no Content-Length.</summary>
    public long ContentLength { get; private set; }
    /// <summary>Transfer-Encoding ends in chunked.</summary>
    public bool Chunked { get; private set; }
    /// <summary>Transfer-Encoding without chunked last: the body runs until the connection closes.</summary>
    public bool OtherTransferCoding { get; private set; }
    bool _connectionClose;
    bool _connectionKeepAlive;

    HeaderField[] _fields = new HeaderField[32];
    public int FieldCount { get; private set; }
    public ReadOnlySpan<HeaderField> Fields => _fields.AsSpan(0, FieldCount);

    /// <summary>Whether the connection can carry the next request once this response's body has been read.</summary>
    public bool KeepAlive => !_connectionClose && (!Http10 || _connectionKeepAlive) && !OtherTransferCoding;

    /// <summary>The index just past the empty line that ends a head in <paramref name="data"/>, or -1 when the head is
    /// not complete yet. Lines end in CRLF or, tolerated as nginx does, a bare LF.</summary>
    public static int FindEnd(ReadOnlySpan<byte> data)
    {
        var searched = 0;
        while (true)
        {
            var lf = data[searched..].IndexOf((byte)'\n');
            if (lf < 0) return -1;
            lf += searched;
            // An empty line: LF right after the previous LF, or after CR that follows it. Not the first line.
            if (lf > 0 && data[lf - 1] == '\n') return lf + 1;
            if (lf > 1 && data[lf - 1] == '\r' && data[lf - 2] == '\n') return lf + 1;
            searched = lf + 1;
        }
    }

    /// <summary>Parses a complete head (status line, fields, empty line). False with a reason when it is malformed,
    /// which the forwarder answers with 502, as nginx does for "upstream sent invalid header".</summary>
    public bool TryParse(ReadOnlySpan<byte> head, out string? error)
    {
        Status = 0;
        Http10 = false;
        ContentLength = -1;
        Chunked = OtherTransferCoding = _connectionClose = _connectionKeepAlive = false;
        FieldCount = 0;

        var lineEnd = head.IndexOf((byte)'\n');
        if (lineEnd < 0 || !TryParseStatusLine(TrimCr(head[..lineEnd])))
        {
            error = "malformed status line";
            return false;
        }
        var position = lineEnd + 1;
        while (true)
        {
            var next = head[position..].IndexOf((byte)'\n');
            if (next < 0) { error = "head without its empty line"; return false; }
            var line = TrimCr(head.Slice(position, next));
            var lineStart = position;
            position += next + 1;
            if (line.IsEmpty) return Validate(out error);
            if (line[0] is (byte)' ' or (byte)'\t') { error = "obsolete line folding"; return false; }
            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || !IsToken(line[..colon])) { error = "malformed header field"; return false; }
            var value = line[(colon + 1)..];
            var leading = value.Length - value.TrimStart(" \t"u8).Length;
            value = value.Trim(" \t"u8);
            if (value.IndexOfAny(ControlBytes) >= 0)
            { error = "control character in a header value"; return false; }
            var field = new HeaderField(lineStart, colon, lineStart + colon + 1 + leading, value.Length);
            if (!Understand(line[..colon], value, out error)) return false;
            if (FieldCount == _fields.Length) Array.Resize(ref _fields, _fields.Length * 2);
            _fields[FieldCount++] = field;
        }
    }

    bool TryParseStatusLine(ReadOnlySpan<byte> line)
    {
        // HTTP/1.x SP 3DIGIT [SP reason]
        if (line.Length < 12 || !line.StartsWith("HTTP/1."u8) || line[8] != ' ' || (line.Length > 12 && line[12] != ' '))
            return false;
        if (line[7] == '0') Http10 = true;
        else if (line[7] != '1') return false;
        var status = 0;
        for (var i = 9; i < 12; i++)
        {
            if (!char.IsAsciiDigit((char)line[i])) return false;
            status = status * 10 + (line[i] - '0');
        }
        if (status < 100) return false;
        Status = status;
        return true;
    }

    bool Understand(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, out string? error)
    {
        error = null;
        if (name.Length == 14 && Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
        {
            if (!TryParseLength(value, out var length)) { error = "invalid Content-Length"; return false; }
            if (ContentLength >= 0 && ContentLength != length) { error = "conflicting Content-Length"; return false; }
            ContentLength = length;
        }
        else if (name.Length == 17 && Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
        {
            // Only the last coding matters for framing; anything after chunked means read until close.
            var last = value;
            var comma = value.LastIndexOf((byte)',');
            if (comma >= 0) last = value[(comma + 1)..].Trim(" \t"u8);
            var chunked = Ascii.EqualsIgnoreCase(last, "chunked"u8);
            Chunked = chunked;
            OtherTransferCoding = !chunked;
        }
        else if (name.Length == 10 && Ascii.EqualsIgnoreCase(name, "Connection"u8))
        {
            foreach (var range in value.Split((byte)','))
            {
                var token = value[range].Trim(" \t"u8);
                if (Ascii.EqualsIgnoreCase(token, "close"u8)) _connectionClose = true;
                else if (Ascii.EqualsIgnoreCase(token, "keep-alive"u8)) _connectionKeepAlive = true;
            }
        }
        return true;
    }

    bool Validate(out string? error)
    {
        error = null;
        // Transfer-Encoding overrides Content-Length (RFC 9112 6.3); such a response may be smuggling, so the
        // connection is not reused after it.
        if ((Chunked || OtherTransferCoding) && ContentLength >= 0)
        {
            ContentLength = -1;
            _connectionClose = true;
        }
        return true;
    }

    static bool TryParseLength(ReadOnlySpan<byte> value, out long length)
    {
        length = 0;
        if (value.IsEmpty || value.Length > 18) return false;
        foreach (var b in value)
        {
            if (!char.IsAsciiDigit((char)b)) return false;
            length = length * 10 + (b - '0');
        }
        return true;
    }

    /// <summary>A field name is a token (RFC 9110 5.6.2): visible ASCII without delimiters.</summary>
    static bool IsToken(ReadOnlySpan<byte> name) => name.IndexOfAnyExcept(TokenBytes) < 0;

    static readonly SearchValues<byte> TokenBytes = SearchValues.Create(
        "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    /// <summary>Controls other than tab, which a field value must not contain.</summary>
    static readonly SearchValues<byte> ControlBytes = SearchValues.Create(
        [.. Enumerable.Range(0, 32).Where(b => b != '\t').Select(b => (byte)b), 127]);

    static ReadOnlySpan<byte> TrimCr(ReadOnlySpan<byte> line) => line.Length > 0 && line[^1] == '\r' ? line[..^1] : line;

    /// <summary>Whether a response to <paramref name="isHead"/> with this status has a body at all.</summary>
    public bool HasBody(bool isHead) => !isHead && Status is not (204 or 304) && Status >= 200;
}

/// <summary>One header field as offsets into the head's bytes.</summary>
internal readonly record struct HeaderField(int NameStart, int NameLength, int ValueStart, int ValueLength);
