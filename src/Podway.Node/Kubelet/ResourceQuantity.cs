using System.Globalization;

namespace Podway.Node.Kubelet;

/// <summary>Parses a resource.Quantity ("100m", "1.5Gi", "2e3") to its value.</summary>
internal static class ResourceQuantity
{
    static readonly (string Suffix, decimal Factor)[] Suffixes =
    [
        ("Ki", 1024m), ("Mi", 1024m * 1024), ("Gi", 1024m * 1024 * 1024), ("Ti", 1024m * 1024 * 1024 * 1024),
        ("n", 0.000000001m), ("u", 0.000001m), ("m", 0.001m), ("k", 1e3m), ("M", 1e6m), ("G", 1e9m), ("T", 1e12m),
    ];

    public static bool TryParse(string text, out decimal value)
    {
        value = 0;
        text = text.Trim();
        foreach (var (suffix, factor) in Suffixes)
        {
            if (!text.EndsWith(suffix, StringComparison.Ordinal)) continue;
            if (!decimal.TryParse(text[..^suffix.Length], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n)) return false;
            value = n * factor;
            return true;
        }
        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }
}
