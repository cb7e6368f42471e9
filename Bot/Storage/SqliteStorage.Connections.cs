using System.Globalization;
using Microsoft.Data.Sqlite;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Storage;

/// <summary>
/// Opening the file and its connections: the pragmas every connection gets, and the small pool of open read
/// connections with their statements prepared.
/// </summary>
public sealed partial class SqliteStorage
{
    /// <summary>
    /// The connection string every store in the bot's database file opens it with: created if missing, pooled, and a
    /// command waits up to 30 s on a lock another writer (another store, another process) holds before failing.
    /// </summary>
    internal static string SharedFileConnectionString(string path) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    /// <summary>Opens (creating if needed) <c>{dataFolder}/{fileName}</c> and makes sure the table exists.</summary>
    /// <exception cref="StorageUnavailableException">The folder or file cannot be created, opened or written.</exception>
    public static async Task<SqliteStorage> OpenAsync(
        string dataFolder, TimeProvider timeProvider, string fileName = DefaultFileName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataFolder);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var path = Path.GetFullPath(Path.Combine(dataFolder, fileName));
        // The long-lived connections below are this class's own pool; the rare one-off ones (purge, health) are pooled.
        var connectionString = SharedFileConnectionString(path);

        try
        {
            Directory.CreateDirectory(dataFolder);
            var storage = new SqliteStorage(connectionString, path, timeProvider);
            await using var connection = await storage.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();

            // journal_mode is stored in the file, so setting it once here holds for every later connection.
            // WITHOUT ROWID and no index but the key: a turn's write changes one B-tree, not three (the table, its key's
            // index and an index on the time). That was about a tenth of a question turn's cost. The hourly purge
            // scans the table instead, which for a preschool's conversations takes milliseconds.
            command.CommandText = "PRAGMA journal_mode = WAL;";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            command.CommandText = """
                BEGIN IMMEDIATE;
                CREATE TABLE IF NOT EXISTS state (
                    key TEXT PRIMARY KEY NOT NULL,
                    etag TEXT NOT NULL,
                    value TEXT NOT NULL,
                    updated_utc TEXT NOT NULL
                ) WITHOUT ROWID;
                SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'state';
                """;
            var definition = Convert.ToString(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            command.CommandText = definition is not null && !definition.Contains("WITHOUT ROWID", StringComparison.OrdinalIgnoreCase)
                ? """
                  CREATE TABLE state_without_rowid (
                      key TEXT PRIMARY KEY NOT NULL,
                      etag TEXT NOT NULL,
                      value TEXT NOT NULL,
                      updated_utc TEXT NOT NULL
                  ) WITHOUT ROWID;
                  INSERT INTO state_without_rowid (key, etag, value, updated_utc) SELECT key, etag, value, updated_utc FROM state;
                  DROP TABLE state;
                  ALTER TABLE state_without_rowid RENAME TO state;
                  COMMIT;
                  """
                : "COMMIT;";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

            // The file's identity, so a file deleted or replaced under the running bot is noticed (CheckAsync).
            command.CommandText = """
                CREATE TABLE IF NOT EXISTS file_identity (id TEXT NOT NULL);
                INSERT INTO file_identity (id) SELECT $id WHERE NOT EXISTS (SELECT 1 FROM file_identity);
                SELECT id FROM file_identity LIMIT 1;
                """;
            command.Parameters.AddWithValue("$id", Guid.NewGuid().ToString("N"));
            storage._identity = Convert.ToString(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            return storage;
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new StorageUnavailableException(
                $"The state database '{path}' could not be opened ({Describe(ex)}). Check that the data folder exists, is writable, and holds a SQLite file.", ex);
        }
    }

    // Pooling keeps the underlying handles; opening per call is cheap and keeps each call independent.
    private Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        OpenWithPragmasAsync(_connectionString, "PRAGMA busy_timeout = 30000;", cancellationToken);

    private void Return(Reader reader, bool healthy)
    {
        if (healthy && !_disposed && _readers.Count < MaxIdleReaders)
        {
            _readers.Add(reader);
        }
        else
        {
            reader.Dispose();
        }
    }

    private Task<SqliteConnection> OpenOwnedConnectionAsync(CancellationToken cancellationToken) =>
        // Not from Microsoft.Data.Sqlite's pool: these stay open for the life of the storage and are closed by Dispose.
        // synchronous is per connection; busy_timeout makes SQLite itself wait (briefly, natively) for another
        // process's lock, instead of failing at once into the provider's 150 ms retry sleeps.
        OpenWithPragmasAsync(
            new SqliteConnectionStringBuilder(_connectionString) { Pooling = false }.ToString(),
            "PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 30000;",
            cancellationToken);

    /// <summary>
    /// Opens a connection and runs <paramref name="pragmas"/> on it (they are per connection); closes it on failure.
    /// Every connection also has <c>secure_delete</c> on: what is deleted (a purged concern, a child's name in old state)
    /// is overwritten with zeros in the file, not just unlinked, so it cannot be read back from the database file.
    /// </summary>
    internal static async Task<SqliteConnection> OpenWithPragmasAsync(string connectionString, string pragmas, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA secure_delete = ON; " + pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static SqliteCommand Prepare(SqliteConnection connection, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter(name, SqliteType.Text));
        }

        command.Prepare();
        return command;
    }

    /// <summary>A read connection with its statements prepared.</summary>
    private sealed class Reader : IDisposable
    {
        private readonly SqliteConnection _connection;

        private Reader(SqliteConnection connection)
        {
            _connection = connection;
            Select = Prepare(connection, "SELECT etag, value FROM state WHERE key = $key", "$key");
            Key = Select.Parameters["$key"];
            Begin = Prepare(connection, "BEGIN");
            End = Prepare(connection, "COMMIT");
        }

        public SqliteCommand Select { get; }
        public SqliteParameter Key { get; }
        public SqliteCommand Begin { get; }
        public SqliteCommand End { get; }

        public static async Task<Reader> OpenAsync(SqliteStorage storage, CancellationToken cancellationToken)
        {
            var connection = await storage.OpenOwnedConnectionAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return new Reader(connection);
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        public void Dispose()
        {
            Select.Dispose();
            Begin.Dispose();
            End.Dispose();
            _connection.Dispose();
        }
    }
}
