using System.Buffers.Binary;

namespace Podway.Dns.Wire;

/// <summary>
/// One parsed query, reused packet after packet by its owner (no allocation per query). The question name is kept
/// twice: as received on the wire (uncompressed, original case, echoed in the answer as RFC 1035 and the 0x20 trick
/// expect) and as lower-case dotted text without the trailing dot, which the zone looks up.
/// </summary>
internal sealed class DnsQuery
{
    /// <summary>RFC 1035 2.3.4: 255 octets on the wire, labels of at most 63.</summary>
    public const int MaxNameWire = 255, MaxLabel = 63;
    /// <summary>A label byte that cannot be told apart from the separator in text form: it is stored as this.</summary>
    public const char EscapedDot = '\u0001';

    readonly byte[] _nameWire = new byte[MaxNameWire];
    readonly char[] _nameText = new char[MaxNameWire];
    int _nameWireLength, _nameTextLength;

    public ushort Id { get; private set; }
    public int Opcode { get; private set; }
    public bool RecursionDesired { get; private set; }
    public bool CheckingDisabled { get; private set; }
    public ushort QType { get; private set; }
    public ushort QClass { get; private set; }
    public bool HasEdns { get; private set; }
    public ushort EdnsUdpSize { get; private set; }
    public bool DnssecOk { get; private set; }

    public ReadOnlySpan<byte> NameWire => _nameWire.AsSpan(0, _nameWireLength);
    /// <summary>"web.shop.svc.cluster.local": lower case, no trailing dot, "" for the root.</summary>
    public ReadOnlySpan<char> Name => _nameText.AsSpan(0, _nameTextLength);

    /// <summary>Parses a query; never throws, whatever the bytes.</summary>
    public ParseOutcome Parse(ReadOnlySpan<byte> packet)
    {
        HasEdns = false;
        DnssecOk = false;
        EdnsUdpSize = 0;
        _nameWireLength = _nameTextLength = 0;
        QType = QClass = 0;
        if (packet.Length < 12) return ParseOutcome.Drop;
        Id = BinaryPrimitives.ReadUInt16BigEndian(packet);
        var flags = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        if ((flags & 0x8000) != 0) return ParseOutcome.Drop; // a response: answering could start a loop
        Opcode = (flags >> 11) & 0xF;
        RecursionDesired = (flags & 0x0100) != 0;
        CheckingDisabled = (flags & 0x0010) != 0;
        if (Opcode != 0) return ParseOutcome.NotImp;
        int qd = BinaryPrimitives.ReadUInt16BigEndian(packet[4..]);
        int an = BinaryPrimitives.ReadUInt16BigEndian(packet[6..]);
        int ns = BinaryPrimitives.ReadUInt16BigEndian(packet[8..]);
        int ar = BinaryPrimitives.ReadUInt16BigEndian(packet[10..]);
        if (qd != 1) return ParseOutcome.FormErr;

        int pos = 12;
        if (!ReadQuestionName(packet, ref pos)) return ParseOutcome.FormErr;
        if (pos + 4 > packet.Length) return ParseOutcome.FormErr;
        QType = BinaryPrimitives.ReadUInt16BigEndian(packet[pos..]);
        QClass = BinaryPrimitives.ReadUInt16BigEndian(packet[(pos + 2)..]);
        pos += 4;

        // Every record takes at least 11 octets: a count that cannot fit is a lie, refuse before walking it.
        if ((long)(an + ns + ar) * 11 > packet.Length - pos) return ParseOutcome.FormErr;
        for (int i = 0; i < an + ns; i++)
            if (!SkipRecord(packet, ref pos, out _, out _, out _, out _)) return ParseOutcome.FormErr;
        for (int i = 0; i < ar; i++)
        {
            int start = pos;
            if (!SkipRecord(packet, ref pos, out var type, out var cls, out var ttl, out var rootOwner)) return ParseOutcome.FormErr;
            if (type != RecordType.OPT) continue;
            // RFC 6891 6.1.1: one OPT at most, owned by the root.
            if (HasEdns || !rootOwner || packet[start] != 0) return ParseOutcome.FormErr;
            HasEdns = true;
            EdnsUdpSize = cls;
            DnssecOk = (ttl & 0x8000) != 0;
            if (((ttl >> 16) & 0xFF) != 0) return ParseOutcome.BadVers;
        }
        return ParseOutcome.Query;
    }

    /// <summary>Reads the question name, following only backward pointers (no loops possible), into both forms.</summary>
    bool ReadQuestionName(ReadOnlySpan<byte> packet, ref int pos)
    {
        int p = pos, end = -1, jumps = 0, limit = pos; // pointers must point before the label that holds them
        while (true)
        {
            if (p >= packet.Length) return false;
            byte len = packet[p];
            if ((len & 0xC0) == 0xC0)
            {
                if (p + 1 >= packet.Length) return false;
                int target = ((len & 0x3F) << 8) | packet[p + 1];
                if (end < 0) end = p + 2;
                if (target >= limit || target < 12 || ++jumps > 64) return false;
                limit = target;
                p = target;
                continue;
            }
            if ((len & 0xC0) != 0) return false; // 0x40/0x80 label types are obsolete or undefined
            if (len == 0)
            {
                if (_nameWireLength + 1 > MaxNameWire) return false;
                _nameWire[_nameWireLength++] = 0;
                pos = end < 0 ? p + 1 : end;
                return true;
            }
            if (p + 1 + len > packet.Length) return false;
            if (_nameWireLength + 1 + len + 1 > MaxNameWire) return false;
            _nameWire[_nameWireLength++] = len;
            if (_nameTextLength > 0) _nameText[_nameTextLength++] = '.';
            for (int i = 1; i <= len; i++)
            {
                byte b = packet[p + i];
                _nameWire[_nameWireLength++] = b;
                _nameText[_nameTextLength++] = b switch
                {
                    >= (byte)'A' and <= (byte)'Z' => (char)(b + 32),
                    (byte)'.' => EscapedDot,
                    _ => (char)b,
                };
            }
            p += 1 + len;
        }
    }

    /// <summary>Skips one resource record, checking that every length stays inside the packet.</summary>
    static bool SkipRecord(ReadOnlySpan<byte> packet, ref int pos, out ushort type, out ushort cls, out uint ttl, out bool rootOwner)
    {
        type = cls = 0;
        ttl = 0;
        rootOwner = pos < packet.Length && packet[pos] == 0;
        if (!SkipName(packet, ref pos)) return false;
        if (pos + 10 > packet.Length) return false;
        type = BinaryPrimitives.ReadUInt16BigEndian(packet[pos..]);
        cls = BinaryPrimitives.ReadUInt16BigEndian(packet[(pos + 2)..]);
        ttl = BinaryPrimitives.ReadUInt32BigEndian(packet[(pos + 4)..]);
        int rdlen = BinaryPrimitives.ReadUInt16BigEndian(packet[(pos + 8)..]);
        pos += 10;
        if (pos + rdlen > packet.Length) return false;
        pos += rdlen;
        return true;
    }

    /// <summary>Skips a name in place: labels until the root or a pointer (the pointer's target is not followed).</summary>
    static bool SkipName(ReadOnlySpan<byte> packet, ref int pos)
    {
        int total = 0;
        while (true)
        {
            if (pos >= packet.Length) return false;
            byte len = packet[pos];
            if ((len & 0xC0) == 0xC0)
            {
                if (pos + 2 > packet.Length) return false;
                pos += 2;
                return true;
            }
            if ((len & 0xC0) != 0) return false;
            pos += 1 + len;
            total += 1 + len;
            if (total > MaxNameWire) return false;
            if (len == 0) return true;
        }
    }
}
