using System.Globalization;

namespace Podway.Images.Common;

/// <summary>Go's time.ParseDuration ("300ms", "1.5h", "2h45m") and Duration.String, for agnhost's duration flags.</summary>
internal static class GoDuration
{
    public static bool TryParse(string s, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (s.Length == 0) return false;
        var i = 0;
        var negative = false;
        if (s[0] is '-' or '+') { negative = s[0] == '-'; i++; }
        if (s[i..] == "0") return true;
        if (i >= s.Length) return false;
        double totalNs = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.')) i++;
            if (start == i || !double.TryParse(s[start..i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
                return false;
            var unitStart = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.') i++;
            double? unit = s[unitStart..i] switch
            {
                "ns" => 1, "us" or "µs" or "μs" => 1e3, "ms" => 1e6, "s" => 1e9, "m" => 60e9, "h" => 3600e9, _ => null,
            };
            if (unit is null) return false;
            totalNs += number * unit.Value;
        }
        value = TimeSpan.FromTicks((long)(totalNs / 100) * (negative ? -1 : 1));
        return true;
    }

    /// <summary>Go's Duration.String for the values agnhost logs ("0s", "1.5s", "2m0s").</summary>
    public static string Format(TimeSpan d)
    {
        if (d == TimeSpan.Zero) return "0s";
        if (d < TimeSpan.FromSeconds(1)) return $"{d.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms";
        var h = (int)d.TotalHours;
        var m = d.Minutes;
        var sec = (d - TimeSpan.FromHours(h) - TimeSpan.FromMinutes(m)).TotalSeconds.ToString(CultureInfo.InvariantCulture);
        return h > 0 ? $"{h}h{m}m{sec}s" : m > 0 ? $"{m}m{sec}s" : $"{sec}s";
    }
}
