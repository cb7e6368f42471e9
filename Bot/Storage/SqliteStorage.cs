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
public sealed partial class SqliteStorage : IStorage, IStateRetention, IDisposable
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

    // Fixed-width UTC text sorts in time order, so the purge can compare strings and a person can read the column.
    private static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static string Describe(Exception ex) => ex is SqliteException sqlite
        ? $"SQLite error {sqlite.SqliteErrorCode.ToString(CultureInfo.InvariantCulture)}: {sqlite.Message}"
        : ex.Message;
}
