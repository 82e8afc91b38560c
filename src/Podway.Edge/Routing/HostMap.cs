namespace Podway.Edge.Routing;

/// <summary>
/// Values keyed by Ingress host: exact names and `*.suffix` wildcards that match exactly one extra label (as the
/// Ingress API defines). Lookups take a span and allocate nothing; an exact entry beats a wildcard one.
/// </summary>
internal sealed class HostMap<T> where T : class
{
    readonly Dictionary<string, T> _exact = new(StringComparer.Ordinal);
    readonly Dictionary<string, T> _wildcard = new(StringComparer.Ordinal); // keyed by the suffix after "*."
    readonly Dictionary<string, T>.AlternateLookup<ReadOnlySpan<char>> _exactBySpan;
    readonly Dictionary<string, T>.AlternateLookup<ReadOnlySpan<char>> _wildcardBySpan;

    public HostMap()
    {
        _exactBySpan = _exact.GetAlternateLookup<ReadOnlySpan<char>>();
        _wildcardBySpan = _wildcard.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => _exact.Count + _wildcard.Count;

    public static bool IsWildcard(string host) => host.StartsWith("*.", StringComparison.Ordinal);

    /// <summary>The entry for exactly this Ingress host spelling (`foo.com` or `*.foo.com`), added if absent.</summary>
    public T GetOrAdd(string ingressHost, Func<T> create)
    {
        var (map, key) = IsWildcard(ingressHost) ? (_wildcard, ingressHost[2..]) : (_exact, ingressHost);
        if (!map.TryGetValue(key, out var value)) map[key] = value = create();
        return value;
    }

    /// <summary>Adds unless the spelling is already present (the first, i.e. oldest, wins).</summary>
    public bool TryAdd(string ingressHost, T value) =>
        IsWildcard(ingressHost) ? _wildcard.TryAdd(ingressHost[2..], value) : _exact.TryAdd(ingressHost, value);

    /// <summary>The entry for a request host (lower case, no port): exact first, then the one-label wildcard.</summary>
    public T? Find(ReadOnlySpan<char> host)
    {
        if (host.Length > 0 && host[^1] == '.') host = host[..^1]; // "foo.com." is "foo.com"
        if (_exactBySpan.TryGetValue(host, out var exact)) return exact;
        if (_wildcard.Count == 0) return null;
        var dot = host.IndexOf('.');
        // "*.example.com" needs a non-empty first label: not "example.com", not ".example.com".
        return dot > 0 && _wildcardBySpan.TryGetValue(host[(dot + 1)..], out var wild) ? wild : null;
    }

    public IEnumerable<T> Values => _exact.Values.Concat(_wildcard.Values);
}
