using Podway.Images;

namespace Podway.Cli;

/// <summary>
/// `podway image PROGRAM [ARGS...]`: runs a built-in image's program (what the image catalog starts in a Pod).
/// The arguments belong to the program (agnhost flags, nginx -g ...), so they bypass podway's flag parser.
/// </summary>
internal static class ImageCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliContext ctx)
    {
        if (args.Count < 2 || args[1] is "--help" or "-h")
        {
            (args.Count < 2 ? ctx.Err : ctx.Out).Write(
                $"Usage: podway image PROGRAM [ARGS...]\n\nRuns the program of a built-in image. Programs: {string.Join(", ", BuiltinImages.Programs)}\n");
            return args.Count < 2 ? 2 : 0;
        }
        return await BuiltinImages.Run(args[1], args.Skip(2).ToArray());
    }
}
