using System.Text;
using System.Text.RegularExpressions;

namespace Podway.Edge.Routing.Annotations;

/// <summary>
/// nginx's `rewrite "(?i)PATH" TARGET break;` for one Ingress path: when the (unanchored, case-insensitive) path regex
/// matches the request path, the whole path becomes TARGET with `$1`..`$9` (and `${n}`) replaced by the capture groups
/// (an unmatched group is empty). The request's query is appended as nginx does: after `?` when TARGET has none, after
/// `&amp;` when it has one, and dropped when TARGET ends with `?`.
/// </summary>
internal sealed class PathRewrite(Regex pattern, string target, string? xForwardedPrefix)
{
    public string Target => target;

    /// <summary>`x-forwarded-prefix`: sent as X-Forwarded-Prefix on rewritten requests.</summary>
    public string? XForwardedPrefix => xForwardedPrefix;

    /// <summary>The new request target (path and query), or null when the pattern does not match (no rewrite).</summary>
    public string? Apply(string path, string? query)
    {
        if (PathRegex.SafeMatch(pattern, path) is not { } match) return null;
        var rewritten = Expand(match);
        if (rewritten.EndsWith('?')) return rewritten[..^1];
        if (string.IsNullOrEmpty(query) || query == "?") return rewritten;
        var args = query[0] == '?' ? query[1..] : query;
        return rewritten + (rewritten.Contains('?') ? "&" : "?") + args;
    }

    string Expand(Match match)
    {
        var text = new StringBuilder(target.Length + 16);
        for (var i = 0; i < target.Length; i++)
        {
            var c = target[i];
            if (c == '$' && i + 1 < target.Length)
            {
                if (char.IsAsciiDigit(target[i + 1]))
                {
                    text.Append(Group(match, target[i + 1] - '0'));
                    i++;
                    continue;
                }
                var close = target[i + 1] == '{' ? target.IndexOf('}', i + 2) : -1;
                if (close > i + 2 && int.TryParse(target.AsSpan(i + 2, close - i - 2), out var n))
                {
                    text.Append(Group(match, n));
                    i = close;
                    continue;
                }
            }
            text.Append(c);
        }
        return text.ToString();
    }

    static string Group(Match match, int n) => n < match.Groups.Count && match.Groups[n].Success ? match.Groups[n].Value : "";
}
