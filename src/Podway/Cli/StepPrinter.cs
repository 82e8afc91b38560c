namespace Podway.Cli;

/// <summary>Prints `up`'s progress as one line per step: "  name ... ok (detail)".</summary>
internal sealed class StepPrinter(TextWriter output)
{
    public T Run<T>(string name, Func<T> action, Func<T, string?>? detail = null)
    {
        output.Write($"  {name} ... ");
        output.Flush();
        try
        {
            var result = action();
            var d = detail?.Invoke(result);
            output.WriteLine(d is null ? "ok" : $"ok ({d})");
            return result;
        }
        catch
        {
            output.WriteLine("failed");
            throw;
        }
    }

    public async Task RunAsync(string name, Func<Task> action, string? detail = null)
    {
        output.Write($"  {name} ... ");
        output.Flush();
        try { await action(); }
        catch
        {
            output.WriteLine("failed");
            throw;
        }
        output.WriteLine(detail is null ? "ok" : $"ok ({detail})");
    }

    public async Task<T> RunAsync<T>(string name, Func<Task<T>> action, Func<T, string?> detail)
    {
        output.Write($"  {name} ... ");
        output.Flush();
        T result;
        try { result = await action(); }
        catch
        {
            output.WriteLine("failed");
            throw;
        }
        output.WriteLine(detail(result) is { } d ? $"ok ({d})" : "ok");
        return result;
    }

    public void Run(string name, Action action, string? detail = null) =>
        Run(name, () => { action(); return 0; }, _ => detail);
}
