using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podway.Controllers.Workloads;

/// <summary>intstr.GetScaledValueFromIntOrPercent: an int as is, "25%" of total rounded up or down.</summary>
internal static class IntOrPercent
{
    public static int Scaled(JsonNode? value, int total, bool roundUp, int fallback)
    {
        if (value is not JsonValue v) return fallback;
        if (v.GetValueKind() == JsonValueKind.Number) return v.GetValue<int>();
        var text = v.GetValue<string>();
        if (!text.EndsWith('%') || !int.TryParse(text[..^1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var percent))
            throw new FormatException($"invalid value for IntOrString: invalid value \"{text}\": must be an integer or percentage (e.g '5%')");
        var scaled = (double)percent * total / 100;
        return (int)(roundUp ? Math.Ceiling(scaled) : Math.Floor(scaled));
    }
}
