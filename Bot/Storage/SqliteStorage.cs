using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Storage;

/// <summary>
/// <see cref="IStorage"/> in one SQLite file, the offline default. WAL lets readers go on while a turn writes;
/// the ETag check sits in the UPDATE itself, so two processes sharing the file cannot both win.
/// </summary>
/// <remarks>
/// Built for many short turns: every turn reads its state and writes it back, so the write path decides throughput.
/// Writes in this process go one at a time through one connection with its statements prepared once. SQLite allows one
/// writer anyway; letting threads race for the lock made Microsoft.Data.Sqlite retry every <c>SQLITE_BUSY</c> with a
/// 150 ms sleep on a pool thread (a third of the samples under load were in that sleep, p99 0.7–1 s). Reads take a
/// connection from a small pool of open ones, each with its SELECT prepared. <c>synchronous = NORMAL</c> is the usual
/// choice with WAL: a commit no longer waits for an fsync (the WAL is synced at checkpoints), so the file is never
/// corrupted, and a committed turn can be lost only to a power cut or an OS crash, not to the bot crashing.
/// </remarks>
public sealed class SqliteStorage : IStorage, IStateRetention, IDisposable
{
    public const string DefaultFileName = "policybot.db";

    // Open read connections kept for reuse; more can exist while many reads run at once, the rest are closed.
    private const int MaxIdleReaders = 8;

    // Turns' writes committed together at most; a bound on how long the first of them waits.
    private const int MaxBatch = 128;

    private readonly string _connectionString;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly ConcurrentBag<Reader> _readers = [];
    private readonly ConcurrentQueue<PendingWrite> _pending = new();
    private int _draining;
    private Writer? _writer;
    private bool _disposed;

    private SqliteStorage(string connectionString, string path, TimeProvider timeProvider)
    {
        _connectionString = connectionString;
        _timeProvider = timeProvider;
        DatabasePath = path;
    }

    public string DatabasePath { get; }

    private string? _identity;

    /// <summary>
    /// For the health check: the file is still there, is still the one this process opened (not deleted and recreated,
    /// or replaced), and can be written. Open connections keep writing to a deleted file's inode without an error, so
    /// without this a deleted database would look healthy while everything written went nowhere.
    /// </summary>
    /// <exception cref="StorageUnavailableException">It is gone, replaced, or cannot be written.</exception>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        ThrowIfFileGone();
        try
        {
            // A fresh handle, not a pooled one that may still point at a deleted file.
            var check = new SqliteConnectionStringBuilder(_connectionString) { Pooling = false, Mode = SqliteOpenMode.ReadWrite }.ToString();
            await using var connection = await OpenWithPragmasAsync(check, "PRAGMA busy_timeout = 5000;", cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "BEGIN IMMEDIATE; SELECT id FROM file_identity LIMIT 1;";
            var found = Convert.ToString(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            command.CommandText = "ROLLBACK;";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (!string.Equals(found, _identity, StringComparison.Ordinal))
            {
                throw new StorageUnavailableException($"The state database '{DatabasePath}' was replaced while the bot was running; restart it.");
            }
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new StorageUnavailableException($"The state database '{DatabasePath}' cannot be written ({Describe(ex)}).", ex);
        }
    }

    /// <summary>A write to a database file that is no longer there would succeed into nothing: refuse it instead.</summary>
    private void ThrowIfFileGone()
    {
        if (!File.Exists(DatabasePath))
        {
            throw new StorageUnavailableException($"The state database '{DatabasePath}' was deleted while the bot was running; restart it to create a new one.");
        }
    }

    /// <summary>Opens (creating if needed) <c>{dataFolder}/{fileName}</c> and makes sure the table exists.</summary>
    /// <exception cref="StorageUnavailableException">The folder or file cannot be created, opened or written.</exception>
    public static async Task<SqliteStorage> OpenAsync(
        string dataFolder, TimeProvider timeProvider, string fileName = DefaultFileName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataFolder);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var path = Path.GetFullPath(Path.Combine(dataFolder, fileName));
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // The long-lived connections below are this class's own pool; the rare one-off ones (purge, health) are pooled.
            Pooling = true,
            // Seconds a command waits on a lock held by another writer (another process) before failing.
            DefaultTimeout = 30,
        }.ToString();

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

    public async Task<IReadOnlyDictionary<string, StoreItem>> ReadAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var found = new Dictionary<string, StoreItem>(keys.Count, StringComparer.Ordinal);
        if (keys.Count == 0)
        {
            return found;
        }

        var reader = _readers.TryTake(out var idle) ? idle : await Reader.OpenAsync(this, cancellationToken).ConfigureAwait(false);
        var healthy = false;
        try
        {
            // Several keys are read in one transaction, so they come from one snapshot of the file.
            var snapshot = keys.Count > 1;
            if (snapshot)
            {
                reader.Begin.ExecuteNonQuery();
            }

            try
            {
                foreach (var key in keys)
                {
                    reader.Key.Value = key;
                    using var row = reader.Select.ExecuteReader();
                    if (row.Read())
                    {
                        using var document = JsonDocument.Parse(row.GetString(1));
                        found[key] = new StoreItem(document.RootElement.Clone(), row.GetString(0));
                    }
                }
            }
            finally
            {
                if (snapshot)
                {
                    reader.End.ExecuteNonQuery();
                }
            }

            healthy = true;
        }
        finally
        {
            Return(reader, healthy);
        }

        return found;
    }

    public async Task<IReadOnlyDictionary<string, string>> WriteAsync(IReadOnlyDictionary<string, StoreItem> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Count == 0)
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfFileGone();
        var pending = new PendingWrite(changes, Timestamp(_timeProvider.GetUtcNow()));
        _pending.Enqueue(pending);

        // Group commit: whoever finds nobody writing takes every queued write into one transaction, its own among them;
        // the others wait for their result. After letting go, a drainer looks again, so a write queued while it was
        // letting go is not left waiting.
        do
        {
            if (Interlocked.CompareExchange(ref _draining, 1, 0) != 0)
            {
                break;
            }

            try
            {
                await DrainAsync().ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Exchange(ref _draining, 0);
            }
        }
        while (!_pending.IsEmpty);

        return await pending.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes queued changes, a batch per transaction, until the queue is empty.</summary>
    private async Task DrainAsync()
    {
        // Not cancellable: other turns' writes are in the batch, and a write takes well under a millisecond.
        await _writeGate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            // Let the turns that are ready run up to their own save first, so they join this transaction: on a busy
            // host most writes then share a commit (and its WAL write and locks) instead of each paying for one.
            await Task.Yield();
            var batch = new List<PendingWrite>();
            while (true)
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _pending.TryDequeue(out var next))
                {
                    batch.Add(next);
                }

                if (batch.Count == 0)
                {
                    return;
                }

                await WriteBatchAsync(batch).ConfigureAwait(false);
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>
    /// One transaction for the batch; each turn's changes in a savepoint of their own, so one that loses its ETag check
    /// is undone alone (all of its keys or none) and the others are kept. A database error fails the whole batch.
    /// </summary>
    private async Task WriteBatchAsync(List<PendingWrite> batch)
    {
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var writer = _writer ??= await Writer.OpenAsync(this, CancellationToken.None).ConfigureAwait(false);
            var alone = batch.Count == 1;
            await RunInTransactionAsync(writer, () =>
            {
                foreach (var pending in batch)
                {
                    if (alone)
                    {
                        Apply(writer, pending);
                        continue;
                    }

                    writer.Savepoint.ExecuteNonQuery();
                    try
                    {
                        Apply(writer, pending);
                    }
                    catch (StorageConcurrencyException ex)
                    {
                        writer.RollbackToSavepoint.ExecuteNonQuery();
                        pending.Failure = ex;
                    }

                    writer.ReleaseSavepoint.ExecuteNonQuery();
                }
            }).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A full disk (SQLITE_FULL), an I/O error or a refused write is the storage failing, which the turn-error
            // handler tells the user as "couldn't save" (BotAdapter.NotSavedMessage), not as a bug.
            var failure = ex is SqliteException or IOException
                ? new StorageUnavailableException($"The state database '{DatabasePath}' cannot be written ({Describe(ex)}).", ex)
                : ex;
            foreach (var pending in batch)
            {
                pending.Done.TrySetException(pending.Failure ?? failure);
            }

            return;
        }

        foreach (var pending in batch)
        {
            if (pending.Failure is { } failure)
            {
                pending.Done.TrySetException(failure);
            }
            else
            {
                pending.Done.TrySetResult(pending.ETags);
            }
        }
    }

    private static void Apply(Writer writer, PendingWrite pending)
    {
        foreach (var (key, change) in pending.Changes)
        {
            var etag = Guid.NewGuid().ToString("N");
            var command = StoreItem.IsConditional(change.ETag) ? writer.Update : writer.Upsert;
            command.Parameters["$key"].Value = key;
            command.Parameters["$etag"].Value = etag;
            command.Parameters["$value"].Value = change.Value.GetRawText();
            command.Parameters["$now"].Value = pending.Now;
            if (command == writer.Update)
            {
                command.Parameters["$expected"].Value = change.ETag;
            }

            if (command.ExecuteNonQuery() == 0)
            {
                // Undone with the rest of this turn's changes: none of them is kept.
                throw StorageConcurrencyException.For(key);
            }

            pending.ETags[key] = etag;
        }
    }

    public async Task DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return;
        }

        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var writer = _writer ??= await Writer.OpenAsync(this, cancellationToken).ConfigureAwait(false);
            await RunInTransactionAsync(writer, () =>
            {
                foreach (var key in keys)
                {
                    writer.Delete.Parameters["$key"].Value = key;
                    writer.Delete.ExecuteNonQuery();
                }
            }).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SqliteException or IOException)
        {
            throw new StorageUnavailableException($"The state database '{DatabasePath}' cannot be written ({Describe(ex)}).", ex);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public void Dispose()
    {
        _writeGate.Wait();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _writer?.Dispose();
            _writer = null;
            while (_readers.TryTake(out var reader))
            {
                reader.Dispose();
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>
    /// Deletes items not written since <paramref name="cutoff"/>, except those under <see cref="StorageKeys.Retained"/>,
    /// which keep their own retention; the idle-state job calls it. Returns how many.
    /// </summary>
    public async Task<int> PurgeOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM state WHERE updated_utc < $cutoff AND substr(key, 1, length($retained)) <> $retained";
        command.Parameters.AddWithValue("$cutoff", Timestamp(cutoff));
        command.Parameters.AddWithValue("$retained", StorageKeys.Retained);
        var removed = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (removed > 0)
        {
            await CheckpointAsync(connection, cancellationToken).ConfigureAwait(false);
        }

        return removed;
    }

    /// <summary>
    /// After a purge: copies the write-ahead log into the file (where secure_delete has zeroed what was deleted) and
    /// empties it, so the old versions of purged rows do not linger in the WAL either. Best effort: a reader still on an
    /// old snapshot makes it partial, and the next purge finishes it.
    /// </summary>
    internal static async Task CheckpointAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        await checkpoint.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The journal mode the file is in; "wal" when all is well. For the health check.</summary>
    public async Task<string> GetJournalModeAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        return Convert.ToString(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) ?? string.Empty;
    }

    // Pooling keeps the underlying handles; opening per call is cheap and keeps each call independent.
    private Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        OpenWithPragmasAsync(_connectionString, "PRAGMA busy_timeout = 30000;", cancellationToken);

    /// <summary>
    /// Runs <paramref name="body"/> in a write transaction on the writer (the caller holds the write gate). On any
    /// failure the transaction is rolled back; a writer left in doubt is closed, and the next write opens a new one.
    /// </summary>
    private async Task RunInTransactionAsync(Writer writer, Action body)
    {
        // BEGIN IMMEDIATE: take the write lock up front, so a writer in another process queues instead of deadlocking.
        writer.Begin.ExecuteNonQuery();
        try
        {
            body();
            writer.Commit.ExecuteNonQuery();
        }
        catch
        {
            try
            {
                writer.Rollback.ExecuteNonQuery();
            }
            catch (SqliteException)
            {
                _writer = null;
                await writer.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

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

    /// <summary>The one connection this process writes through, with its statements prepared.</summary>
    private sealed class Writer(SqliteConnection connection) : IDisposable, IAsyncDisposable
    {
        public SqliteCommand Begin { get; } = Prepare(connection, "BEGIN IMMEDIATE");
        public SqliteCommand Commit { get; } = Prepare(connection, "COMMIT");
        public SqliteCommand Rollback { get; } = Prepare(connection, "ROLLBACK");
        public SqliteCommand Update { get; } = Prepare(connection,
            "UPDATE state SET etag = $etag, value = $value, updated_utc = $now WHERE key = $key AND etag = $expected",
            "$key", "$etag", "$value", "$now", "$expected");
        public SqliteCommand Upsert { get; } = Prepare(connection, """
            INSERT INTO state (key, etag, value, updated_utc) VALUES ($key, $etag, $value, $now)
            ON CONFLICT (key) DO UPDATE SET etag = excluded.etag, value = excluded.value, updated_utc = excluded.updated_utc
            """, "$key", "$etag", "$value", "$now");
        public SqliteCommand Delete { get; } = Prepare(connection, "DELETE FROM state WHERE key = $key", "$key");
        public SqliteCommand Savepoint { get; } = Prepare(connection, "SAVEPOINT turn");
        public SqliteCommand RollbackToSavepoint { get; } = Prepare(connection, "ROLLBACK TO turn");
        public SqliteCommand ReleaseSavepoint { get; } = Prepare(connection, "RELEASE turn");

        public static async Task<Writer> OpenAsync(SqliteStorage storage, CancellationToken cancellationToken)
        {
            var connection = await storage.OpenOwnedConnectionAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return new Writer(connection);
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        public void Dispose()
        {
            foreach (var command in new[] { Begin, Commit, Rollback, Update, Upsert, Delete, Savepoint, RollbackToSavepoint, ReleaseSavepoint })
            {
                command.Dispose();
            }

            connection.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>One turn's changes waiting to be committed, and where its result goes.</summary>
    private sealed class PendingWrite(IReadOnlyDictionary<string, StoreItem> changes, string now)
    {
        public IReadOnlyDictionary<string, StoreItem> Changes { get; } = changes;
        public string Now { get; } = now;
        public Dictionary<string, string> ETags { get; } = new(StringComparer.Ordinal);
        public StorageConcurrencyException? Failure { get; set; }
        public TaskCompletionSource<IReadOnlyDictionary<string, string>> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
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

    // Fixed-width UTC text sorts in time order, so the purge can compare strings and a person can read the column.
    private static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static string Describe(Exception ex) => ex is SqliteException sqlite
        ? $"SQLite error {sqlite.SqliteErrorCode.ToString(CultureInfo.InvariantCulture)}: {sqlite.Message}"
        : ex.Message;
}
