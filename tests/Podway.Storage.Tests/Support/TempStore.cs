namespace Podway.Storage.Tests.Support;

/// <summary>A store on a real SQLite file in its own temp directory, removed on dispose.</summary>
internal sealed class TempStore : IAsyncDisposable
{
    private TempStore(string directory, StoreOptions options)
    {
        Directory = directory;
        Options = options;
    }

    public string Directory { get; }
    public StoreOptions Options { get; }
    public string DatabasePath => System.IO.Path.Combine(Directory, "podway.db");
    public SqliteObjectStore Store { get; private set; } = null!;

    public static async Task<TempStore> CreateAsync(StoreOptions? options = null)
    {
        var directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "podway-store-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var temp = new TempStore(directory, options ?? new StoreOptions());
        temp.Store = await SqliteObjectStore.OpenAsync(temp.DatabasePath, temp.Options);
        return temp;
    }

    /// <summary>Closes the store (draining writes) and opens the same file again, as a restart would.</summary>
    public async Task ReopenAsync()
    {
        await Store.DisposeAsync();
        Store = await SqliteObjectStore.OpenAsync(DatabasePath, Options);
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
