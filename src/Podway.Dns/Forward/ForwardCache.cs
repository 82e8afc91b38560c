using System.Buffers.Binary;
using System.Collections.Concurrent;
using Podway.Dns.Wire;

namespace Podway.Dns.Forward;

/// <summary>
/// Upstream answers kept for reuse, as CoreDNS's <c>cache 30</c> in the kubeadm Corefile: NOERROR and NXDOMAIN
/// answers for at most <see cref="MaxTtl"/> (or less, as their records say), never a truncated answer, a SERVFAIL or
/// anything that does not parse. A hit is the stored answer with the asker's ID, its question name as the asker
/// wrote it (case included, for the 0x20 trick), and every TTL lowered by the seconds it spent here.
/// </summary>
internal sealed class ForwardCache(TimeProvider? time = null, int capacity = ForwardCache.DefaultCapacity)
{
    public const int DefaultCapacity = 9984; // CoreDNS's default
    /// <summary>Larger answers (only TCP carries them) are not kept, so the cache stays under ~40 MB.</summary>
    const int MaxAnswerBytes = 4096;
    public static readonly TimeSpan MaxTtl = TimeSpan.FromSeconds(30);

    readonly TimeProvider _time = time ?? TimeProvider.System;
    readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    long _lastEvict = long.MinValue;

    sealed record Entry(byte[] Answer, long StoredAt, int Ttl);

    /// <summary>Writes a cached answer for <paramref name="query"/> into <paramref name="response"/>; 0 on a miss.</summary>
    internal int TryAnswer(DnsQuery query, Span<byte> response, bool tcp)
    {
        if (!_entries.TryGetValue(Key(query, tcp), out var entry)) return 0;
        var age = (int)_time.GetElapsedTime(entry.StoredAt).TotalSeconds;
        if (age >= entry.Ttl || entry.Answer.Length > response.Length) return 0;
        entry.Answer.CopyTo(response);
        var answer = response[..entry.Answer.Length];
        BinaryPrimitives.WriteUInt16BigEndian(answer, query.Id);
        query.NameWire.CopyTo(answer[12..]); // same name, so the same length: only the asker's letter case differs
        return AdjustTtls(answer, age, out _) ? answer.Length : 0;
    }

    /// <summary>Keeps an upstream answer to <paramref name="query"/> if it may be reused.</summary>
    internal void Store(DnsQuery query, ReadOnlySpan<byte> answer, bool tcp)
    {
        if (answer.Length < 12 || answer.Length > MaxAnswerBytes || (answer[2] & 0x02) != 0) return; // too large, or truncated
        var rcode = answer[3] & 0x0F;
        if (rcode is not (Rcode.NoError or Rcode.NXDomain)) return;
        if (BinaryPrimitives.ReadUInt16BigEndian(answer[4..]) != 1 || !answer.Slice(12).StartsWith(query.NameWire)) return;
        var copy = answer.ToArray();
        if (!AdjustTtls(copy, 0, out var minTtl) || minTtl <= 0) return;
        if (_entries.Count >= capacity && !Evict()) return;
        _entries[Key(query, tcp)] = new Entry(copy, _time.GetTimestamp(), (int)Math.Min(minTtl, MaxTtl.TotalSeconds));
    }

    /// <summary>
    /// Drops what has expired; false when the cache is still full. A full scan at most once a second, so a flood of
    /// new names does not pay one per forward.
    /// </summary>
    bool Evict()
    {
        var last = Interlocked.Read(ref _lastEvict);
        if (last != long.MinValue && _time.GetElapsedTime(last) < TimeSpan.FromSeconds(1)) return false;
        Interlocked.Exchange(ref _lastEvict, _time.GetTimestamp());
        foreach (var (key, entry) in _entries)
            if (_time.GetElapsedTime(entry.StoredAt).TotalSeconds >= entry.Ttl) _entries.TryRemove(key, out _);
        return _entries.Count < capacity;
    }

    /// <summary>
    /// The question and everything that shapes the answer: EDNS and its size (what fits), DO and CD, and UDP or TCP
    /// (a UDP answer may have been cut to fit; a truncated one is never stored, but a smaller one may have been).
    /// </summary>
    static string Key(DnsQuery q, bool tcp) =>
        $"{q.Name}|{q.QType}|{q.QClass}|{(q.HasEdns ? q.EdnsUdpSize : -1)}|{(q.DnssecOk ? 1 : 0)}{(q.CheckingDisabled ? 1 : 0)}{(tcp ? 1 : 0)}";

    /// <summary>
    /// Walks every record after the question, lowering its TTL by <paramref name="age"/> seconds (the OPT record's
    /// TTL field holds flags and is left alone) and reporting the smallest TTL left, the one the answer may live by.
    /// False when the message does not parse.
    /// </summary>
    static bool AdjustTtls(Span<byte> message, int age, out long minTtl)
    {
        minTtl = long.MaxValue;
        int records = BinaryPrimitives.ReadUInt16BigEndian(message[6..]) + BinaryPrimitives.ReadUInt16BigEndian(message[8..])
            + BinaryPrimitives.ReadUInt16BigEndian(message[10..]);
        int pos = 12;
        if (!SkipName(message, ref pos) || (pos += 4) > message.Length) return false;
        for (int i = 0; i < records; i++)
        {
            if (!SkipName(message, ref pos) || pos + 10 > message.Length) return false;
            var type = BinaryPrimitives.ReadUInt16BigEndian(message[pos..]);
            var ttlField = message.Slice(pos + 4, 4);
            int rdLength = BinaryPrimitives.ReadUInt16BigEndian(message[(pos + 8)..]);
            pos += 10 + rdLength;
            if (pos > message.Length) return false;
            if (type == RecordType.OPT) continue;
            long ttl = Math.Max(0, (long)BinaryPrimitives.ReadUInt32BigEndian(ttlField) - age);
            BinaryPrimitives.WriteUInt32BigEndian(ttlField, (uint)ttl);
            minTtl = Math.Min(minTtl, ttl);
        }
        if (minTtl == long.MaxValue) minTtl = 0; // no records at all: nothing says how long it holds
        return pos == message.Length;
    }

    /// <summary>Skips a name: labels ending in the root, or in a compression pointer.</summary>
    static bool SkipName(ReadOnlySpan<byte> message, ref int pos)
    {
        while (pos < message.Length)
        {
            int length = message[pos];
            if (length == 0) { pos++; return true; }
            if ((length & 0xC0) == 0xC0) { pos += 2; return pos <= message.Length; }
            if ((length & 0xC0) != 0) return false;
            pos += 1 + length;
        }
        return false;
    }
}
