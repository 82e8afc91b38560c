using System.Text.RegularExpressions;
using Podway.Edge.Routing;

namespace Podway.Edge.Gateway;

/// <summary>One HTTPRoute match compiled for the data plane, with the action of its rule.</summary>
internal sealed class HttpRouteRule
{
    public required PathMatch Path { get; init; }
    public string? Method { get; init; }
    public required IReadOnlyList<ValueMatch> Headers { get; init; }
    public required IReadOnlyList<ValueMatch> QueryParams { get; init; }
    public required RouteAction Action { get; init; }
    /// <summary>Tie breaker: the route's age (oldest first, then namespace/name), then rule and match index.</summary>
    public required IngressAge Age { get; init; }
    public required int RuleIndex { get; init; }
    public required int MatchIndex { get; init; }

    public bool Matches(string path, string method, Func<string, string?> header, Func<string, string?> query)
    {
        if (!Path.Matches(path)) return false;
        if (Method is not null && Method != method) return false;
        foreach (var h in Headers)
            if (header(h.Name) is not { } value || !h.Matches(value)) return false;
        foreach (var q in QueryParams)
            if (query(q.Name) is not { } value || !q.Matches(value)) return false;
        return true;
    }

    /// <summary>The spec's precedence: Exact path, then (podway's choice for the implementation-specific regex) a
    /// RegularExpression path, then the longest PathPrefix; then a method match; then the most header matches; then the
    /// most query matches; then the oldest route, then namespace/name, then rule and match order.</summary>
    public static int Precedence(HttpRouteRule a, HttpRouteRule b)
    {
        var c = a.Path.Rank.CompareTo(b.Path.Rank);
        if (c != 0) return c;
        if ((c = b.Path.Value.Length.CompareTo(a.Path.Value.Length)) != 0) return c;
        if ((c = (b.Method is not null).CompareTo(a.Method is not null)) != 0) return c;
        if ((c = b.Headers.Count.CompareTo(a.Headers.Count)) != 0) return c;
        if ((c = b.QueryParams.Count.CompareTo(a.QueryParams.Count)) != 0) return c;
        if ((c = a.Age.CompareTo(b.Age)) != 0) return c;
        return (c = a.RuleIndex.CompareTo(b.RuleIndex)) != 0 ? c : a.MatchIndex.CompareTo(b.MatchIndex);
    }
}

/// <summary>An HTTPRoute path match: Exact (as written), PathPrefix (element-wise, trailing slash ignored, as the
/// Ingress Prefix), RegularExpression (whole path).</summary>
internal sealed class PathMatch
{
    public const string Exact = "Exact", Prefix = "PathPrefix", RegularExpression = "RegularExpression";

    public required string Type { get; init; }
    /// <summary>For PathPrefix normalized without trailing slashes ("/" stays "/").</summary>
    public required string Value { get; init; }
    public Regex? Regex { get; init; }

    public int Rank => Type switch { Exact => 0, RegularExpression => 1, _ => 2 };

    public bool Matches(string path) => Type switch
    {
        Exact => path == Value,
        RegularExpression => Regex!.IsMatch(path),
        _ => Value.Length == 1 || path.StartsWith(Value, StringComparison.Ordinal) && (path.Length == Value.Length || path[Value.Length] == '/'),
    };
}

/// <summary>A header (name case-insensitive) or query parameter (name exact) match: Exact or RegularExpression.</summary>
internal sealed record ValueMatch(string Name, string Value, Regex? Regex)
{
    public bool Matches(string actual) => Regex?.IsMatch(actual) ?? actual == Value;
}

/// <summary>What a matched rule does: its filters in order, then its backends (weighted).</summary>
internal sealed class RouteAction
{
    public required RouteRef Route { get; init; }
    public HeaderChanges? RequestHeaders { get; init; }
    public HeaderChanges? ResponseHeaders { get; init; }
    public RequestRedirect? Redirect { get; init; }
    public UrlRewrite? Rewrite { get; init; }
    public required IReadOnlyList<WeightedBackend> Backends { get => _backends; init => (_backends, TotalWeight) = (value, WeightedBackend.Total(value)); }
    readonly IReadOnlyList<WeightedBackend> _backends = [];
    public IReadOnlyList<BackendPool> Mirrors { get; init; } = [];
    /// <summary>timeouts.request and timeouts.backendRequest (null: none).</summary>
    public TimeSpan? RequestTimeout { get; init; }
    public TimeSpan? BackendTimeout { get; init; }
    /// <summary>Sum of the weights; 0 with no redirect means every request gets 500 (no usable backend).</summary>
    public int TotalWeight { get; private init; }

    /// <summary>A backend by weight (Random.Shared, as the guides' canary expects a split over many requests).</summary>
    public WeightedBackend? Pick() => TotalWeight > 0 ? WeightedBackend.At(Backends, Random.Shared.Next(TotalWeight)) : null;
}

/// <summary>A backendRef: the pool, or null when the ref is invalid (requests it gets are answered 500).</summary>
internal sealed record WeightedBackend(BackendPool? Pool, int Weight)
{
    /// <summary>Sum of the weights (a weight below 0 counts as 0).</summary>
    public static int Total(IReadOnlyList<WeightedBackend> backends) => backends.Sum(b => Math.Max(0, b.Weight));

    /// <summary>The backend a draw in [0, <see cref="Total"/>) falls on.</summary>
    public static WeightedBackend? At(IReadOnlyList<WeightedBackend> backends, int draw)
    {
        foreach (var b in backends)
        {
            if (b.Weight <= 0) continue;
            if (draw < b.Weight) return b;
            draw -= b.Weight;
        }
        return null;
    }
}

/// <summary>Namespace and name of an HTTPRoute, for the access log.</summary>
public readonly record struct RouteRef(string Namespace, string Name)
{
    public override string ToString() => $"{Namespace}/{Name}";
}

/// <summary>RequestHeaderModifier / ResponseHeaderModifier: set (replace), add (append), remove.</summary>
internal sealed record HeaderChanges(IReadOnlyList<KeyValuePair<string, string>> Set, IReadOnlyList<KeyValuePair<string, string>> Add, IReadOnlyList<string> Remove);

/// <summary>RequestRedirect: each part null keeps the request's.</summary>
internal sealed record RequestRedirect(string? Scheme, string? Hostname, int? Port, PathModifier? Path, int StatusCode);

/// <summary>URLRewrite: Host header and path.</summary>
internal sealed record UrlRewrite(string? Hostname, PathModifier? Path);

/// <summary>ReplaceFullPath or ReplacePrefixMatch (of the rule's PathPrefix match).</summary>
internal sealed record PathModifier(bool FullPath, string Value)
{
    public string Apply(string path, PathMatch matched)
    {
        if (FullPath || matched.Type != PathMatch.Prefix) return Value;
        // What follows the matched prefix ("/x" or ""); prefix "/" keeps the whole path.
        var rest = matched.Value.Length == 1 ? path : path[matched.Value.Length..];
        var replacement = Value.TrimEnd('/');
        var result = replacement + (rest.Length == 0 || rest[0] == '/' ? rest : "/" + rest);
        return result.Length == 0 ? "/" : result;
    }
}
