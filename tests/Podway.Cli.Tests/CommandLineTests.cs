namespace Podway.Cli.Tests;

public sealed class CommandLineTests
{
    public sealed record BadInvocation(string[] Args, string Error);

    public static TheoryData<BadInvocation> BadInvocations() =>
    [
        new(["up", "--foo"], "error: unknown flag --foo for podway up"),
        new(["down", "--api-port", "7000"], "error: unknown flag --api-port for podway down"),
        new(["launch"], "error: unknown command \"launch\" for podway"),
        new(["--verbose"], "error: unknown flag --verbose for podway"),
        new(["up", "--name"], "error: flag --name for podway up needs a value (N)"),
        new(["up", "--name", "--foreground"], "error: flag --name for podway up needs a value (N)"),
        new(["down", "--purge=yes"], "error: flag --purge for podway down takes no value"),
        new(["status", "extra"], "error: unexpected argument \"extra\" for podway status"),
        new(["up", "--api-port", "http"], "error: invalid value \"http\" for --api-port: must be a port number from 1 to 65535"),
        new(["up", "--api-port=70000"], "error: invalid value \"70000\" for --api-port: must be a port number from 1 to 65535"),
        new(["up", "--resolv-conf", "/nonexistent/podway/resolv.conf"],
            "error: invalid value \"/nonexistent/podway/resolv.conf\" for --resolv-conf: no such file (give \"\" for no upstream resolvers)"),
        new(["up", "--resolv-conf", "/tmp"], "error: invalid value \"/tmp\" for --resolv-conf: no such file (give \"\" for no upstream resolvers)"),
        new(["status", "--name", "Bad_Name"], "error: invalid cluster name \"Bad_Name\""),
        new(["status", "--name", "muchtoolongname"], "error: invalid cluster name \"muchtoolongname\""),
        new(["status", "-n", "shop"], "error: unknown flag -n for podway status"),
        new(["flows", "-n"], "error: flag --namespace for podway flows needs a value (NS)"),
        new(["flows", "--verdict", "lost"], "error: invalid value \"lost\" for --verdict: use forwarded, dropped or rejected"),
        new(["flows", "-o", "yaml"], "error: invalid value \"yaml\" for --output: use json"),
        new(["trace", "host"], "error: podway trace needs FROM and TO (got 1 argument)"),
        new(["trace", "host", "http://web", "extra"], "error: podway trace needs FROM and TO (got 3 arguments)"),
        new(["trace", "svc/web", "http://web"], "error: FROM \"svc/web\" is not pod/NAME, deploy/NAME or host"),
        new(["trace", "host", "web"], "error: TO \"web\" is not a URL, svc/NAME[:port], pod/NAME:port or IP:port"),
        new(["trace", "-o", "yaml", "host", "http://web"], "error: invalid value \"yaml\" for --output: use json"),
        new(["trace", "-x", "host", "http://web"], "error: unknown flag -x for podway trace"),
    ];

    [Fact]
    public void Parse_Trace_PositionalsAndShortFlags()
    {
        var cmd = ArgumentParser.Parse(["trace", "-n", "shop", "deploy/client", "-o", "json", "http://web", "--name", "c1"])!;
        Assert.Equal(["deploy/client", "http://web"], cmd.Positionals);
        Assert.Equal("shop", cmd.Value("--namespace"));
        Assert.Equal("json", cmd.Value("--output"));
        Assert.Equal("c1", cmd.Value("--name"));
    }

    [Theory]
    [MemberData(nameof(BadInvocations))]
    public async Task Run_BadInvocation_PrintsErrorAndExits2(BadInvocation row)
    {
        using var cli = new TestCli();
        var code = await cli.RunAsync(row.Args);
        Assert.Equal(2, code);
        Assert.StartsWith(row.Error, cli.Err.ToString());
        Assert.Contains("--help' for usage.", cli.Err.ToString());
    }

    [Theory]
    [InlineData("up", "podway up must run as root (it creates network namespaces and nftables rules): try sudo ./podway up")]
    [InlineData("down", "podway down must run as root (it removes network namespaces and nftables rules): try sudo ./podway down")]
    public async Task Run_NotRoot_ExplainsSudoAndExits1(string command, string message)
    {
        using var cli = new TestCli { IsRoot = false };
        var code = await cli.RunAsync(command, "--name", "rootless");
        Assert.Equal(1, code);
        Assert.Equal($"error: {message}", cli.Err.ToString().Trim());
        Assert.False(Directory.Exists(cli.DataRoot), "nothing may be created before the root check");
    }

    [Theory]
    [InlineData(new[] { "--help" }, "Usage: podway <command> [flags]")]
    [InlineData(new[] { "up", "--help" }, "--foreground")]
    [InlineData(new[] { "down", "-h" }, "--purge")]
    [InlineData(new[] { "status", "--help" }, "--data-dir D")]
    [InlineData(new[] { "flows", "--help" }, "-n, --namespace NS")]
    public async Task Run_Help_PrintsUsageAndExits0(string[] args, string expected)
    {
        using var cli = new TestCli { IsRoot = false };
        Assert.Equal(0, await cli.RunAsync(args));
        Assert.Contains(expected, cli.Out.ToString());
    }

    [Fact]
    public async Task Run_NoArguments_PrintsUsageToStderrAndExits2()
    {
        using var cli = new TestCli();
        Assert.Equal(2, await cli.RunAsync());
        Assert.Contains("Commands:", cli.Err.ToString());
        Assert.DoesNotContain("server", cli.Err.ToString()); // internal subcommand stays out of the help
    }

    [Fact]
    public void Parse_EqualsAndSpaceForms_GiveSameValues()
    {
        var a = ArgumentParser.Parse(["up", "--name=dev", "--api-port", "7443", "--foreground"])!;
        Assert.Equal("dev", a.Value("--name"));
        Assert.Equal("7443", a.Value("--api-port"));
        Assert.True(a.Has("--foreground"));
        Assert.False(a.Has("--data-dir"));
    }

    [Fact]
    public void Resolve_Defaults_UseNamedDirUnderDataRoot()
    {
        // A data root of the test's own: the machine's /var/lib/podway may remember a default cluster elsewhere.
        using var cli = new TestCli();
        var paths = ClusterTarget.Resolve(ArgumentParser.Parse(["status"])!, cli.DataRoot);
        Assert.Equal("podway", paths.Name);
        Assert.Equal(Path.Combine(cli.DataRoot, "podway"), paths.DataDir);
        Assert.Equal("podway-podway", paths.ContextName);
    }
}
