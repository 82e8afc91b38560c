using Podway.Dns.Wire;

namespace Podway.Dns.Server;

/// <summary>What a handler did with a query.</summary>
internal enum HandlerResult
{
    /// <summary>The response is written.</summary>
    Answered,
    /// <summary>Not this handler's name: pass it on (to the upstream resolvers).</summary>
    NotMine,
}

/// <summary>
/// The handler contract, as small as CoreDNS's plugin.Handler: look at the question, write the answer or decline.
/// Synchronous and allocation-free by design; slow work (forwarding) lives outside the chain.
/// </summary>
internal interface IQueryHandler
{
    HandlerResult Handle(DnsQuery query, ResponseWriter response);
}
