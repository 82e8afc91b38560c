using Podway.Images.Agnhost;
using Podway.Images.Echo;

namespace Podway.Images;

/// <summary>
/// The programs behind podway's built-in images, run as `podway image PROGRAM [ARGS...]` (the image catalog in
/// Podway.Node maps image names to these). Each returns the process exit code.
/// </summary>
public static class BuiltinImages
{
    /// <summary>Program names the catalog may ask for.</summary>
    public static IReadOnlyList<string> Programs { get; } =
        ["agnhost", "http-echo", "echo-basic", "dns", "edge", .. EchoVariant.All.Select(v => v.Program)];

    public static Task<int> Run(string name, string[] args)
    {
        var echo = EchoVariant.All.FirstOrDefault(v => v.Program == name);
        if (echo is not null) return EchoServer.RunAsync(echo, args);
        return name switch
        {
            "agnhost" => AgnhostProgram.RunAsync(args),
            "http-echo" => HttpEcho.RunAsync(args),
            "echo-basic" => EchoBasic.RunAsync(args),
            "dns" => Podway.Dns.Addon.DnsProgram.RunAsync(args),
            "edge" => Podway.Edge.Addon.EdgeProgram.RunAsync(args),
            _ => Unknown(name),
        };
    }

    static Task<int> Unknown(string name)
    {
        Console.Error.WriteLine($"podway image: no built-in program \"{name}\" (have: {string.Join(", ", Programs)})");
        return Task.FromResult(2);
    }
}
