using System.Text;

namespace Podway.Api.Selectors;

/// <summary>
/// A port of labels.Parse (k8s.io/apimachinery/pkg/labels/selector.go): the same lexer, the same
/// recursive descent and the same error messages, so a bad ?labelSelector= fails exactly as in kube.
/// </summary>
internal sealed class LabelSelectorParser
{
    enum Token { Error, EndOfString, ClosedPar, Comma, DoesNotExist, DoubleEquals, Equals, GreaterThan, Identifier, In, LessThan, NotEquals, NotIn, OpenPar }

    static readonly Dictionary<string, Token> Keywords = new()
    {
        [")"] = Token.ClosedPar, [","] = Token.Comma, ["!"] = Token.DoesNotExist, ["=="] = Token.DoubleEquals,
        ["="] = Token.Equals, [">"] = Token.GreaterThan, ["in"] = Token.In, ["<"] = Token.LessThan,
        ["!="] = Token.NotEquals, ["notin"] = Token.NotIn, ["("] = Token.OpenPar,
    };

    const string BinaryOperators = "in, notin, =, ==, !=, gt, lt";

    readonly List<(Token Tok, string Literal)> items = [];
    int position;

    /// <summary>Parses the selector; the requirements come back sorted by key. Throws FormatException with kube's message.</summary>
    public static List<LabelRequirement> Parse(string selector)
    {
        var parser = new LabelSelectorParser();
        parser.Scan(selector);
        var requirements = parser.ParseAll();
        return requirements.OrderBy(r => r.Key, StringComparer.Ordinal).ToList(); // stable, as Go's sort on small inputs
    }

    // ---- lexer ----

    static bool IsWhitespace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';
    static bool IsSpecial(byte c) => c is (byte)'=' or (byte)'!' or (byte)'(' or (byte)')' or (byte)',' or (byte)'>' or (byte)'<';

    void Scan(string selector)
    {
        var s = Encoding.UTF8.GetBytes(selector);
        var pos = 0;
        while (true)
        {
            while (pos < s.Length && IsWhitespace(s[pos])) pos++;
            if (pos >= s.Length)
            {
                items.Add((Token.EndOfString, ""));
                return;
            }
            if (IsSpecial(s[pos])) items.Add(ScanSpecial(s, ref pos));
            else
            {
                var start = pos;
                while (pos < s.Length && !IsSpecial(s[pos]) && !IsWhitespace(s[pos])) pos++;
                var word = Encoding.UTF8.GetString(s, start, pos - start);
                items.Add((Keywords.TryGetValue(word, out var kw) ? kw : Token.Identifier, word));
            }
        }
    }

    static (Token, string) ScanSpecial(byte[] s, ref int pos)
    {
        var buffer = new StringBuilder();
        (Token Tok, string Lit)? last = null;
        while (pos < s.Length && IsSpecial(s[pos]))
        {
            buffer.Append((char)s[pos]);
            pos++;
            if (Keywords.TryGetValue(buffer.ToString(), out var tok)) last = (tok, buffer.ToString());
            else if (last is not null)
            {
                pos--;
                break;
            }
        }
        return last ?? (Token.Error, $"error expected: keyword found '{buffer}'");
    }

    // ---- parser ----

    (Token, string) Lookahead(bool values)
    {
        var (tok, lit) = items[position];
        return (values && tok is Token.In or Token.NotIn ? Token.Identifier : tok, lit);
    }

    (Token, string) Consume(bool values)
    {
        var result = Lookahead(values);
        position++;
        return result;
    }

    List<LabelRequirement> ParseAll()
    {
        var requirements = new List<LabelRequirement>();
        while (true)
        {
            var (tok, lit) = Lookahead(values: true);
            switch (tok)
            {
                case Token.Identifier or Token.DoesNotExist:
                    try { requirements.Add(ParseRequirement()); }
                    catch (FormatException e) { throw new FormatException($"unable to parse requirement: {e.Message}"); }
                    var (t, l) = Consume(values: true);
                    switch (t)
                    {
                        case Token.EndOfString:
                            return requirements;
                        case Token.Comma:
                            var (t2, l2) = Lookahead(values: true);
                            if (t2 is not (Token.Identifier or Token.DoesNotExist))
                                throw new FormatException($"found '{l2}', expected: identifier after ','");
                            break;
                        default:
                            throw new FormatException($"found '{l}', expected: ',' or 'end of string'");
                    }
                    break;
                case Token.EndOfString:
                    return requirements;
                default:
                    throw new FormatException($"found '{lit}', expected: !, identifier, or 'end of string'");
            }
        }
    }

    LabelRequirement ParseRequirement()
    {
        var (key, inferred) = ParseKeyAndInferOperator();
        LabelOperator op;
        List<string> values;
        if (inferred is { } unary)
        {
            op = unary;
            values = [];
        }
        else
        {
            op = ParseOperator();
            values = op is LabelOperator.In or LabelOperator.NotIn ? ParseValues() : ParseExactValue();
        }
        values = values.Distinct().Order(StringComparer.Ordinal).ToList(); // sets.String.List()
        var errors = LabelRequirement.Validate(key, op, values, path: "");
        if (errors.Count > 0) throw new FormatException(errors.Count == 1 ? errors[0] : "[" + string.Join(", ", errors.Distinct()) + "]");
        return new LabelRequirement(key, op, values);
    }

    (string Key, LabelOperator? Op) ParseKeyAndInferOperator()
    {
        LabelOperator? op = null;
        var (tok, literal) = Consume(values: true);
        if (tok == Token.DoesNotExist)
        {
            op = LabelOperator.DoesNotExist;
            (tok, literal) = Consume(values: true);
        }
        if (tok != Token.Identifier) throw new FormatException($"found '{literal}', expected: identifier");
        var keyErrors = LabelValidation.QualifiedNameErrors(literal);
        if (keyErrors.Count > 0) throw new FormatException(LabelValidation.Invalid("", GoFormat.Quote(literal), string.Join("; ", keyErrors)));
        var (next, _) = Lookahead(values: true);
        if (next is Token.EndOfString or Token.Comma && op != LabelOperator.DoesNotExist) op = LabelOperator.Exists;
        return (literal, op);
    }

    LabelOperator ParseOperator()
    {
        var (tok, lit) = Consume(values: false);
        return tok switch
        {
            Token.In => LabelOperator.In,
            Token.Equals => LabelOperator.Equals,
            Token.DoubleEquals => LabelOperator.DoubleEquals,
            Token.GreaterThan => LabelOperator.GreaterThan,
            Token.LessThan => LabelOperator.LessThan,
            Token.NotIn => LabelOperator.NotIn,
            Token.NotEquals => LabelOperator.NotEquals,
            _ => throw new FormatException($"found '{lit}', expected: {BinaryOperators}"),
        };
    }

    List<string> ParseValues()
    {
        var (tok, lit) = Consume(values: true);
        if (tok != Token.OpenPar) throw new FormatException($"found '{lit}' expected: '('");
        (tok, lit) = Lookahead(values: true);
        switch (tok)
        {
            case Token.Identifier or Token.Comma:
                var values = ParseIdentifiersList();
                if (Consume(values: true).Item1 != Token.ClosedPar) throw new FormatException($"found '{lit}', expected: ')'");
                return values;
            case Token.ClosedPar:
                Consume(values: true);
                return [""];
            default:
                throw new FormatException($"found '{lit}', expected: ',', ')' or identifier");
        }
    }

    List<string> ParseIdentifiersList()
    {
        var values = new List<string>();
        while (true)
        {
            var (tok, lit) = Consume(values: true);
            switch (tok)
            {
                case Token.Identifier:
                    values.Add(lit);
                    var (tok2, lit2) = Lookahead(values: true);
                    if (tok2 == Token.Comma) continue;
                    if (tok2 == Token.ClosedPar) return values;
                    throw new FormatException($"found '{lit2}', expected: ',' or ')'");
                case Token.Comma:
                    if (values.Count == 0) values.Add(""); // "(,"
                    var (after, _) = Lookahead(values: true);
                    if (after == Token.ClosedPar)
                    {
                        values.Add(""); // ",)"
                        return values;
                    }
                    if (after == Token.Comma) values.Add(""); // ",,"
                    break;
                default:
                    throw new FormatException($"found '{lit}', expected: ',', or identifier");
            }
        }
    }

    List<string> ParseExactValue()
    {
        var (tok, _) = Lookahead(values: true);
        if (tok is Token.EndOfString or Token.Comma) return [""];
        var (t, lit) = Consume(values: true);
        if (t == Token.Identifier) return [lit];
        throw new FormatException($"found '{lit}', expected: identifier");
    }
}
