using System.Text.RegularExpressions;
using Podway.Api.Resources;

namespace Podway.Api.Discovery;

/// <summary>
/// The order kube-apiserver lists groups (kube-aggregator's built-in group priorities, CRD groups after them by
/// name) and versions within a group (GA before beta before alpha, higher numbers first; the first is preferred).
/// </summary>
internal static partial class GroupOrder
{
    // Built-in group priorities from kube-aggregator (higher first); groups we do not serve are left out.
    static readonly string[] BuiltinGroups = ["apps", "events.k8s.io", "networking.k8s.io", "policy", "coordination.k8s.io", "discovery.k8s.io"];

    /// <summary>Named groups (core excluded), each with its versions in preference order.</summary>
    public static IReadOnlyList<(string Group, IReadOnlyList<string> Versions)> Groups() =>
        BuiltinResources.GroupVersions
            .Where(gv => gv.Group.Length > 0)
            .GroupBy(gv => gv.Group)
            .OrderBy(g => Array.IndexOf(BuiltinGroups, g.Key) is var i && i >= 0 ? i : int.MaxValue)
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, (IReadOnlyList<string>)g.Select(gv => gv.Version).Distinct().Order(VersionComparer.Instance).ToList()))
            .ToList();

    public static IEnumerable<ResourceType> Resources(string group, string version) =>
        BuiltinResources.AllTypes.Where(t => t.Group == group && t.Version == version).OrderBy(t => t.Plural, StringComparer.Ordinal);

    /// <summary>k8s.io/apimachinery version.CompareKubeAwareVersionStrings, as a sort order (most preferred first).</summary>
    sealed partial class VersionComparer : IComparer<string>
    {
        public static readonly VersionComparer Instance = new();

        [GeneratedRegex(@"^v(\d+)(?:(alpha|beta)(\d+))?$")]
        private static partial Regex KubeVersion();

        public int Compare(string? x, string? y) => Rank(y!).CompareTo(Rank(x!)) is var c && c != 0 ? c : string.CompareOrdinal(x, y);

        static (int Kube, int Stability, int Major, int Minor) Rank(string v)
        {
            var m = KubeVersion().Match(v);
            if (!m.Success) return (0, 0, 0, 0);
            int stability = m.Groups[2].Value switch { "" => 3, "beta" => 2, _ => 1 };
            return (1, stability, int.Parse(m.Groups[1].Value), m.Groups[3].Success && m.Groups[3].Length > 0 ? int.Parse(m.Groups[3].Value) : 0);
        }
    }
}
