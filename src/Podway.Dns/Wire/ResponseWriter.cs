using System.Buffers.Binary;

namespace Podway.Dns.Wire;

/// <summary>
/// Builds one response into a caller-owned buffer, with RFC 1035 4.1.4 name compression against every name already
/// written. Writes never throw: a record that does not fit the size limit is rolled back and the response is marked
/// truncated, which <see cref="Finish"/> turns into an empty TC answer for UDP (the client retries over TCP).
/// Reused query after query by its owner.
/// </summary>
internal sealed class ResponseWriter
{
    const int MaxCompressionTargets = 128;
    const int OptSize = 11;

    readonly ushort[] _targets = new ushort[MaxCompressionTargets];
    byte[] _buf = [];
    int _pos, _limit, _targetCount, _questionEnd;
    int _answers, _authorities, _additionals;
    bool _truncated, _edns;
    ushort _flags;

    public bool Truncated => _truncated;
    public int AnswerCount => _answers;

    /// <summary>Starts a response to <paramref name="query"/> in <paramref name="buffer"/>, at most <paramref name="limit"/> bytes long.</summary>
    public void Begin(DnsQuery query, byte[] buffer, int limit, bool authoritative, int rcode)
    {
        _buf = buffer;
        _limit = Math.Min(limit, buffer.Length);
        _edns = query.HasEdns;
        if (_edns) _limit -= OptSize; // keep room for our OPT whatever happens
        _pos = 12;
        _targetCount = 0;
        _answers = _authorities = _additionals = 0;
        _truncated = false;
        _flags = (ushort)(0x8000 | (query.RecursionDesired ? 0x0100 : 0) | 0x0080 | (authoritative ? 0x0400 : 0)
            | (query.CheckingDisabled ? 0x0010 : 0) | (rcode & 0xF));
        BinaryPrimitives.WriteUInt16BigEndian(_buf, query.Id);
        var name = query.NameWire;
        // The question always fits: 12 + 255 + 4 + 11 < 512.
        int labelStart = _pos;
        name.CopyTo(_buf.AsSpan(_pos));
        for (int p = 0; p < name.Length && name[p] != 0; p += name[p] + 1) AddTarget(labelStart + p);
        _pos += name.Length;
        BinaryPrimitives.WriteUInt16BigEndian(_buf.AsSpan(_pos), query.QType);
        BinaryPrimitives.WriteUInt16BigEndian(_buf.AsSpan(_pos + 2), query.QClass);
        _pos += 4;
        _questionEnd = _pos;
    }

    /// <summary>A header-only answer (FORMERR, NOTIMP) for a packet whose question could not be read.</summary>
    public static int WriteHeaderOnly(ReadOnlySpan<byte> packet, Span<byte> buffer, int rcode)
    {
        ushort id = BinaryPrimitives.ReadUInt16BigEndian(packet);
        ushort queryFlags = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        buffer[..12].Clear();
        BinaryPrimitives.WriteUInt16BigEndian(buffer, id);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], (ushort)(0x8000 | (queryFlags & 0x7900) | 0x0080 | (rcode & 0xF)));
        return 12;
    }

    public void SetRcode(int rcode, bool authoritative)
    {
        _flags = (ushort)((_flags & ~0x040F) | (authoritative ? 0x0400 : 0) | (rcode & 0xF));
    }

    public enum Section { Answer, Authority, Additional }

    /// <summary>Owner name given as a pointer to the question (the common case: the name asked).</summary>
    public const int QuestionName = 12;

    public bool A(Section section, ReadOnlySpan<char> owner, uint ttl, ReadOnlySpan<byte> address) =>
        Record(section, owner, RecordType.A, ttl, address, default, RData.Bytes);

    public bool Aaaa(Section section, ReadOnlySpan<char> owner, uint ttl, ReadOnlySpan<byte> address) =>
        Record(section, owner, RecordType.AAAA, ttl, address, default, RData.Bytes);

    public bool Ptr(Section section, ReadOnlySpan<char> owner, uint ttl, ReadOnlySpan<char> target) =>
        Record(section, owner, RecordType.PTR, ttl, default, target, RData.Name);

    public bool Cname(Section section, ReadOnlySpan<char> owner, uint ttl, ReadOnlySpan<char> target) =>
        Record(section, owner, RecordType.CNAME, ttl, default, target, RData.Name);

    public bool Txt(Section section, ReadOnlySpan<char> owner, uint ttl, ReadOnlySpan<char> text) =>
        Record(section, owner, RecordType.TXT, ttl, default, text, RData.Text);

    public bool Srv(Section section, ReadOnlySpan<char> owner, uint ttl, ushort priority, ushort weight, ushort port, ReadOnlySpan<char> target)
    {
        Span<byte> fixedPart = stackalloc byte[6];
        BinaryPrimitives.WriteUInt16BigEndian(fixedPart, priority);
        BinaryPrimitives.WriteUInt16BigEndian(fixedPart[2..], weight);
        BinaryPrimitives.WriteUInt16BigEndian(fixedPart[4..], port);
        // RFC 2782: the target is not compressed.
        return Record(section, owner, RecordType.SRV, ttl, fixedPart, target, RData.BytesThenUncompressedName);
    }

    /// <summary>CoreDNS kubernetes plugin's SOA: ns.dns.ZONE hostmaster.ZONE serial 7200 1800 86400 minttl.</summary>
    public bool Soa(Section section, ReadOnlySpan<char> zone, uint ttl, uint serial)
    {
        int mark = _pos, marks = _targetCount;
        if (!WriteName(zone, compress: true) || !Fits(10)) return Rollback(mark, marks);
        BinaryPrimitives.WriteUInt16BigEndian(_buf.AsSpan(_pos), RecordType.SOA);
        BinaryPrimitives.WriteUInt16BigEndian(_buf.AsSpan(_pos + 2), RecordClass.IN);
        BinaryPrimitives.WriteUInt32BigEndian(_buf.AsSpan(_pos + 4), ttl);
        int rdlenAt = _pos + 8;
        _pos += 10;
        int rdStart = _pos;
        Span<char> text = stackalloc char[DnsQuery.MaxNameWire + 16];
        int n = Concat(text, "ns.dns.", zone);
        if (n < 0 || !WriteName(text[..n], compress: true)) return Rollback(mark, marks);
        n = Concat(text, "hostmaster.", zone);
        if (n < 0 || !WriteName(text[..n], compress: true) || !Fits(20)) return Rollback(mark, marks);
        var span = _buf.AsSpan(_pos);
        BinaryPrimitives.WriteUInt32BigEndian(span, serial);
        BinaryPrimitives.WriteUInt32BigEndian(span[4..], 7200);
        BinaryPrimitives.WriteUInt32BigEndian(span[8..], 1800);
        BinaryPrimitives.WriteUInt32BigEndian(span[12..], 86400);
        BinaryPrimitives.WriteUInt32BigEndian(span[16..], ttl);
        _pos += 20;
        BinaryPrimitives.WriteUInt16BigEndian(_buf.AsSpan(rdlenAt), (ushort)(_pos - rdStart));
        Count(section);
        return true;
    }

    static int Concat(Span<char> dest, string prefix, ReadOnlySpan<char> rest)
    {
        if (prefix.Length + rest.Length > dest.Length) return -1;
        prefix.CopyTo(dest);
        rest.CopyTo(dest[prefix.Length..]);
        return prefix.Length + rest.Length;
    }

    enum RData { Bytes, Name, Text, BytesThenUncompressedName }

    bool Record(Section section, ReadOnlySpan<char> owner, ushort type, uint ttl, ReadOnlySpan<byte> bytes, ReadOnlySpan<char> text, RData kind)
    {
        if (_truncated) return false;
        int mark = _pos, marks = _targetCount;
        if (!WriteOwner(owner) || !Fits(10)) return Rollback(mark, marks);
        BinaryPrimitives.WriteUInt16BigEndian(_buf.AsSpan(_pos), type);
        BinaryPrimitives.WriteUInt16BigEndian(_buf.AsSpan(_pos + 2), RecordClass.IN);
        BinaryPrimitives.WriteUInt32BigEndian(_buf.AsSpan(_pos + 4), ttl);
        int rdlenAt = _pos + 8;
        _pos += 10;
        int rdStart = _pos;
        switch (kind)
        {
            case RData.Bytes:
                if (!WriteBytes(bytes)) return Rollback(mark, marks);
                break;
            case RData.Name:
                if (!WriteName(text, compress: true)) return Rollback(mark, marks);
                break;
            case RData.BytesThenUncompressedName:
                if (!WriteBytes(bytes) || !WriteName(text, compress: false)) return Rollback(mark, marks);
                break;
            case RData.Text:
                if (text.Length > 255 || !Fits(1 + text.Length)) return Rollback(mark, marks);
                _buf[_pos++] = (byte)text.Length;
                foreach (var c in text) _buf[_pos++] = (byte)c;
                break;
        }
        BinaryPrimitives.WriteUInt16BigEndian(_buf.AsSpan(rdlenAt), (ushort)(_pos - rdStart));
        Count(section);
        return true;
    }

    void Count(Section section)
    {
        switch (section)
        {
            case Section.Answer: _answers++; break;
            case Section.Authority: _authorities++; break;
            default: _additionals++; break;
        }
    }

    /// <summary>An empty owner means the question name (a pointer to offset 12).</summary>
    bool WriteOwner(ReadOnlySpan<char> owner)
    {
        if (!owner.IsEmpty) return WriteName(owner, compress: true);
        if (!Fits(2)) return false;
        _buf[_pos++] = 0xC0;
        _buf[_pos++] = QuestionName;
        return true;
    }

    bool Rollback(int mark, int marks)
    {
        _pos = mark;
        _targetCount = marks;
        _truncated = true;
        return false;
    }

    bool Fits(int n) => _pos + n <= _limit;

    bool WriteBytes(ReadOnlySpan<byte> bytes)
    {
        if (!Fits(bytes.Length)) return false;
        bytes.CopyTo(_buf.AsSpan(_pos));
        _pos += bytes.Length;
        return true;
    }

    /// <summary>Writes a dotted name ("a.b.c", "" = root); with compression, the longest suffix already in the message becomes a pointer.</summary>
    bool WriteName(ReadOnlySpan<char> name, bool compress)
    {
        if (name.Length > 0 && name[^1] == '.') name = name[..^1];
        int start = 0;
        while (start < name.Length)
        {
            var suffix = name[start..];
            if (compress && FindSuffix(suffix, out var offset))
            {
                if (!Fits(2)) return false;
                _buf[_pos++] = (byte)(0xC0 | (offset >> 8));
                _buf[_pos++] = (byte)offset;
                return true;
            }
            int dot = suffix.IndexOf('.');
            int len = dot < 0 ? suffix.Length : dot;
            if (len == 0 || len > DnsQuery.MaxLabel || !Fits(1 + len)) return false;
            AddTarget(_pos);
            _buf[_pos++] = (byte)len;
            for (int i = 0; i < len; i++) _buf[_pos++] = (byte)suffix[i];
            start += len + 1;
        }
        if (!Fits(1)) return false;
        _buf[_pos++] = 0;
        return true;
    }

    void AddTarget(int offset)
    {
        if (offset < 0x3FFF && _targetCount < MaxCompressionTargets) _targets[_targetCount++] = (ushort)offset;
    }

    bool FindSuffix(ReadOnlySpan<char> suffix, out int offset)
    {
        for (int t = 0; t < _targetCount; t++)
            if (NameAtEquals(_targets[t], suffix))
            {
                offset = _targets[t];
                return true;
            }
        offset = 0;
        return false;
    }

    /// <summary>Does the name written at <paramref name="offset"/> spell <paramref name="text"/> (ASCII case-insensitive)?</summary>
    bool NameAtEquals(int offset, ReadOnlySpan<char> text)
    {
        int p = offset, i = 0, guard = 0;
        while (++guard < 128)
        {
            byte len = _buf[p];
            if ((len & 0xC0) == 0xC0)
            {
                p = ((len & 0x3F) << 8) | _buf[p + 1];
                continue;
            }
            if (len == 0) return i >= text.Length;
            if (i > 0)
            {
                if (i >= text.Length || text[i] != '.') return false;
                i++;
            }
            if (i + len > text.Length) return false;
            for (int k = 0; k < len; k++)
                if (Lower(_buf[p + 1 + k]) != Lower(text[i + k])) return false;
            i += len;
            if (i < text.Length && text[i] != '.') return false;
            p += 1 + len;
        }
        return false;
    }

    static int Lower(int c) => c is >= 'A' and <= 'Z' ? c + 32 : c;

    /// <summary>Completes the header (and OPT); returns the response length. A truncated UDP answer keeps only the question.</summary>
    public int Finish(ushort ednsUdpSize)
    {
        if (_truncated)
        {
            _pos = _questionEnd;
            _answers = _authorities = _additionals = 0;
            _targetCount = 0;
            _flags |= 0x0200;
        }
        if (_edns)
        {
            // Room was reserved in Begin. Root owner, type OPT, class = our UDP payload size, TTL 0, no options.
            var span = _buf.AsSpan(_pos);
            span[0] = 0;
            BinaryPrimitives.WriteUInt16BigEndian(span[1..], RecordType.OPT);
            BinaryPrimitives.WriteUInt16BigEndian(span[3..], ednsUdpSize);
            BinaryPrimitives.WriteUInt32BigEndian(span[5..], 0);
            BinaryPrimitives.WriteUInt16BigEndian(span[9..], 0);
            _pos += OptSize;
            _additionals++;
        }
        BinaryPrimitives.WriteUInt16BigEndian(_buf.AsSpan(2), _flags);
        BinaryPrimitives.WriteUInt16BigEndian(_buf.AsSpan(4), 1);
        BinaryPrimitives.WriteUInt16BigEndian(_buf.AsSpan(6), (ushort)_answers);
        BinaryPrimitives.WriteUInt16BigEndian(_buf.AsSpan(8), (ushort)_authorities);
        BinaryPrimitives.WriteUInt16BigEndian(_buf.AsSpan(10), (ushort)_additionals);
        return _pos;
    }

    /// <summary>A BADVERS answer (RFC 6891 6.1.3): extended rcode 16 = header 0 + OPT upper bits 1.</summary>
    public static int WriteBadVers(ReadOnlySpan<byte> packet, Span<byte> buffer, ushort ednsUdpSize)
    {
        int n = WriteHeaderOnly(packet, buffer, 0);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[10..], 1);
        var span = buffer[n..];
        span[0] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(span[1..], RecordType.OPT);
        BinaryPrimitives.WriteUInt16BigEndian(span[3..], ednsUdpSize);
        BinaryPrimitives.WriteUInt32BigEndian(span[5..], (uint)(Rcode.BadVers >> 4) << 24);
        BinaryPrimitives.WriteUInt16BigEndian(span[9..], 0);
        return n + 11;
    }
}
