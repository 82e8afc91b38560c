using System.Text.RegularExpressions;

namespace Podway.Edge.Routing.Annotations;

/// <summary>An Ingress path as nginx's regex (`~*`, PCRE) would read it: case-insensitive, .NET syntax (close to PCRE for
/// what paths use), with a match timeout so a pathological pattern cannot stall the edge.</summary>
internal static class PathRegex
{
    static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(50);

    public static bool TryCreate(string path, bool anchored, out Regex regex)
    {
        try
        {
            regex = new Regex(anchored ? "^" + path : path,
                RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout);
            return true;
        }
        catch (ArgumentException)
        {
            regex = null!;
            return false;
        }
    }

    /// <summary>A match that treats a timed-out match as no match.</summary>
    public static Match? SafeMatch(Regex regex, string input)
    {
        try
        {
            var match = regex.Match(input);
            return match.Success ? match : null;
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
    }
}
