namespace Podway.Dns.Wire;

/// <summary>Resource record types this server reads or writes (RFC 1035, 2782, 3596, 6891).</summary>
internal static class RecordType
{
    public const ushort A = 1, NS = 2, CNAME = 5, SOA = 6, PTR = 12, TXT = 16, AAAA = 28, SRV = 33, OPT = 41, ANY = 255;
}

internal static class RecordClass
{
    public const ushort IN = 1, ANY = 255;
}

/// <summary>Response codes; BADVERS is an extended code carried partly in the OPT record.</summary>
internal static class Rcode
{
    public const int NoError = 0, FormErr = 1, ServFail = 2, NXDomain = 3, NotImp = 4, Refused = 5, BadVers = 16;
}
