using System.Runtime.InteropServices;
using Podway.Images.Common;

namespace Podway.Images.Pause;

/// <summary>registry.k8s.io/pause: sleeps until SIGINT/SIGTERM, then exits 0 (pause.c's sigdown).</summary>
internal static class PauseProgram
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args is ["-v"])
        {
            Console.Out.WriteLine("pause.c podway");
            return 0;
        }
        if (args.Length > 0)
        {
            Console.Error.WriteLine("Supported options:\n  -v  Prints pause version");
            return 1;
        }
        using var termination = new Termination();
        var signal = await termination.Signaled;
        Console.Out.WriteLine($"Shutting down, got signal: {(signal == PosixSignal.SIGTERM ? "Terminated" : "Interrupt")}");
        return 0;
    }
}
