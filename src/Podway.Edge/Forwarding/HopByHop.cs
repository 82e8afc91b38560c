namespace Podway.Edge.Forwarding;

/// <summary>Headers that describe one connection, not the message (RFC 9110 7.6.1), and never cross the proxy.</summary>
internal static class HopByHop
{
    public static bool Is(string name) => name.Length switch
    {
        2 => name.Equals("TE", StringComparison.OrdinalIgnoreCase),
        5 => name.Equals("Proxy", StringComparison.OrdinalIgnoreCase), // httpoxy
        7 => name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase) || name.Equals("Trailer", StringComparison.OrdinalIgnoreCase),
        10 => name.Equals("Connection", StringComparison.OrdinalIgnoreCase) || name.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase),
        17 => name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase),
        _ => name.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase),
    };

    /// <summary>Whether <paramref name="connection"/> (the Connection header's value) names <paramref name="name"/>,
    /// which makes that header hop-by-hop too.</summary>
    public static bool NamedBy(string? connection, string name)
    {
        if (string.IsNullOrEmpty(connection)) return false;
        foreach (var range in connection.AsSpan().Split(','))
            if (connection.AsSpan(range).Trim().Equals(name, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }
}
