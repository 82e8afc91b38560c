using System.Buffers.Binary;
using System.Text;

namespace Podway.Edge.Streams;

/// <summary>What reading the first bytes of a TLS connection found.</summary>
internal enum ClientHelloResult
{
    /// <summary>The ClientHello is complete and well-formed; the server name is set when it carries SNI.</summary>
    Complete,
    /// <summary>Well-formed so far; more bytes are needed.</summary>
    NeedMore,
    /// <summary>Not a TLS ClientHello, malformed, or larger than <see cref="ClientHello.MaxBytes"/>: close the connection.</summary>
    Invalid,
}

/// <summary>
/// Reads the server name (SNI, RFC 6066) from a TLS ClientHello without terminating TLS, for TLS passthrough. The
/// input is whatever the client sent so far; the handshake message may span several records (post-quantum key
/// shares make ClientHellos of 1.5-2 KB, and a client may split them). Every length is checked against what it
/// claims to contain: a hostile or truncated ClientHello gives <see cref="ClientHelloResult.Invalid"/> or
/// <see cref="ClientHelloResult.NeedMore"/>, never an exception.
/// </summary>
internal static class ClientHello
{
    /// <summary>The most bytes read before giving up (a ClientHello is a few KB; the record limit is 16 KB).</summary>
    public const int MaxBytes = 32 * 1024;

    const byte HandshakeRecord = 22, ClientHelloType = 1;
    const ushort ServerNameExtension = 0;

    public static ClientHelloResult TryRead(ReadOnlySpan<byte> data, out string? serverName)
    {
        serverName = null;
        // The usual case: the whole ClientHello in the first record; parsed where it lies, nothing copied.
        if (data.Length >= 9 && data[0] == HandshakeRecord && data[1] == 3 && data[5] == ClientHelloType)
        {
            int recordLength = BinaryPrimitives.ReadUInt16BigEndian(data[3..]);
            var length = (data[6] << 16) | (data[7] << 8) | data[8];
            if (length + 4 <= recordLength && data.Length >= 5 + recordLength)
                return recordLength > 16384 + 2048 ? ClientHelloResult.Invalid : Parse(data.Slice(9, length), out serverName);
        }
        // Otherwise gather the handshake bytes from consecutive handshake records until the message is whole.
        var handshake = new byte[Math.Min(data.Length, MaxBytes)];
        var have = 0;
        var offset = 0;
        while (true)
        {
            if (offset + 5 > data.Length) return data.Length >= MaxBytes ? ClientHelloResult.Invalid : ClientHelloResult.NeedMore;
            if (data[offset] != HandshakeRecord || data[offset + 1] != 3) return ClientHelloResult.Invalid;
            int recordLength = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 3)..]);
            if (recordLength == 0 || recordLength > 16384 + 2048) return ClientHelloResult.Invalid;
            var available = Math.Min(recordLength, data.Length - offset - 5);
            if (have + available > handshake.Length) return ClientHelloResult.Invalid;
            data.Slice(offset + 5, available).CopyTo(handshake.AsSpan(have));
            have += available;
            if (have >= 4)
            {
                if (handshake[0] != ClientHelloType) return ClientHelloResult.Invalid;
                var length = (handshake[1] << 16) | (handshake[2] << 8) | handshake[3];
                if (length + 4 > MaxBytes) return ClientHelloResult.Invalid;
                if (have >= length + 4) return Parse(handshake.AsSpan(4, length), out serverName);
            }
            if (available < recordLength) return data.Length >= MaxBytes ? ClientHelloResult.Invalid : ClientHelloResult.NeedMore;
            offset += 5 + recordLength;
        }
    }

    /// <summary>The ClientHello body: version, random, session id, cipher suites, compression, extensions.</summary>
    static ClientHelloResult Parse(ReadOnlySpan<byte> body, out string? serverName)
    {
        serverName = null;
        var reader = new Reader(body);
        if (!reader.Skip(2 + 32) || !reader.SkipVector(1) || !reader.SkipVector(2) || !reader.SkipVector(1))
            return ClientHelloResult.Invalid;
        if (reader.Remaining == 0) return ClientHelloResult.Complete; // no extensions at all: no SNI
        if (!reader.Vector(2, out var extensions) || reader.Remaining != 0) return ClientHelloResult.Invalid;
        var ext = new Reader(extensions);
        while (ext.Remaining > 0)
        {
            if (!ext.UInt16(out var type) || !ext.Vector(2, out var content)) return ClientHelloResult.Invalid;
            if (type != ServerNameExtension) continue;
            if (serverName is not null) return ClientHelloResult.Invalid; // the extension twice (RFC 8446 4.2)
            if (!ServerName(content, out serverName)) return ClientHelloResult.Invalid;
        }
        return ClientHelloResult.Complete;
    }

    /// <summary>server_name_list: entries of (type, name); the host_name (type 0) one, as an ASCII DNS name.</summary>
    static bool ServerName(ReadOnlySpan<byte> content, out string? name)
    {
        name = null;
        var reader = new Reader(content);
        if (!reader.Vector(2, out var list) || reader.Remaining != 0) return false;
        var entries = new Reader(list);
        while (entries.Remaining > 0)
        {
            if (!entries.Byte(out var type) || !entries.Vector(2, out var host)) return false;
            if (type != 0 || name is not null) continue;
            if (host.Length is 0 or > 253) return false;
            foreach (var b in host)
                if (!(b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'*' || char.IsAsciiLetterOrDigit((char)b))) return false;
            // A trailing dot is not part of SNI (RFC 6066 3) but tolerate it as the HTTP side does for Host.
            name = Encoding.ASCII.GetString(host).TrimEnd('.').ToLowerInvariant();
            if (name.Length == 0) return false;
        }
        return true;
    }

    /// <summary>A bounds-checked cursor over a span: every read says whether the bytes were there.</summary>
    ref struct Reader(ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<byte> _data = data;
        public readonly int Remaining => _data.Length;

        public bool Skip(int n)
        {
            if (n > _data.Length) return false;
            _data = _data[n..];
            return true;
        }

        public bool Byte(out byte value)
        {
            value = 0;
            if (_data.Length < 1) return false;
            value = _data[0];
            _data = _data[1..];
            return true;
        }

        public bool UInt16(out ushort value)
        {
            value = 0;
            if (_data.Length < 2) return false;
            value = BinaryPrimitives.ReadUInt16BigEndian(_data);
            _data = _data[2..];
            return true;
        }

        /// <summary>A length-prefixed vector (1 or 2 length bytes).</summary>
        public bool Vector(int lengthBytes, out ReadOnlySpan<byte> content)
        {
            content = default;
            int length;
            if (lengthBytes == 1) { if (!Byte(out var b)) return false; length = b; }
            else { if (!UInt16(out var s)) return false; length = s; }
            if (length > _data.Length) return false;
            content = _data[..length];
            _data = _data[length..];
            return true;
        }

        public bool SkipVector(int lengthBytes) => Vector(lengthBytes, out _);
    }
}
