using System.Text;

namespace Podway.Api.Selectors;

/// <summary>Go's fmt verbs as kube's error messages use them: %q for strings, %#v for []string.</summary>
internal static class GoFormat
{
    public static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\t': sb.Append("\\t"); break;
                case '\r': sb.Append("\\r"); break;
                default:
                    if (char.IsControl(c)) sb.Append($"\\x{(int)c:x2}");
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>%#v of a []string: []string(nil) when empty (kube passes a nil slice), else []string{"a", "b"}.</summary>
    public static string StringSlice(IReadOnlyList<string> values) =>
        values.Count == 0 ? "[]string(nil)" : "[]string{" + string.Join(", ", values.Select(Quote)) + "}";
}
