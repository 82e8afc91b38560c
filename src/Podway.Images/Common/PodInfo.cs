using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Podway.Images.Common;

/// <summary>What a program knows about the Pod it serves: the hostname (the pod name) and its IP.</summary>
internal static class PodInfo
{
    /// <summary>The kernel hostname of this UTS namespace, like Go's os.Hostname.</summary>
    public static string Hostname()
    {
        try { return File.ReadAllText("/proc/sys/kernel/hostname").Trim(); }
        catch (IOException) { return System.Net.Dns.GetHostName(); }
    }

    /// <summary>The first non-loopback address, IPv4 first (the pod IP inside a pod's network namespace).</summary>
    public static string? FirstAddress()
    {
        var addresses = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus != OperationalStatus.Down && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses.Select(a => a.Address))
            .Where(a => !IPAddress.IsLoopback(a) && !a.IsIPv6LinkLocal)
            .ToList();
        var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
        return chosen?.ToString();
    }

    /// <summary>Go's net.Addr String form: "1.2.3.4:80", "[::1]:80" (IPv4-mapped addresses shown as IPv4).</summary>
    public static string Format(IPEndPoint ep)
    {
        var address = ep.Address.IsIPv4MappedToIPv6 ? ep.Address.MapToIPv4() : ep.Address;
        return address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{ep.Port}" : $"{address}:{ep.Port}";
    }
}
