using System.Runtime.InteropServices;

namespace Podway.Proxy.Flows;

/// <summary>Moves the calling thread (only it) into a named network namespace, for sockets that must be made there.</summary>
internal static class NetnsThread
{
    const int CloneNewnet = 0x40000000;

    public static void Enter(string netns)
    {
        using var handle = File.OpenHandle($"/run/netns/{netns}");
        if (setns((int)handle.DangerousGetHandle(), CloneNewnet) != 0)
            throw new IOException($"setns {netns}: {Marshal.GetLastPInvokeErrorMessage()}");
    }

    [DllImport("libc", SetLastError = true)] static extern int setns(int fd, int nstype);
}
