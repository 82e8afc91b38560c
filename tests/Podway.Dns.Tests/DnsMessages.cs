using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Podway.Dns.Tests;

/// <summary>A decoded response: rcode, flags and each section as presentation-format lines ("name. ttl IN TYPE rdata").</summary>
internal sealed record DecodedResponse(ushort Id, int Rcode, bool Authoritative, bool Truncated, bool RecursionAvailable,
    string Question, List<string> Answers, List<string> Authority, List<string> Additional, int? EdnsUdpSize, int Length);

/// <summary>Test-side DNS codec, written independently of the server's so each checks the other.</summary>
internal static class DnsMessages
{
    public static byte[] Query(string name, ushort type, ushort id = 0x1234, int? ednsSize = null, int ednsVersion = 0, bool rd = true)
    {
        var bytes = new List<byte> { (byte)(id >> 8), (byte)id, (byte)(rd ? 0x01 : 0x00), 0, 0, 1, 0, 0, 0, 0, 0, (byte)(ednsSize is null ? 0 : 1) };
        foreach (var label in name.TrimEnd('.').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(Encoding.ASCII.GetBytes(label));
        }
        bytes.Add(0);
        bytes.AddRange([(byte)(type >> 8), (byte)type, 0, 1]);
        if (ednsSize is { } size)
            bytes.AddRange([0, 0, 41, (byte)(size >> 8), (byte)size, 0, (byte)ednsVersion, 0, 0, 0, 0]);
        return [.. bytes];
    }

    public static DecodedResponse Decode(ReadOnlySpan<byte> m)
    {
        var id = BinaryPrimitives.ReadUInt16BigEndian(m);
        var flags = BinaryPrimitives.ReadUInt16BigEndian(m[2..]);
        int qd = BinaryPrimitives.ReadUInt16BigEndian(m[4..]), an = BinaryPrimitives.ReadUInt16BigEndian(m[6..]);
        int ns = BinaryPrimitives.ReadUInt16BigEndian(m[8..]), ar = BinaryPrimitives.ReadUInt16BigEndian(m[10..]);
        int pos = 12;
        string question = "";
        for (int i = 0; i < qd; i++)
        {
            question = ReadName(m, ref pos);
            question += " " + TypeName(BinaryPrimitives.ReadUInt16BigEndian(m[pos..]));
            pos += 4;
        }
        int? edns = null;
        int extended = 0;
        List<string> Section(int count, ref int pos, ref int? edns, ref int extended, ReadOnlySpan<byte> m)
        {
            var list = new List<string>();
            for (int i = 0; i < count; i++)
            {
                var owner = ReadName(m, ref pos);
                ushort type = BinaryPrimitives.ReadUInt16BigEndian(m[pos..]);
                ushort cls = BinaryPrimitives.ReadUInt16BigEndian(m[(pos + 2)..]);
                uint ttl = BinaryPrimitives.ReadUInt32BigEndian(m[(pos + 4)..]);
                int rdlen = BinaryPrimitives.ReadUInt16BigEndian(m[(pos + 8)..]);
                pos += 10;
                int rd = pos;
                if (type == 41)
                {
                    edns = cls;
                    extended = (int)(ttl >> 24);
                    pos += rdlen;
                    continue;
                }
                string data = type switch
                {
                    1 or 28 => new IPAddress(m.Slice(rd, rdlen)).ToString(),
                    5 or 12 => ReadName(m, ref rd),
                    16 => "\"" + Encoding.ASCII.GetString(m.Slice(rd + 1, m[rd])) + "\"",
                    33 => $"{BinaryPrimitives.ReadUInt16BigEndian(m[rd..])} {BinaryPrimitives.ReadUInt16BigEndian(m[(rd + 2)..])} {BinaryPrimitives.ReadUInt16BigEndian(m[(rd + 4)..])} {Name(m, rd + 6)}",
                    6 => Soa(m, rd),
                    _ => Convert.ToHexString(m.Slice(rd, rdlen)),
                };
                pos += rdlen;
                list.Add($"{owner} {ttl} IN {TypeName(type)} {data}");
            }
            return list;
        }
        var answers = Section(an, ref pos, ref edns, ref extended, m);
        var authority = Section(ns, ref pos, ref edns, ref extended, m);
        var additional = Section(ar, ref pos, ref edns, ref extended, m);
        return new DecodedResponse(id, (flags & 0xF) | (extended << 4), (flags & 0x0400) != 0, (flags & 0x0200) != 0, (flags & 0x0080) != 0,
            question, answers, authority, additional, edns, m.Length);
    }

    static string Name(ReadOnlySpan<byte> m, int pos) => ReadName(m, ref pos);

    static string Soa(ReadOnlySpan<byte> m, int rd)
    {
        var mname = ReadName(m, ref rd);
        var rname = ReadName(m, ref rd);
        var n = new uint[5];
        for (int i = 0; i < 5; i++) n[i] = BinaryPrimitives.ReadUInt32BigEndian(m[(rd + 4 * i)..]);
        return $"{mname} {rname} {n[0]} {n[1]} {n[2]} {n[3]} {n[4]}";
    }

    /// <summary>Reads a (possibly compressed) name, lower-cased, with the trailing dot.</summary>
    public static string ReadName(ReadOnlySpan<byte> m, ref int pos)
    {
        var sb = new StringBuilder();
        int p = pos, jumps = 0;
        bool jumped = false;
        while (true)
        {
            byte len = m[p];
            if ((len & 0xC0) == 0xC0)
            {
                if (!jumped) pos = p + 2;
                jumped = true;
                if (++jumps > 100) throw new InvalidDataException("compression loop in a response");
                p = ((len & 0x3F) << 8) | m[p + 1];
                continue;
            }
            if (len == 0)
            {
                if (!jumped) pos = p + 1;
                return sb.Length == 0 ? "." : sb.ToString().ToLowerInvariant();
            }
            sb.Append(Encoding.ASCII.GetString(m.Slice(p + 1, len))).Append('.');
            p += 1 + len;
        }
    }

    static string TypeName(ushort type) => type switch
    {
        1 => "A", 2 => "NS", 5 => "CNAME", 6 => "SOA", 12 => "PTR", 16 => "TXT", 28 => "AAAA", 33 => "SRV", 41 => "OPT", 255 => "ANY",
        _ => "TYPE" + type,
    };
}
