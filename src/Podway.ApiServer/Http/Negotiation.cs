using Microsoft.AspNetCore.Http;

namespace Podway.ApiServer.Http;

/// <summary>Reads what representation the client asked for in its Accept header.</summary>
public static class Negotiation
{
    /// <summary>kubectl get asks for "application/json;as=Table;v=v1;g=meta.k8s.io,...": server-side printing.</summary>
    public static bool WantsTable(HttpRequest request)
    {
        var accept = request.Headers.Accept.ToString();
        return accept.Contains("as=Table", StringComparison.Ordinal) && accept.Contains("g=meta.k8s.io", StringComparison.Ordinal);
    }

    /// <summary>"v2" or "v2beta1" when the client accepts aggregated discovery (APIGroupDiscoveryList), else null.</summary>
    public static string? AggregatedDiscoveryVersion(HttpRequest request)
    {
        foreach (var part in request.Headers.Accept.ToString().Split(','))
        {
            if (!part.Contains("as=APIGroupDiscoveryList", StringComparison.Ordinal) || !part.Contains("g=apidiscovery.k8s.io", StringComparison.Ordinal))
                continue;
            if (part.Contains("v=v2beta1", StringComparison.Ordinal)) return "v2beta1";
            if (part.Contains("v=v2", StringComparison.Ordinal)) return "v2";
        }
        return null;
    }
}
