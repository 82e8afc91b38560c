using Podway.Cli;

return await CommandDispatcher.RunAsync(args, CliContext.FromProcess());
