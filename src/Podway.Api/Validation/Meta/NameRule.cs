namespace Podway.Api.Validation;

/// <summary>Which name function a kind's ObjectMeta validation uses (apimachinery ValidateNameFunc).</summary>
internal enum NameRule { Dns1123Subdomain, Dns1123Label, Dns1035Label, PathSegment }

internal static class NameRuleChecks
{
    /// <summary>Messages for a name; with prefix=true (generateName) a trailing '-' is tolerated, as maskTrailingDash does.</summary>
    public static IReadOnlyList<string> Check(NameRule rule, string name, bool prefix)
    {
        if (prefix && rule != NameRule.PathSegment && name.Length > 1 && name[^1] == '-')
            name = name[..^2] + "a";
        return rule switch
        {
            NameRule.Dns1123Label => NameRules.Dns1123LabelErrors(name),
            NameRule.Dns1035Label => NameRules.Dns1035LabelErrors(name),
            NameRule.PathSegment => PathSegment(name, prefix),
            _ => NameRules.Dns1123SubdomainErrors(name),
        };
    }

    static IReadOnlyList<string> PathSegment(string name, bool prefix)
    {
        if (!prefix && (name == "." || name == "..")) return [$"may not be '{name}'"];
        var errs = new List<string>();
        if (name.Contains('/')) errs.Add("may not contain '/'");
        if (name.Contains('%')) errs.Add("may not contain '%'");
        return errs;
    }
}
