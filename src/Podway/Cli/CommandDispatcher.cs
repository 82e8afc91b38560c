namespace Podway.Cli;

/// <summary>Entry point: parses the arguments, runs the subcommand, turns failures into messages and exit codes.</summary>
internal static class CommandDispatcher
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliContext ctx)
    {
        ParsedCommand? cmd = null;
        try
        {
            if (args.Count > 0 && args[0] == CommandSpecs.Image.Name)
                return await ImageCommand.RunAsync(args, ctx); // the program's own flags, not podway's
            cmd = ArgumentParser.Parse(args);
            if (cmd is null)
            {
                var asked = args.Count > 0;
                (asked ? ctx.Out : ctx.Err).Write(UsageText.TopLevel());
                return asked ? 0 : 2;
            }
            if (cmd.HelpRequested)
            {
                ctx.Out.Write(UsageText.For(cmd.Spec));
                return 0;
            }
            return cmd.Spec.Name switch
            {
                "up" => await UpCommand.RunAsync(cmd, ctx),
                "down" => await DownCommand.RunAsync(cmd, ctx),
                "status" => await StatusCommand.RunAsync(cmd, ctx),
                "kubeconfig" => KubeconfigCommand.Run(cmd, ctx),
                "trace" => await TraceCommand.RunAsync(cmd, ctx),
                "flows" => await FlowsCommand.RunAsync(cmd, ctx),
                "server" => await ServerCommand.RunAsync(cmd, ctx),
                "supervise" => await ServerCommand.SuperviseAsync(cmd, ctx),
                "agent" => await AgentCommand.RunAsync(cmd, ctx),
                _ => throw new UsageException($"unknown command \"{cmd.Spec.Name}\" for podway"),
            };
        }
        catch (UsageException e)
        {
            ctx.Err.WriteLine($"error: {e.Message}");
            ctx.Err.WriteLine(cmd is null && !(args.Count > 0 && CommandSpecs.All.Any(c => c.Name == args[0]))
                ? "Run 'podway --help' for usage."
                : $"Run 'podway {args[0]} --help' for usage.");
            return 2;
        }
        catch (CliException e)
        {
            ctx.Err.WriteLine($"error: {e.Message}");
            return e.ExitCode;
        }
    }
}
