using System.Text.RegularExpressions;

namespace Podway.Api.Validation;

/// <summary>Label keys ("qualified names") and values, as apimachinery IsQualifiedName / IsValidLabelValue.</summary>
public static partial class LabelRules
{
    const string QualifiedNameFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    const string QualifiedNameErrMsg = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    const string LabelValueFmt = "(" + QualifiedNameFmt + ")?";

    [GeneratedRegex("^" + QualifiedNameFmt + "$")] private static partial Regex QualifiedNameRe();
    [GeneratedRegex("^" + LabelValueFmt + "$")] private static partial Regex LabelValueRe();

    public const int LabelValueMaxLength = 63;

    public static bool IsQualifiedName(string value) => QualifiedNameErrors(value).Count == 0;
    public static bool IsValidLabelValue(string value) => LabelValueErrors(value).Count == 0;

    public static IReadOnlyList<string> QualifiedNameErrors(string value)
    {
        var errs = new List<string>();
        var parts = value.Split('/');
        string name;
        switch (parts.Length)
        {
            case 1:
                name = parts[0];
                break;
            case 2:
                name = parts[1];
                if (parts[0].Length == 0) errs.Add("prefix part " + NameRules.EmptyError());
                else errs.AddRange(NameRules.Dns1123SubdomainErrors(parts[0]).Select(m => "prefix part " + m));
                break;
            default:
                return ["a qualified name " + NameRules.RegexError(QualifiedNameErrMsg, QualifiedNameFmt, "MyName", "my.name", "123-abc") +
                        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"];
        }
        if (name.Length == 0) errs.Add("name part " + NameRules.EmptyError());
        else if (name.Length > 63) errs.Add("name part " + NameRules.MaxLenError(63));
        if (!QualifiedNameRe().IsMatch(name))
            errs.Add("name part " + NameRules.RegexError(QualifiedNameErrMsg, QualifiedNameFmt, "MyName", "my.name", "123-abc"));
        return errs;
    }

    public static IReadOnlyList<string> LabelValueErrors(string value)
    {
        var errs = new List<string>();
        if (value.Length > LabelValueMaxLength) errs.Add(NameRules.MaxLenError(LabelValueMaxLength));
        if (!LabelValueRe().IsMatch(value))
            errs.Add(NameRules.RegexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", LabelValueFmt, "MyValue", "my_value", "12345"));
        return errs;
    }

    /// <summary>metav1 validation.ValidateLabels: every key a qualified name, every value a label value.</summary>
    internal static void ValidateLabels(List<FieldError> errs, IReadOnlyList<KeyValuePair<string, string>>? labels, string path)
    {
        if (labels is null) return;
        foreach (var (k, v) in labels)
        {
            ValidateLabelName(errs, k, path);
            foreach (var m in LabelValueErrors(v)) errs.Add(Errs.Invalid(path, v, m));
        }
    }

    internal static void ValidateLabelName(List<FieldError> errs, string key, string path)
    {
        foreach (var m in QualifiedNameErrors(key)) errs.Add(Errs.Invalid(path, key, m));
    }
}
