namespace Podway.Edge.Routing.Annotations;

/// <summary>Per-Ingress proxy limits: request body size and upstream timeouts.</summary>
/// <param name="MaxBodyBytes">Larger request bodies get 413; null is unlimited (`proxy-body-size: "0"`).</param>
/// <param name="Connect">TCP connect to an endpoint (then the next endpoint is tried, else 502/504).</param>
/// <param name="Read">Waiting for the upstream's response headers, and between two reads of its body (504).</param>
/// <param name="Send">Between two successive writes of the request to the upstream: a write that the upstream does not
/// take within it (it stopped reading and the socket buffers are full) closes the connection (504, nginx's
/// proxy_send_timeout).</param>
internal sealed record ProxyLimits(long? MaxBodyBytes, TimeSpan Connect, TimeSpan Read, TimeSpan Send)
{
    /// <summary>ingress-nginx's defaults: client_max_body_size 1m, connect 5 s, read 60 s, send 60 s.</summary>
    public static readonly ProxyLimits IngressNginxDefault = new(1024 * 1024, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60));
}

/// <summary>ingress-nginx's `proxy-body-size` (nginx size syntax: bytes, or with k/K, m/M, g/G; 0 is unlimited) and
/// `proxy-connect-timeout`, `proxy-read-timeout`, `proxy-send-timeout` (seconds, as integers; a trailing `s` is
/// accepted as nginx's time syntax allows).</summary>
internal static class ProxyAnnotations
{
    public static readonly string[] Names = ["proxy-body-size", "proxy-connect-timeout", "proxy-read-timeout", "proxy-send-timeout"];

    public static ProxyLimits Of(AnnotationReader annotations)
    {
        var limits = ProxyLimits.IngressNginxDefault;
        if (annotations.Get("proxy-body-size") is { } size)
        {
            if (ParseSize(size) is { } bytes) limits = limits with { MaxBodyBytes = bytes == 0 ? null : bytes };
            else annotations.Invalid("proxy-body-size", size, "is not an nginx size (like 8m, 512k, 0)");
        }
        limits = limits with
        {
            Connect = Seconds(annotations, "proxy-connect-timeout") ?? limits.Connect,
            Read = Seconds(annotations, "proxy-read-timeout") ?? limits.Read,
            Send = Seconds(annotations, "proxy-send-timeout") ?? limits.Send,
        };
        return limits;
    }

    /// <summary>nginx's size: digits with an optional k/K, m/M or g/G suffix.</summary>
    public static long? ParseSize(string text)
    {
        var multiplier = 1L;
        var digits = text.AsSpan();
        switch (text[^1])
        {
            case 'k' or 'K': multiplier = 1024; digits = digits[..^1]; break;
            case 'm' or 'M': multiplier = 1024 * 1024; digits = digits[..^1]; break;
            case 'g' or 'G': multiplier = 1024 * 1024 * 1024; digits = digits[..^1]; break;
        }
        if (!long.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)) return null;
        return n <= long.MaxValue / multiplier ? n * multiplier : null;
    }

    static TimeSpan? Seconds(AnnotationReader annotations, string name)
    {
        var value = annotations.Get(name);
        if (value is null) return null;
        var digits = value.EndsWith('s') ? value[..^1] : value;
        if (int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var s) && s > 0)
            return TimeSpan.FromSeconds(s);
        annotations.Invalid(name, value, "is not a number of seconds");
        return null;
    }
}
