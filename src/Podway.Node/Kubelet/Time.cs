using System.Globalization;

namespace Podway.Node.Kubelet;

internal static class Time
{
    /// <summary>metav1.Time: RFC 3339 in seconds.</summary>
    public static string Format(DateTime utc) => utc.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>metav1.MicroTime: RFC 3339 with microseconds (Lease renewTime).</summary>
    public static string FormatMicro(DateTime utc) => utc.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
