using System.Globalization;
using System.Text.RegularExpressions;

namespace Podway.Api.Validation;

/// <summary>Just enough of resource.Quantity to compare requests with limits.</summary>
internal static partial class Quantity
{
    [GeneratedRegex(@"^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?\d+)?$")]
    private static partial Regex Re();

    public static decimal? Parse(string s)
    {
        var m = Re().Match(s);
        if (!m.Success || !decimal.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n)) return null;
        var suffix = m.Groups[2].Value;
        decimal factor = suffix switch
        {
            "" => 1, "m" => 0.001m, "k" => 1e3m, "M" => 1e6m, "G" => 1e9m, "T" => 1e12m, "P" => 1e15m, "E" => 1e18m,
            "Ki" => 1024m, "Mi" => 1048576m, "Gi" => 1073741824m, "Ti" => 1099511627776m, "Pi" => 1125899906842624m, "Ei" => 1152921504606846976m,
            _ => (decimal)Math.Pow(10, int.Parse(suffix[1..], CultureInfo.InvariantCulture)),
        };
        return n * factor;
    }
}
