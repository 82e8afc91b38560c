namespace Podway.Edge.Routing;

/// <summary>Everything one host (or the any-host rules) routes: paths in match order, then its default backend.</summary>
internal sealed class HostRoutes
{
    readonly List<PathRoute> _building = [];
    PathRoute[] _paths = [];

    /// <summary>spec.defaultBackend of the oldest Ingress with rules for this host that has one.</summary>
    public PathRoute? Default { get; private set; }

    public ReadOnlySpan<PathRoute> Paths => _paths;

    public void Add(PathRoute route) => _building.Add(route);

    /// <summary>Gives the main route of this path (as written; the oldest Ingress's) a canary; false when there is none.</summary>
    public bool AttachCanary(string rawPath, Annotations.CanaryRule canary)
    {
        PathRoute? main = null;
        foreach (var route in _building)
            if (route.RawPath == rawPath && (main is null || route.Age.CompareTo(main.Age) < 0)) main = route;
        if (main is null) return false;
        main.Forward = main.Forward with { Canary = canary };
        return true;
    }

    public void OfferDefault(PathRoute route)
    {
        if (Default is null || route.Age.CompareTo(Default.Age) < 0) Default = route;
    }

    /// <summary>
    /// Sorts by precedence and drops a path+type an older Ingress already routes (the older one wins); returns each
    /// dropped route with the one that won over it.
    /// </summary>
    public List<(PathRoute Loser, PathRoute Winner)> Seal()
    {
        // ingress-nginx's enforceRegexModifier: one regex path (use-regex or rewrite-target) makes the whole server's
        // locations regexes, tried first-match in its order.
        var regex = _building.Exists(r => r.WantsRegex);
        if (regex) foreach (var r in _building) r.UseRegex();
        _building.Sort(regex ? PathRoute.RegexPrecedence : PathRoute.Precedence);
        var kept = new List<PathRoute>(_building.Count);
        var shadowed = new List<(PathRoute, PathRoute)>();
        foreach (var r in _building)
        {
            var same = kept.Count > 0 && (regex ? kept[^1].RawPath == r.RawPath : kept[^1].Path == r.Path) && kept[^1].Exact == r.Exact;
            if (!same) kept.Add(r);
            else shadowed.Add((r, kept[^1]));
        }
        _paths = [.. kept];
        _building.Clear();
        return shadowed;
    }

    public PathRoute? Match(ReadOnlySpan<char> path)
    {
        foreach (var route in _paths)
            if (route.Matches(path))
                return route;
        return Default;
    }
}
