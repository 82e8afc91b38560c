using System.Text;

namespace Podway.Api.Selectors;

/// <summary>One term of a label selector (labels.Requirement): key, operator and values.</summary>
internal sealed record LabelRequirement(string Key, LabelOperator Operator, IReadOnlyList<string> Values)
{
    /// <summary>labels.NewRequirement: validates key, operator arity and values; returns kube's messages.</summary>
    public static List<string> Validate(string key, LabelOperator op, IReadOnlyList<string>? values, string path)
    {
        values ??= [];
        var errors = new List<string>();
        var keyErrors = LabelValidation.QualifiedNameErrors(key);
        if (keyErrors.Count > 0) errors.Add(LabelValidation.Invalid(Join(path, "key"), GoFormat.Quote(key), string.Join("; ", keyErrors)));

        var valuesPath = Join(path, "values");
        switch (op)
        {
            case LabelOperator.In or LabelOperator.NotIn when values.Count == 0:
                errors.Add(LabelValidation.Invalid(valuesPath, GoFormat.StringSlice(values), "for 'in', 'notin' operators, values set can't be empty"));
                break;
            case LabelOperator.Equals or LabelOperator.DoubleEquals or LabelOperator.NotEquals when values.Count != 1:
                errors.Add(LabelValidation.Invalid(valuesPath, GoFormat.StringSlice(values), "exact-match compatibility requires one single value"));
                break;
            case LabelOperator.Exists or LabelOperator.DoesNotExist when values.Count != 0:
                errors.Add(LabelValidation.Invalid(valuesPath, GoFormat.StringSlice(values), "values set must be empty for exists and does not exist"));
                break;
            case LabelOperator.GreaterThan or LabelOperator.LessThan:
                if (values.Count != 1)
                    errors.Add(LabelValidation.Invalid(valuesPath, GoFormat.StringSlice(values), "for 'Gt', 'Lt' operators, exactly one value is required"));
                for (var i = 0; i < values.Count; i++)
                    if (!long.TryParse(values[i], System.Globalization.NumberStyles.AllowLeadingSign, null, out _))
                        errors.Add(LabelValidation.Invalid($"{valuesPath}[{i}]", GoFormat.Quote(values[i]), "for 'Gt', 'Lt' operators, the value must be an integer"));
                break;
        }
        for (var i = 0; i < values.Count; i++)
        {
            var valueErrors = LabelValidation.LabelValueErrors(values[i]);
            if (valueErrors.Count > 0)
                errors.Add(LabelValidation.Invalid($"{valuesPath}[{i}][{key}]", GoFormat.Quote(values[i]), string.Join("; ", valueErrors)));
        }
        return errors;
    }

    static string Join(string path, string child) => path.Length == 0 ? child : $"{path}.{child}";

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var exists = labels.TryGetValue(Key, out var value);
        switch (Operator)
        {
            case LabelOperator.In or LabelOperator.Equals or LabelOperator.DoubleEquals:
                return exists && Values.Contains(value!);
            case LabelOperator.NotIn or LabelOperator.NotEquals:
                return !exists || !Values.Contains(value!);
            case LabelOperator.Exists:
                return exists;
            case LabelOperator.DoesNotExist:
                return !exists;
            case LabelOperator.GreaterThan or LabelOperator.LessThan:
                if (!exists || Values.Count != 1 || !long.TryParse(value, out var actual) || !long.TryParse(Values[0], out var bound)) return false;
                return Operator == LabelOperator.GreaterThan ? actual > bound : actual < bound;
            default:
                return false;
        }
    }

    /// <summary>Requirement.String(): "k=v", "k in (a,b)" (values sorted), "!k".</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        if (Operator == LabelOperator.DoesNotExist) sb.Append('!');
        sb.Append(Key);
        switch (Operator)
        {
            case LabelOperator.Exists or LabelOperator.DoesNotExist: return sb.ToString();
            case LabelOperator.Equals: sb.Append('='); break;
            case LabelOperator.DoubleEquals: sb.Append("=="); break;
            case LabelOperator.NotEquals: sb.Append("!="); break;
            case LabelOperator.In: sb.Append(" in ("); break;
            case LabelOperator.NotIn: sb.Append(" notin ("); break;
            case LabelOperator.GreaterThan: sb.Append('>'); break;
            case LabelOperator.LessThan: sb.Append('<'); break;
        }
        sb.AppendJoin(',', Values.Order(StringComparer.Ordinal));
        if (Operator is LabelOperator.In or LabelOperator.NotIn) sb.Append(')');
        return sb.ToString();
    }
}
