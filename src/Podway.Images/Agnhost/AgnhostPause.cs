using System.Runtime.InteropServices;
using Podway.Images.Agnhost;
using Podway.Images.Common;

namespace Podway.Images.Agnhost;

/// <summary>agnhost pause: prints "Paused" and waits; exits 1 on SIGINT and 2 on SIGTERM, as the real one does.</summary>
internal static class AgnhostPause
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (CobraCommand.Parse("pause", new PFlags(), args, 0, 0, out var exit) is null) return exit;
        using var termination = new Termination();
        Console.Out.WriteLine("Paused");
        Console.Out.Flush();
        var signal = await termination.Signaled;
        var code = signal == PosixSignal.SIGINT ? 1 : 2;
        Console.Out.WriteLine($"exiting {code}");
        return code;
    }
}
