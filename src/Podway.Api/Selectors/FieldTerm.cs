namespace Podway.Api.Selectors;

/// <summary>One term of a field selector: field=value (hasTerm) or field!=value (notHasTerm).</summary>
internal sealed record FieldTerm(string Field, string Value, bool Negated)
{
    public bool Matches(string actual) => Negated ? actual != Value : actual == Value;

    public override string ToString() => $"{Field}{(Negated ? "!=" : "=")}{FieldSelector.EscapeValue(Value)}";
}
