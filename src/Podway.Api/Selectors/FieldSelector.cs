using System.Text;
using System.Text.Json.Nodes;
using Podway.Api.Errors;
using Podway.Api.Resources;

namespace Podway.Api.Selectors;

/// <summary>
/// A field selector as k8s.io/apimachinery/pkg/fields: "f=v,f2!=v2" with "\," "\=" "\\" escapes in values.
/// Which fields are allowed depends on the kind (see SelectableFields); Validate rejects the others with
/// kube's 400 message.
/// </summary>
public sealed class FieldSelector
{
    readonly IReadOnlyList<FieldTerm> terms;

    FieldSelector(IReadOnlyList<FieldTerm> terms) => this.terms = terms;

    public static FieldSelector Everything { get; } = new([]);

    public bool IsEmpty => terms.Count == 0;

    /// <summary>fields.ParseSelector. Null or empty text is Everything. Throws ApiException 400 with kube's message.</summary>
    public static FieldSelector Parse(string? text)
    {
        if (string.IsNullOrEmpty(text)) return Everything;
        var parsed = new List<FieldTerm>();
        foreach (var part in SplitTerms(text).Order(StringComparer.Ordinal))
        {
            if (part.Length == 0) continue;
            if (!SplitTerm(part, out var field, out var op, out var raw))
                throw ApiException.BadRequest($"invalid selector: '{text}'; can't understand '{part}'");
            parsed.Add(new FieldTerm(field, UnescapeValue(raw), op == "!="));
        }
        return new(parsed);
    }

    /// <summary>Throws ApiException 400 ("field label not supported: foo") when a term names a field the kind cannot select on.</summary>
    public void Validate(ResourceType type)
    {
        foreach (var term in terms)
            if (SelectableFields.Unsupported(type, term.Field) is { } message)
                throw ApiException.BadRequest(message);
    }

    /// <summary>True when every term holds for the object. Validates first, so an unsupported field throws even on an empty list.</summary>
    public bool Matches(ResourceType type, JsonObject obj)
    {
        Validate(type);
        return terms.All(t => t.Matches(SelectableFields.Value(type, obj, t.Field)));
    }

    /// <summary>The value a term "field=value" pins, e.g. metadata.name for a single-object watch; null if none.</summary>
    public string? RequiresExactMatch(string field) =>
        terms.FirstOrDefault(t => t.Field == field && !t.Negated)?.Value;

    public override string ToString() => string.Join(",", terms);

    /// <summary>fields.EscapeValue: backslash-escapes \ , and =.</summary>
    public static string EscapeValue(string value) =>
        value.Replace(@"\", @"\\").Replace(",", @"\,").Replace("=", @"\=");

    static List<string> SplitTerms(string text)
    {
        var result = new List<string>();
        var start = 0;
        var inSlash = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (inSlash) inSlash = false;
            else if (text[i] == '\\') inSlash = true;
            else if (text[i] == ',')
            {
                result.Add(text[start..i]);
                start = i + 1;
            }
        }
        result.Add(text[start..]);
        return result;
    }

    /// <summary>The first operator position wins; at one position "!=" and "==" are tried before "=".</summary>
    static bool SplitTerm(string term, out string field, out string op, out string value)
    {
        for (var i = 0; i < term.Length; i++)
        {
            foreach (var candidate in (string[])["!=", "==", "="])
            {
                if (string.CompareOrdinal(term, i, candidate, 0, candidate.Length) != 0) continue;
                field = term[..i];
                op = candidate;
                value = term[(i + candidate.Length)..];
                return true;
            }
        }
        field = op = value = "";
        return false;
    }

    static string UnescapeValue(string s)
    {
        if (s.IndexOfAny(['\\', ',', '=']) < 0) return s;
        var sb = new StringBuilder(s.Length);
        var inSlash = false;
        foreach (var c in s)
        {
            if (inSlash)
            {
                if (c is not ('\\' or ',' or '='))
                    throw ApiException.BadRequest($"invalid field selector: invalid escape sequence: \\{c}");
                sb.Append(c);
                inSlash = false;
                continue;
            }
            switch (c)
            {
                case '\\': inSlash = true; break;
                // Go prints the rune with %v, i.e. as its number.
                case ',' or '=': throw ApiException.BadRequest($"invalid field selector: unescaped character in value: {(int)c}");
                default: sb.Append(c); break;
            }
        }
        if (inSlash) throw ApiException.BadRequest("invalid field selector: invalid escape sequence: \\");
        return sb.ToString();
    }
}
