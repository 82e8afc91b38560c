using System.Text.RegularExpressions;

namespace Podway.Trace;

/// <summary>DNS-1123 names (what Pods, Deployments and Services may be called), checked before asking the API.</summary>
internal static partial class ObjectNames
{
    [GeneratedRegex("^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$")]
    private static partial Regex Subdomain();

    public static bool IsValid(string name) => Subdomain().IsMatch(name);
}
