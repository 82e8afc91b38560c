using System.Text;

namespace Podway.Images.Common;

/// <summary>
/// JSON the way Go's encoding/json writes it: map keys sorted, no spaces, and only &lt; &gt; &amp; U+2028 U+2029
/// and control characters escaped (non-ASCII stays UTF-8), so clients parsing agnhost output see the same bytes.
/// </summary>
internal static class GoJson
{
    public static string Object(IEnumerable<KeyValuePair<string, string>> fields)
    {
        var sb = new StringBuilder("{");
        foreach (var (k, v) in fields.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            if (sb.Length > 1) sb.Append(',');
            String(sb, k); sb.Append(':'); String(sb, v);
        }
        return sb.Append('}').ToString();
    }

    public static string ObjectOfLists(IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> fields)
    {
        var sb = new StringBuilder("{");
        foreach (var (k, list) in fields.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            if (sb.Length > 1) sb.Append(',');
            String(sb, k); sb.Append(":[");
            for (var i = 0; i < list.Count; i++)
            {
                if (i > 0) sb.Append(',');
                String(sb, list[i]);
            }
            sb.Append(']');
        }
        return sb.Append('}').ToString();
    }

    public static void String(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '<' or '>' or '&' or '\u2028' or '\u2029':
                    sb.Append("\\u").Append(((int)c).ToString("x4")); break;
                default:
                    if (c < 0x20) sb.Append("\\u").Append(((int)c).ToString("x4"));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }
}
