using System.Net;

namespace Podway.Edge.Routing.Annotations;

/// <summary>The client networks an Ingress admits; any other client gets 403.</summary>
internal sealed class SourceRanges(IReadOnlyList<IPNetwork> networks)
{
    public IReadOnlyList<IPNetwork> Networks => networks;

    public bool Allows(IPAddress? client)
    {
        if (client is null) return false;
        if (client.IsIPv4MappedToIPv6) client = client.MapToIPv4();
        foreach (var network in networks)
            if (network.Contains(client)) return true;
        return false;
    }
}

/// <summary>ingress-nginx's `whitelist-source-range` (and its newer name `allowlist-source-range`, which wins):
/// comma-separated CIDRs or addresses. One entry that does not parse makes ingress-nginx drop the annotation, and so
/// does the edge (with a Warning).</summary>
internal static class SourceRangeAnnotation
{
    public static readonly string[] Names = ["whitelist-source-range", "allowlist-source-range"];

    public static SourceRanges? Of(AnnotationReader annotations)
    {
        var name = annotations.Get("allowlist-source-range") is not null ? "allowlist-source-range" : "whitelist-source-range";
        var value = annotations.Get(name);
        if (value is null) return null;
        var networks = new List<IPNetwork>();
        foreach (var entry in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Cidr(entry) is { } network) networks.Add(network);
            else
            {
                annotations.Invalid(name, value, $"has \"{entry}\", which is not a CIDR");
                return null;
            }
        }
        return networks.Count == 0 ? null : new SourceRanges(networks);
    }

    /// <summary>`a.b.c.d/n` (host bits allowed, as Go's net.ParseCIDR) or a bare address.</summary>
    internal static IPNetwork? Cidr(string text)
    {
        var slash = text.IndexOf('/');
        if (!IPAddress.TryParse(slash < 0 ? text : text[..slash], out var address)) return null;
        var bits = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
        var prefix = bits;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, null, out prefix) || prefix > bits)) return null;
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - i * 8, 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }
        return new IPNetwork(new IPAddress(bytes), prefix);
    }
}
