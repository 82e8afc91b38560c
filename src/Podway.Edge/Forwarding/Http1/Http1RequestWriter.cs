using System.Text;
using Microsoft.Extensions.Primitives;

namespace Podway.Edge.Forwarding.Http1;

/// <summary>
/// Writes an HTTP/1.1 request head into a connection's send buffer (grown when a head does not fit): the request line,
/// then each header as the client sent it, Latin-1 as on the wire. Repeated Cookie fields (HTTP/2 splits them) are
/// joined with "; " as RFC 9113 8.2.3 requires before forwarding them over HTTP/1.1.
/// </summary>
internal struct Http1RequestWriter(byte[] buffer) : IUpstreamHeaderSink
{
    byte[] _buffer = buffer;
    int _length;

    /// <summary>The buffer written to: the one given, or a larger one when the head outgrew it.</summary>
    public readonly byte[] Buffer => _buffer;

    public readonly ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _length);

    public void RequestLine(string method, string target)
    {
        Text(method);
        Byte((byte)' ');
        Text(target);
        Bytes(" HTTP/1.1\r\n"u8);
    }

    public void Add(string name, string value)
    {
        Text(name);
        Bytes(": "u8);
        Text(value);
        Bytes("\r\n"u8);
    }

    public void Add(string name, StringValues values)
    {
        if (values.Count == 1)
        {
            Add(name, values[0] ?? "");
            return;
        }
        if (name.Equals("Cookie", StringComparison.OrdinalIgnoreCase))
        {
            Add(name, string.Join("; ", values.ToArray()));
            return;
        }
        foreach (var value in values) Add(name, value ?? "");
    }

    /// <summary>Ends the head with its empty line.</summary>
    public void End() => Bytes("\r\n"u8);

    void Text(string text)
    {
        Reserve(text.Length);
        _length += Encoding.Latin1.GetBytes(text, _buffer.AsSpan(_length));
    }

    void Bytes(ReadOnlySpan<byte> bytes)
    {
        Reserve(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    void Byte(byte b)
    {
        Reserve(1);
        _buffer[_length++] = b;
    }

    void Reserve(int more)
    {
        if (_length + more <= _buffer.Length) return;
        Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + more));
    }
}
