using System.Globalization;

namespace Podway.Images.Common;

/// <summary>Go's time.Time String form, "2006-01-02 15:04:05.999999999 -0700 MST", for netexec's "NOW: ...".</summary>
internal static class GoTime
{
    public static string Now()
    {
        var now = DateTimeOffset.Now;
        var offset = now.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        var zone = offset == TimeSpan.Zero ? "UTC" : $"{sign}{Math.Abs(offset.Hours):00}";
        var fraction = now.ToString("fffffff", CultureInfo.InvariantCulture).TrimEnd('0');
        return $"{now:yyyy-MM-dd HH:mm:ss}{(fraction.Length > 0 ? "." + fraction : "")} {sign}{Math.Abs(offset.Hours):00}{Math.Abs(offset.Minutes):00} {zone}";
    }
}
