using Podway.Storage;

namespace Podway.Bench.Storage;

/// <summary>A store on a fresh SQLite file under the temp directory (a real disk, real fsync).</summary>
internal sealed class TempDatabase : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "podway-bench-" + Guid.NewGuid().ToString("N"));

    public SqliteObjectStore Store { get; private set; } = null!;

    public static async Task<TempDatabase> OpenAsync()
    {
        var db = new TempDatabase();
        Directory.CreateDirectory(db._directory);
        db.Store = await SqliteObjectStore.OpenAsync(Path.Combine(db._directory, "podway.db"), new StoreOptions());
        return db;
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
