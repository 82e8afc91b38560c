using Podway.Cli;

namespace Podway.Cli.Tests;

/// <summary>A CLI context over a throwaway data root, capturing output; root-ness and environment are chosen per test.</summary>
internal sealed class TestCli : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("podway-cli-test-").FullName;
    public StringWriter Out { get; } = new();
    public StringWriter Err { get; } = new();
    public Dictionary<string, string?> Env { get; } = new();
    public bool IsRoot { get; set; } = true;
    /// <summary>
    /// A cluster name of this test's own: kernel objects and running servers are found by name, so tests running in
    /// parallel (or a user's cluster) must never share one.
    /// </summary>
    public string Name { get; } = "t" + Guid.NewGuid().ToString("N")[..7];

    public TestCli()
    {
        // Never touch the real user's kubeconfig.
        Env["KUBECONFIG"] = Path.Combine(Root, "home", ".kube", "config");
        Env["HOME"] = Path.Combine(Root, "home");
    }

    public string DataRoot => Path.Combine(Root, "data");

    public CliContext Context => new(Out, Err, () => IsRoot, k => Env.GetValueOrDefault(k), DataRoot);

    public Task<int> RunAsync(params string[] args) => CommandDispatcher.RunAsync(args, Context);

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
