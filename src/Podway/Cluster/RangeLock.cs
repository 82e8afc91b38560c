namespace Podway.Cluster;

/// <summary>
/// Held while a new cluster picks its node and Pod ranges and records them in cluster.json: two `up`s started at the
/// same instant would otherwise both see the same free range. One lock file per data root, where every cluster is
/// listed (.locations), so exactly the clusters that can see each other take turns.
/// </summary>
internal sealed class RangeLock : IDisposable
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    readonly FileStream _file;

    RangeLock(FileStream file) => _file = file;

    public static RangeLock Acquire(string dataRoot)
    {
        Directory.CreateDirectory(dataRoot);
        var path = Path.Combine(dataRoot, ".ranges.lock");
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            // FileShare.None takes flock(LOCK_EX | LOCK_NB) on Linux; the kernel drops it if this process dies.
            try { return new RangeLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)); }
            catch (IOException) when (DateTime.UtcNow < deadline) { Thread.Sleep(20); }
            catch (IOException e) { throw new Cli.CliException($"another podway up has held {path} for {Patience.TotalSeconds:0} s: {e.Message}"); }
        }
    }

    public void Dispose() => _file.Dispose();
}
