namespace Podway.Dns.Wire;

/// <summary>What to do with a received packet after parsing it.</summary>
internal enum ParseOutcome
{
    /// <summary>A well-formed standard query with one question.</summary>
    Query,
    /// <summary>Not worth an answer (too short for a header, or a response): drop silently.</summary>
    Drop,
    /// <summary>Header readable but the rest is malformed: answer FORMERR with the header only.</summary>
    FormErr,
    /// <summary>An opcode other than QUERY: answer NOTIMP.</summary>
    NotImp,
    /// <summary>EDNS version above 0: answer BADVERS (RFC 6891 6.1.3).</summary>
    BadVers,
}
