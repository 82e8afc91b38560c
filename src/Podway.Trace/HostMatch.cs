namespace Podway.Trace;

/// <summary>Does an Ingress rule host or a Gateway/HTTPRoute hostname claim a request host? (used to find which
/// objects to explain; the routing decision itself is the edge's own code).</summary>
internal static class HostMatch
{
    /// <summary>Exact, or `*.suffix` for one extra label (Ingress) or any number of labels (Gateway API).</summary>
    public static bool Claims(string? pattern, string host, bool anyLabels)
    {
        if (string.IsNullOrEmpty(pattern)) return false;
        if (!pattern.StartsWith("*.", StringComparison.Ordinal)) return string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase);
        var suffix = pattern[1..];
        if (!host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) || host.Length == suffix.Length) return false;
        return anyLabels || !host[..^suffix.Length].Contains('.');
    }
}
