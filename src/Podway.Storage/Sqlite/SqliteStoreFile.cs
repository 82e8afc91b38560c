using Microsoft.Data.Sqlite;

namespace Podway.Storage.Sqlite;

/// <summary>
/// The durable side of the store: one SQLite file in WAL mode with synchronous=FULL, so a commit returns only
/// once it survives power loss. Only the writer loop touches it after open; it is not thread-safe.
/// </summary>
internal sealed class SqliteStoreFile : IDisposable
{
    private const int SchemaVersion = 1;

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _update;
    private readonly SqliteCommand _delete;
    private readonly SqliteCommand _setRevision;

    private SqliteStoreFile(string path, SqliteConnection connection)
    {
        Path = path;
        _connection = connection;
        _insert = Prepare("INSERT INTO objects(resource, namespace, name, revision, json) VALUES ($r, $ns, $n, $rev, $json)", "$r", "$ns", "$n", "$rev", "$json");
        _update = Prepare("UPDATE objects SET revision = $rev, json = $json WHERE resource = $r AND namespace = $ns AND name = $n", "$r", "$ns", "$n", "$rev", "$json");
        _delete = Prepare("DELETE FROM objects WHERE resource = $r AND namespace = $ns AND name = $n", "$r", "$ns", "$n");
        _setRevision = Prepare("UPDATE meta SET value = $rev WHERE key = 'revision'", "$rev");
    }

    public string Path { get; }

    /// <summary>Opens or creates the file and its schema; failures name the file.</summary>
    public static SqliteStoreFile Open(string path, TimeSpan busyTimeout)
    {
        var full = System.IO.Path.GetFullPath(path);
        var directory = System.IO.Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);

        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false, // the file must be really closed on dispose
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(busyTimeout.TotalSeconds)),
        }.ToString();
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            Execute(connection, $"PRAGMA busy_timeout = {(long)busyTimeout.TotalMilliseconds}");
            var mode = Scalar(connection, "PRAGMA journal_mode = WAL") as string;
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                throw new StoreOpenException(full, $"could not enable WAL journaling (journal_mode is '{mode}')");
            Execute(connection, "PRAGMA synchronous = FULL");
            CheckIntegrity(connection, full);
            EnsureSchema(connection, full);
            return new SqliteStoreFile(full, connection);
        }
        catch (SqliteException ex)
        {
            connection.Dispose();
            throw new StoreOpenException(full, $"unreadable or corrupt database ({ex.Message})", ex);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public long ReadRevision() => Convert.ToInt64(Scalar(_connection, "SELECT value FROM meta WHERE key = 'revision'"));

    /// <summary>Every stored object, grouped by resource, in no particular order.</summary>
    public Dictionary<string, List<StoredObject>> LoadAll()
    {
        var byResource = new Dictionary<string, List<StoredObject>>(StringComparer.Ordinal);
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT resource, namespace, name, revision, json FROM objects";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var obj = new StoredObject(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), (byte[])reader.GetValue(4));
            if (!byResource.TryGetValue(obj.Resource, out var list)) byResource[obj.Resource] = list = [];
            list.Add(obj);
        }
        return byResource;
    }

    /// <summary>Writes a batch's events and the new global revision in one durable transaction, or nothing.</summary>
    public void Commit(IReadOnlyList<WatchEvent> events, long revision)
    {
        var transaction = _connection.BeginTransaction(deferred: false);
        try
        {
            foreach (var ev in events)
            {
                var command = ev.Type switch
                {
                    WatchEventType.Added => _insert,
                    WatchEventType.Modified => _update,
                    _ => _delete,
                };
                command.Transaction = transaction;
                command.Parameters["$r"].Value = ev.Object.Resource;
                command.Parameters["$ns"].Value = ev.Object.Namespace;
                command.Parameters["$n"].Value = ev.Object.Name;
                if (ev.Type != WatchEventType.Deleted)
                {
                    command.Parameters["$rev"].Value = ev.Object.Revision;
                    command.Parameters["$json"].Value = ev.Object.Json;
                }
                // Memory and disk must agree; a row count other than one means they do not, so fail the batch.
                if (command.ExecuteNonQuery() != 1)
                    throw new InvalidOperationException($"store file '{Path}' is out of step with memory at {ev.Object.Resource} {ev.Object.Namespace}/{ev.Object.Name}");
            }
            _setRevision.Transaction = transaction;
            _setRevision.Parameters["$rev"].Value = revision;
            if (_setRevision.ExecuteNonQuery() != 1) throw new InvalidOperationException($"store file '{Path}' has no revision row");
            transaction.Commit();
        }
        catch
        {
            try { transaction.Rollback(); } catch (SqliteException) { /* SQLite may already have rolled back */ }
            throw;
        }
        finally
        {
            try { transaction.Dispose(); } catch (SqliteException) { }
        }
    }

    public void Dispose()
    {
        _insert.Dispose();
        _update.Dispose();
        _delete.Dispose();
        _setRevision.Dispose();
        _connection.Dispose();
    }

    private static void CheckIntegrity(SqliteConnection connection, string path)
    {
        var result = Scalar(connection, "PRAGMA quick_check") as string;
        if (!string.Equals(result, "ok", StringComparison.Ordinal))
            throw new StoreOpenException(path, $"integrity check failed: {result}");
    }

    private static void EnsureSchema(SqliteConnection connection, string path)
    {
        long version = Convert.ToInt64(Scalar(connection, "PRAGMA user_version"));
        if (version == SchemaVersion) return;
        if (version != 0)
            throw new StoreOpenException(path, $"schema version {version} is not supported (this build reads version {SchemaVersion})");

        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            CREATE TABLE objects (
                resource  TEXT    NOT NULL,
                namespace TEXT    NOT NULL,
                name      TEXT    NOT NULL,
                revision  INTEGER NOT NULL,
                json      BLOB    NOT NULL,
                PRIMARY KEY (resource, namespace, name)
            ) WITHOUT ROWID;
            CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
            INSERT INTO meta(key, value) VALUES ('revision', 0);
            PRAGMA user_version = {SchemaVersion};
            """;
        command.ExecuteNonQuery();
        transaction.Commit();
    }

    private SqliteCommand Prepare(string sql, params string[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters) command.Parameters.Add(new SqliteParameter(name, null));
        return command;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
