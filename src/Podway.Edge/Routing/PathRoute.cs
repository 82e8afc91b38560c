namespace Podway.Edge.Routing;

/// <summary>
/// One Ingress path (or default backend) compiled for matching: its normalized path, type, owner, backend and the
/// owner's redirect annotations.
/// </summary>
internal sealed class PathRoute
{
    /// <summary>The rule's host (lower case); null for rules without one and default backends.</summary>
    public string? Host { get; init; }
    /// <summary>For Prefix: the path without trailing slashes ("/" stays "/"); for Exact: as written.</summary>
    public required string Path { get; init; }
    public required bool Exact { get; init; }
    /// <summary>The path as the Ingress writes it: a regex source when the host's paths are regexes.</summary>
    public string RawPath { get; init; } = "/";
    /// <summary>`use-regex`, or a rewrite-target for this path: every path of the host becomes a regex.</summary>
    public bool WantsRegex { get; init; }
    /// <summary>Set when the host's paths are regexes (<see cref="HostRoutes.Seal"/>): `~* "^RawPath"`, case-insensitive;
    /// a path that is no valid regex never matches.</summary>
    public System.Text.RegularExpressions.Regex? Pattern { get; private set; }
    public bool RegexMode { get; private set; }
    /// <summary>Set again when a canary Ingress attaches to this route (<see cref="HostRoutes.AttachCanary"/>).</summary>
    public required RouteDecision.Forward Forward { get; set; }
    public required IngressAge Age { get; init; }
    /// <summary>`nginx.ingress.kubernetes.io/ssl-redirect` is not "false".</summary>
    public required bool SslRedirect { get; init; }
    /// <summary>`nginx.ingress.kubernetes.io/force-ssl-redirect` is "true".</summary>
    public required bool ForceSslRedirect { get; init; }

    /// <summary>`permanent-redirect` / `temporal-redirect`: every request is answered with this redirect.</summary>
    public AnnotatedRedirect? Redirect { get; init; }
    /// <summary>`app-root`: a request for `/` is redirected (302) to this path.</summary>
    public string? AppRoot { get; init; }

    /// <summary>Prefix matching is element-wise on `/`: `/aaa` matches `/aaa`, `/aaa/` and `/aaa/b`, not `/aaab`.</summary>
    public bool Matches(ReadOnlySpan<char> requestPath)
    {
        if (RegexMode) return Pattern is not null && MatchesRegex(requestPath);
        if (Exact) return requestPath.SequenceEqual(Path);
        if (Path.Length == 1) return true; // "/" matches every path
        if (!requestPath.StartsWith(Path, StringComparison.Ordinal)) return false;
        return requestPath.Length == Path.Length || requestPath[Path.Length] == '/';
    }

    bool MatchesRegex(ReadOnlySpan<char> requestPath)
    {
        try
        {
            return Pattern!.IsMatch(requestPath);
        }
        catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
        {
            return false;
        }
    }

    /// <summary>Turns this path into nginx's `~* "^path"` location (its host has a regex path).</summary>
    public void UseRegex()
    {
        RegexMode = true;
        Pattern = Annotations.PathRegex.TryCreate(RawPath, anchored: true, out var regex) ? regex : null;
    }

    /// <summary>Regex locations are tried in ingress-nginx's order: longer path as written first, then the path that
    /// sorts later (its two stable sorts); then Exact, then the older Ingress.</summary>
    public static int RegexPrecedence(PathRoute a, PathRoute b)
    {
        var byLength = b.RawPath.Length.CompareTo(a.RawPath.Length);
        if (byLength != 0) return byLength;
        var byPath = string.CompareOrdinal(b.RawPath, a.RawPath);
        if (byPath != 0) return byPath;
        if (a.Exact != b.Exact) return a.Exact ? -1 : 1;
        return a.Age.CompareTo(b.Age);
    }

    /// <summary>The normal form of an Ingress path: Prefix ignores trailing slashes; a missing path is "/".</summary>
    public static string Normalize(string? path, bool exact)
    {
        if (string.IsNullOrEmpty(path)) return "/";
        if (exact) return path;
        var trimmed = path.TrimEnd('/');
        return trimmed.Length == 0 ? "/" : trimmed;
    }

    /// <summary>Match order: longer path first; at equal length Exact before Prefix; then (same path) the older Ingress.</summary>
    public static int Precedence(PathRoute a, PathRoute b)
    {
        var byLength = b.Path.Length.CompareTo(a.Path.Length);
        if (byLength != 0) return byLength;
        if (a.Exact != b.Exact) return a.Exact ? -1 : 1;
        var byPath = string.CompareOrdinal(a.Path, b.Path); // same-length different paths never both match
        return byPath != 0 ? byPath : a.Age.CompareTo(b.Age);
    }
}

/// <summary>Seniority of an Ingress for conflicts: older creationTimestamp first, then namespace/name (ingress-nginx).</summary>
internal readonly record struct IngressAge(DateTimeOffset Created, string Namespace, string Name) : IComparable<IngressAge>
{
    public int CompareTo(IngressAge other)
    {
        var c = Created.CompareTo(other.Created);
        if (c != 0) return c;
        c = string.CompareOrdinal(Namespace, other.Namespace);
        return c != 0 ? c : string.CompareOrdinal(Name, other.Name);
    }
}
