using Podway.Images.Common;

namespace Podway.Images.Agnhost;

/// <summary>Shared cobra behaviour of agnhost subcommands: flag errors and argument counts print "Error: ..." and exit 1.</summary>
internal static class CobraCommand
{
    /// <summary>Parses flags and checks the positional count; null when the command must stop with the returned exit code.</summary>
    public static List<string>? Parse(string use, PFlags flags, IReadOnlyList<string> args, int minArgs, int maxArgs, out int exitCode)
    {
        exitCode = 0;
        var positional = flags.Parse(args, out var error, out var help);
        if (help)
        {
            Console.Out.Write($"Usage:\n  agnhost {use} [flags]\n\n{flags.Usage()}");
            return null;
        }
        if (positional is not null && (positional.Count < minArgs || positional.Count > maxArgs))
        {
            error = minArgs == maxArgs && minArgs > 0
                ? $"accepts {minArgs} arg(s), received {positional.Count}"
                : $"accepts at most {maxArgs} arg(s), received {positional.Count}";
            positional = null;
        }
        if (positional is null)
        {
            Console.Error.Write($"Error: {error}\nUsage:\n  agnhost {use} [flags]\n\n{flags.Usage()}\n");
            exitCode = 1;
        }
        return positional;
    }
}
