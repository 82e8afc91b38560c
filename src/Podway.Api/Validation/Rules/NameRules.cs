using System.Text.RegularExpressions;

namespace Podway.Api.Validation;

/// <summary>
/// The string format checks of k8s.io/apimachinery/pkg/util/validation. Each *Errors method returns kube's
/// messages (empty when valid); the Is* methods are the boolean shortcuts.
/// </summary>
public static partial class NameRules
{
    const string Dns1123LabelFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    const string Dns1123SubdomainFmt = Dns1123LabelFmt + "(\\." + Dns1123LabelFmt + ")*";
    const string Dns1035LabelFmt = "[a-z]([-a-z0-9]*[a-z0-9])?";
    const string WildcardFmt = "\\*\\." + Dns1123SubdomainFmt;
    const string ConfigKeyFmt = "[-._a-zA-Z0-9]+";
    const string PercentFmt = "[0-9]+%";
    const string HttpHeaderNameFmt = "[-A-Za-z0-9]+";
    const string HttpPathFmt = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";

    [GeneratedRegex("^" + Dns1123LabelFmt + "$")] private static partial Regex Dns1123LabelRe();
    [GeneratedRegex("^" + Dns1123SubdomainFmt + "$")] private static partial Regex Dns1123SubdomainRe();
    [GeneratedRegex("^" + Dns1035LabelFmt + "$")] private static partial Regex Dns1035LabelRe();
    [GeneratedRegex("^" + WildcardFmt + "$")] private static partial Regex WildcardRe();
    [GeneratedRegex("^" + ConfigKeyFmt + "$")] private static partial Regex ConfigKeyRe();
    [GeneratedRegex("^" + PercentFmt + "$")] private static partial Regex PercentRe();
    [GeneratedRegex("^" + HttpHeaderNameFmt + "$")] private static partial Regex HttpHeaderNameRe();
    [GeneratedRegex("^" + HttpPathFmt + "$")] private static partial Regex HttpPathRe();
    [GeneratedRegex("^[-a-z0-9]+$")] private static partial Regex PortNameCharsRe();

    public const int Dns1123LabelMaxLength = 63;
    public const int Dns1123SubdomainMaxLength = 253;

    public static bool IsDns1123Label(string value) => Dns1123LabelErrors(value).Count == 0;
    public static bool IsDns1123Subdomain(string value) => Dns1123SubdomainErrors(value).Count == 0;
    public static bool IsDns1035Label(string value) => Dns1035LabelErrors(value).Count == 0;
    public static bool IsValidPortName(string value) => PortNameErrors(value).Count == 0;

    public static IReadOnlyList<string> Dns1123LabelErrors(string value)
    {
        var errs = new List<string>();
        if (value.Length > Dns1123LabelMaxLength) errs.Add(MaxLenError(Dns1123LabelMaxLength));
        if (!Dns1123LabelRe().IsMatch(value))
            errs.Add(Dns1123SubdomainRe().IsMatch(value)
                ? "must not contain dots"
                : RegexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character", Dns1123LabelFmt, "my-name", "123-abc"));
        return errs;
    }

    public static IReadOnlyList<string> Dns1123SubdomainErrors(string value)
    {
        var errs = new List<string>();
        if (value.Length > Dns1123SubdomainMaxLength) errs.Add(MaxLenError(Dns1123SubdomainMaxLength));
        if (!Dns1123SubdomainRe().IsMatch(value))
            errs.Add(RegexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", Dns1123SubdomainFmt, "example.com"));
        return errs;
    }

    public static IReadOnlyList<string> Dns1035LabelErrors(string value)
    {
        var errs = new List<string>();
        if (value.Length > 63) errs.Add(MaxLenError(63));
        if (!Dns1035LabelRe().IsMatch(value))
            errs.Add(RegexError("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character", Dns1035LabelFmt, "my-name", "abc-123"));
        return errs;
    }

    public static IReadOnlyList<string> WildcardDns1123SubdomainErrors(string value)
    {
        var errs = new List<string>();
        if (value.Length > Dns1123SubdomainMaxLength) errs.Add(MaxLenError(Dns1123SubdomainMaxLength));
        if (!WildcardRe().IsMatch(value))
            errs.Add(RegexError("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character", WildcardFmt, "*.example.com"));
        return errs;
    }

    /// <summary>IANA_SVC_NAME (RFC 6335), as container and service port names must be.</summary>
    public static IReadOnlyList<string> PortNameErrors(string port)
    {
        var errs = new List<string>();
        if (port.Length > 15) errs.Add(MaxLenError(15));
        if (!PortNameCharsRe().IsMatch(port)) errs.Add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
        if (!port.Any(c => c is >= 'a' and <= 'z')) errs.Add("must contain at least one letter (a-z)");
        if (port.Contains("--")) errs.Add("must not contain consecutive hyphens");
        if (port.Length > 0 && (port[0] == '-' || port[^1] == '-')) errs.Add("must not begin or end with a hyphen");
        return errs;
    }

    public static IReadOnlyList<string> PortNumErrors(long port) =>
        port is >= 1 and <= 65535 ? [] : [InclusiveRangeError(1, 65535)];

    /// <summary>Relaxed env var names (RelaxedEnvironmentVariableValidation, on by default in 1.33).</summary>
    public static IReadOnlyList<string> EnvVarNameErrors(string value)
    {
        var errs = new List<string>();
        if (value.Length == 0) errs.Add("environment variable name " + EmptyError());
        if (value.Any(c => c > 0x7e || c < 0x20 || c == '=')) errs.Add("a valid environment variable name must consist only of printable ASCII characters other than '='");
        return errs;
    }

    public static IReadOnlyList<string> ConfigMapKeyErrors(string value)
    {
        var errs = new List<string>();
        if (value.Length > Dns1123SubdomainMaxLength) errs.Add(MaxLenError(Dns1123SubdomainMaxLength));
        if (!ConfigKeyRe().IsMatch(value))
            errs.Add(RegexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", ConfigKeyFmt, "key.name", "KEY_NAME", "key-name"));
        if (value == ".") errs.Add("must not be '.'");
        else if (value == "..") errs.Add("must not be '..'");
        else if (value.StartsWith("..", StringComparison.Ordinal)) errs.Add("must not start with '..'");
        return errs;
    }

    public static IReadOnlyList<string> PercentErrors(string value) =>
        PercentRe().IsMatch(value) ? [] : [RegexError("a valid percent string must be a numeric string followed by an ending '%'", PercentFmt, "1%", "93%")];

    public static IReadOnlyList<string> HttpHeaderNameErrors(string value) =>
        HttpHeaderNameRe().IsMatch(value) ? [] : [RegexError("a valid HTTP header must consist of alphanumeric characters or '-'", HttpHeaderNameFmt, "X-Header-Name")];

    /// <summary>IsDomainPrefixedPath, e.g. an IngressClass or GatewayClass controller name "acme.io/foo".</summary>
    internal static void DomainPrefixedPath(List<FieldError> errs, string path, string value)
    {
        if (value.Length == 0) { errs.Add(Errs.Required(path)); return; }
        var slash = value.IndexOf('/');
        if (slash <= 0 || slash == value.Length - 1)
        {
            errs.Add(Errs.Invalid(path, value, "must be a domain-prefixed path (such as \"acme.io/foo\")"));
            return;
        }
        var host = value[..slash];
        foreach (var m in Dns1123SubdomainErrors(host)) errs.Add(Errs.Invalid(path, host, m));
        var rest = value[(slash + 1)..];
        if (!HttpPathRe().IsMatch(rest)) errs.Add(Errs.Invalid(path, rest, RegexError("Invalid path", HttpPathFmt)));
    }

    public static string MaxLenError(int length) => $"must be no more than {length} characters";
    public static string EmptyError() => "must be non-empty";
    public static string InclusiveRangeError(long lo, long hi) => $"must be between {lo} and {hi}, inclusive";

    public static string RegexError(string msg, string fmt, params string[] examples)
    {
        if (examples.Length == 0) return msg + " (regex used for validation is '" + fmt + "')";
        // Go builds "'a',  or 'b', " (note the double space), and kubectl users see exactly that.
        var sb = new System.Text.StringBuilder(msg).Append(" (e.g. ");
        for (var i = 0; i < examples.Length; i++)
        {
            if (i > 0) sb.Append(" or ");
            sb.Append('\'').Append(examples[i]).Append("', ");
        }
        return sb.Append("regex used for validation is '").Append(fmt).Append("')").ToString();
    }
}
