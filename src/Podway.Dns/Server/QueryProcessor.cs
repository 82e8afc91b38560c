using Podway.Dns.Wire;

namespace Podway.Dns.Server;

internal enum ProcessResult { Respond, Drop, Forward }

/// <summary>
/// Turns one received packet into a response: parse, run the handler chain, apply the transport's size limit.
/// One per receive loop (it owns reusable parse and write state), so the hot path allocates nothing.
/// </summary>
internal sealed class QueryProcessor(IReadOnlyList<IQueryHandler> chain)
{
    /// <summary>The UDP payload size we advertise (DNS flag day 2020).</summary>
    public const ushort AdvertisedUdpSize = 1232;
    public const int MaxUdpAnswer = 4096, MaxTcpMessage = 65535;

    readonly DnsQuery _query = new();
    readonly ResponseWriter _writer = new();

    /// <summary>The query last processed (valid after <see cref="ProcessResult.Forward"/>).</summary>
    public DnsQuery Query => _query;

    public ProcessResult Process(ReadOnlySpan<byte> packet, byte[] response, bool tcp, out int length)
    {
        length = 0;
        switch (_query.Parse(packet))
        {
            case ParseOutcome.Drop:
                return ProcessResult.Drop;
            case ParseOutcome.FormErr:
                length = ResponseWriter.WriteHeaderOnly(packet, response, Rcode.FormErr);
                return ProcessResult.Respond;
            case ParseOutcome.NotImp:
                length = ResponseWriter.WriteHeaderOnly(packet, response, Rcode.NotImp);
                return ProcessResult.Respond;
            case ParseOutcome.BadVers:
                length = ResponseWriter.WriteBadVers(packet, response, AdvertisedUdpSize);
                return ProcessResult.Respond;
        }
        _writer.Begin(_query, response, Limit(tcp), authoritative: false, Rcode.NoError);
        foreach (var handler in chain)
            if (handler.Handle(_query, _writer) == HandlerResult.Answered)
            {
                length = _writer.Finish(AdvertisedUdpSize);
                return ProcessResult.Respond;
            }
        return ProcessResult.Forward;
    }

    /// <summary>SERVFAIL for the query last processed (its upstreams did not answer).</summary>
    public int ServFail(ReadOnlySpan<byte> packet, byte[] response, bool tcp)
    {
        if (_query.Parse(packet) != ParseOutcome.Query) return ResponseWriter.WriteHeaderOnly(packet, response, Rcode.ServFail);
        _writer.Begin(_query, response, Limit(tcp), authoritative: false, Rcode.ServFail);
        return _writer.Finish(AdvertisedUdpSize);
    }

    /// <summary>RFC 1035: 512 over UDP unless EDNS says more; TCP takes any message.</summary>
    int Limit(bool tcp) => tcp ? MaxTcpMessage
        : _query.HasEdns ? Math.Clamp((int)_query.EdnsUdpSize, 512, MaxUdpAnswer) : 512;
}
