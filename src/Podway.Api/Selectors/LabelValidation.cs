using System.Text.RegularExpressions;

namespace Podway.Api.Selectors;

/// <summary>
/// Label key and value checks of k8s.io/apimachinery/pkg/util/validation, with kube's exact wording
/// (including its double spaces between examples).
/// </summary>
internal static partial class LabelValidation
{
    const string QualifiedNameFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    const string QualifiedNameErrMsg = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    const string Dns1123SubdomainFmt = @"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
    const string Dns1123SubdomainErrMsg = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
    const string LabelValueErrMsg = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

    [GeneratedRegex("^" + QualifiedNameFmt + @"\z")] private static partial Regex QualifiedName();
    [GeneratedRegex("^" + Dns1123SubdomainFmt + @"\z")] private static partial Regex Dns1123Subdomain();
    [GeneratedRegex("^(" + QualifiedNameFmt + @")?\z")] private static partial Regex LabelValue();

    /// <summary>field.Invalid(...).Error(): "path: Invalid value: value: detail".</summary>
    public static string Invalid(string path, string formattedValue, string detail) => $"{path}: Invalid value: {formattedValue}: {detail}";

    /// <summary>IsQualifiedName (a label key): [prefix/]name.</summary>
    public static List<string> QualifiedNameErrors(string value)
    {
        var errors = new List<string>();
        var parts = value.Split('/');
        string name;
        switch (parts.Length)
        {
            case 1:
                name = parts[0];
                break;
            case 2:
                name = parts[1];
                var prefix = parts[0];
                if (prefix.Length == 0) errors.Add("prefix part must be non-empty");
                else
                {
                    if (prefix.Length > 253) errors.Add("prefix part must be no more than 253 characters");
                    if (!Dns1123Subdomain().IsMatch(prefix))
                        errors.Add("prefix part " + RegexError(Dns1123SubdomainErrMsg, Dns1123SubdomainFmt, "example.com"));
                }
                break;
            default:
                errors.Add("a qualified name " + RegexError(QualifiedNameErrMsg, QualifiedNameFmt, "MyName", "my.name", "123-abc") +
                           " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
                return errors;
        }
        if (name.Length == 0) errors.Add("name part must be non-empty");
        else if (name.Length > 63) errors.Add("name part must be no more than 63 characters");
        if (!QualifiedName().IsMatch(name))
            errors.Add("name part " + RegexError(QualifiedNameErrMsg, QualifiedNameFmt, "MyName", "my.name", "123-abc"));
        return errors;
    }

    public static List<string> LabelValueErrors(string value)
    {
        var errors = new List<string>();
        if (value.Length > 63) errors.Add("must be no more than 63 characters");
        if (!LabelValue().IsMatch(value))
            errors.Add(RegexError(LabelValueErrMsg, "(" + QualifiedNameFmt + ")?", "MyValue", "my_value", "12345"));
        return errors;
    }

    static string RegexError(string msg, string fmt, params string[] examples)
    {
        if (examples.Length == 0) return $"{msg} (regex used for validation is '{fmt}')";
        msg += " (e.g. ";
        for (var i = 0; i < examples.Length; i++)
        {
            if (i > 0) msg += " or ";
            msg += "'" + examples[i] + "', ";
        }
        return msg + "regex used for validation is '" + fmt + "')";
    }
}
