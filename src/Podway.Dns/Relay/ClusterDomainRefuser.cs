using Podway.Dns.Server;
using Podway.Dns.Wire;

namespace Podway.Dns.Relay;

/// <summary>
/// Keeps the cluster's names on the machine: a query for the cluster domain (or a name under it) that reaches the
/// host relay is answered REFUSED rather than leaked to the host's resolvers, which may be outside it. Pods ask
/// kube-dns for those names; only a Pod with dnsPolicy Default asks the relay, and it has no business with them.
/// </summary>
internal sealed class ClusterDomainRefuser(string clusterDomain) : IQueryHandler
{
    readonly string _domain = clusterDomain.Trim('.').ToLowerInvariant();

    public HandlerResult Handle(DnsQuery query, ResponseWriter response)
    {
        var name = query.Name; // lower-case, no trailing dot
        var inDomain = name.SequenceEqual(_domain)
            || (name.Length > _domain.Length + 1 && name.EndsWith(_domain, StringComparison.Ordinal) && name[^(_domain.Length + 1)] == '.');
        if (!inDomain) return HandlerResult.NotMine;
        response.SetRcode(Rcode.Refused, authoritative: false);
        return HandlerResult.Answered;
    }
}
