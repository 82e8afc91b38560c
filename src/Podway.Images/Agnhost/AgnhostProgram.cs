namespace Podway.Images.Agnhost;

/// <summary>`/agnhost SUBCOMMAND [flags]`: the Kubernetes e2e test image's subcommands that podway implements.</summary>
internal static class AgnhostProgram
{
    static readonly (string Name, string Short)[] Commands =
    [
        ("connect", "Attempts a TCP, UDP or SCTP connection and returns useful errors"),
        ("netexec", "Creates HTTP(S), UDP, and (optionally) SCTP servers with various endpoints"),
        ("pause", "Pauses the execution"),
        ("porter", "Serves requested data on ports specified in ENV variables"),
        ("serve-hostname", "Serves the hostname"),
    ];

    public static Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.Out.Write("agnhost: a podway built-in implementation of the Kubernetes e2e test image\n\nUsage:\n  agnhost [command]\n\nAvailable Commands:\n"
                + string.Concat(Commands.Select(c => $"  {c.Name,-16}{c.Short}\n")));
            return Task.FromResult(0);
        }
        var rest = args[1..];
        return args[0] switch
        {
            "netexec" => Netexec.RunAsync(rest),
            "serve-hostname" => ServeHostname.RunAsync(rest),
            "porter" => Porter.RunAsync(rest),
            "connect" => Connect.RunAsync(rest),
            "pause" => AgnhostPause.RunAsync(rest),
            _ => Unknown(args[0]),
        };
    }

    static Task<int> Unknown(string name)
    {
        Console.Error.Write($"Error: unknown command \"{name}\" for \"agnhost\"\nRun 'agnhost --help' for usage.\n");
        return Task.FromResult(1);
    }
}
