using System.Net;

namespace Podway.Node.Network;

internal static class Cidr
{
    /// <summary>"10.244.3.7/24" -> "10.244.3.0/24" (the network address, as `ip route` prints it).</summary>
    public static string Normalize(string cidr)
    {
        var net = IPNetwork.Parse(cidr.Contains('/') ? MaskHost(cidr) : cidr + "/32");
        return $"{net.BaseAddress}/{net.PrefixLength}";
    }

    static string MaskHost(string cidr)
    {
        var (ip, len) = (IPAddress.Parse(cidr[..cidr.IndexOf('/')]), int.Parse(cidr[(cidr.IndexOf('/') + 1)..]));
        var bytes = ip.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(len - i * 8, 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }
        return $"{new IPAddress(bytes)}/{len}";
    }
}
