using System.Text.RegularExpressions;
using Podway.Edge.Routing;

namespace Podway.Edge.Gateway;

/// <summary>One GRPCRoute match compiled for the data plane, with the action of its rule. A gRPC request's path is
/// `/SERVICE/METHOD`; service and method each match Exact (case-sensitive) or by RegularExpression (whole value),
/// or anything when the match leaves them out.</summary>
internal sealed class GrpcRouteRule
{
    public NameMatch? Service { get; init; }
    public NameMatch? Method { get; init; }
    public required IReadOnlyList<ValueMatch> Headers { get; init; }
    public required RouteAction Action { get; init; }
    public required IngressAge Age { get; init; }
    public required int RuleIndex { get; init; }
    public required int MatchIndex { get; init; }

    public bool Matches(string service, string method, Func<string, string?> header)
    {
        if (Service is not null && !Service.Matches(service)) return false;
        if (Method is not null && !Method.Matches(method)) return false;
        foreach (var h in Headers)
            if (header(h.Name) is not { } value || !h.Matches(value)) return false;
        return true;
    }

    /// <summary>The spec's precedence within one route hostname (hostnames are ordered before, by the listener): the
    /// most characters in the service match, then in the method match, then the most header matches; then the oldest
    /// route, namespace/name, and rule and match order.</summary>
    public static int Precedence(GrpcRouteRule a, GrpcRouteRule b)
    {
        var c = (b.Service?.Value.Length ?? 0).CompareTo(a.Service?.Value.Length ?? 0);
        if (c != 0) return c;
        if ((c = (b.Method?.Value.Length ?? 0).CompareTo(a.Method?.Value.Length ?? 0)) != 0) return c;
        if ((c = b.Headers.Count.CompareTo(a.Headers.Count)) != 0) return c;
        if ((c = a.Age.CompareTo(b.Age)) != 0) return c;
        return (c = a.RuleIndex.CompareTo(b.RuleIndex)) != 0 ? c : a.MatchIndex.CompareTo(b.MatchIndex);
    }

    /// <summary>Splits a gRPC request path `/package.Service/Method` into service and method; false for any other
    /// shape (such a request matches no GRPCRoute rule).</summary>
    public static bool TrySplitPath(string path, out string service, out string method)
    {
        service = method = "";
        if (path.Length < 4 || path[0] != '/') return false;
        var slash = path.IndexOf('/', 1);
        if (slash <= 1 || slash == path.Length - 1 || path.IndexOf('/', slash + 1) >= 0) return false;
        service = path[1..slash];
        method = path[(slash + 1)..];
        return true;
    }
}

/// <summary>A gRPC service or method match: Exact (case-sensitive) or RegularExpression (.NET syntax, whole value).</summary>
internal sealed record NameMatch(string Value, Regex? Regex)
{
    public bool Matches(string actual) => Regex?.IsMatch(actual) ?? actual == Value;
}
