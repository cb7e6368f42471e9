using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Storage;

/// <summary>
/// <see cref="IStorage"/> in one SQLite file, the offline default. WAL lets readers go on while a turn writes;
/// the ETag check sits in the UPDATE itself, so two processes sharing the file cannot both win.
/// </summary>
public sealed class SqliteStorage : IStorage
{
    public const string DefaultFileName = "policybot.db";

    private readonly string _connectionString;
    private readonly TimeProvider _timeProvider;

    private SqliteStorage(string connectionString, string path, TimeProvider timeProvider)
    {
        _connectionString = connectionString;
        _timeProvider = timeProvider;
        DatabasePath = path;
    }

    public string DatabasePath { get; }

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
            Pooling = true,
            // Seconds a command waits on a lock held by another writer before failing.
            DefaultTimeout = 30,
        }.ToString();

        try
        {
            Directory.CreateDirectory(dataFolder);
            var storage = new SqliteStorage(connectionString, path, timeProvider);
            await using var connection = await storage.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();

            // journal_mode is stored in the file, so setting it once here holds for every later connection.
            command.CommandText = """
                PRAGMA journal_mode = WAL;
                CREATE TABLE IF NOT EXISTS state (
                    key TEXT PRIMARY KEY NOT NULL,
                    etag TEXT NOT NULL,
                    value TEXT NOT NULL,
                    updated_utc TEXT NOT NULL
                );
                CREATE INDEX IF NOT EXISTS state_updated_utc ON state (updated_utc);
                """;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
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
        var found = new Dictionary<string, StoreItem>(StringComparer.Ordinal);
        if (keys.Count == 0)
        {
            return found;
        }

        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var names = keys.Select((key, i) =>
        {
            command.Parameters.AddWithValue($"$k{i.ToString(CultureInfo.InvariantCulture)}", key);
            return $"$k{i.ToString(CultureInfo.InvariantCulture)}";
        }).ToList();
        command.CommandText = $"SELECT key, etag, value FROM state WHERE key IN ({string.Join(", ", names)})";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            using var document = JsonDocument.Parse(reader.GetString(2));
            found[reader.GetString(0)] = new StoreItem(document.RootElement.Clone(), reader.GetString(1));
        }

        return found;
    }

    public async Task<IReadOnlyDictionary<string, string>> WriteAsync(IReadOnlyDictionary<string, StoreItem> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var etags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (changes.Count == 0)
        {
            return etags;
        }

        var now = Timestamp(_timeProvider.GetUtcNow());
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        // BEGIN IMMEDIATE: take the write lock up front, so two writers queue instead of deadlocking on upgrade.
        await using var transaction = connection.BeginTransaction(deferred: false);
        foreach (var (key, change) in changes)
        {
            var etag = Guid.NewGuid().ToString("N");
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.Parameters.AddWithValue("$key", key);
            command.Parameters.AddWithValue("$etag", etag);
            command.Parameters.AddWithValue("$value", change.Value.GetRawText());
            command.Parameters.AddWithValue("$now", now);
            if (StoreItem.IsConditional(change.ETag))
            {
                command.CommandText = "UPDATE state SET etag = $etag, value = $value, updated_utc = $now WHERE key = $key AND etag = $expected";
                command.Parameters.AddWithValue("$expected", change.ETag);
            }
            else
            {
                command.CommandText = """
                    INSERT INTO state (key, etag, value, updated_utc) VALUES ($key, $etag, $value, $now)
                    ON CONFLICT (key) DO UPDATE SET etag = excluded.etag, value = excluded.value, updated_utc = excluded.updated_utc
                    """;
            }

            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                // Disposing the transaction rolls it back: none of this batch is kept.
                throw StorageConcurrencyException.For(key);
            }

            etags[key] = etag;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return etags;
    }

    public async Task DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return;
        }

        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        foreach (var key in keys)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM state WHERE key = $key";
            command.Parameters.AddWithValue("$key", key);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes items not written since <paramref name="cutoff"/>; the retention job calls it. Returns how many.</summary>
    public async Task<int> PurgeOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM state WHERE updated_utc < $cutoff";
        command.Parameters.AddWithValue("$cutoff", Timestamp(cutoff));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The journal mode the file is in; "wal" when all is well. For the health check.</summary>
    public async Task<string> GetJournalModeAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        return Convert.ToString(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) ?? string.Empty;
    }

    private async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        // Pooling keeps the underlying handles; opening per call is cheap and keeps each call independent.
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    // Fixed-width UTC text sorts in time order, so the purge can compare strings and a person can read the column.
    private static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static string Describe(Exception ex) => ex is SqliteException sqlite
        ? $"SQLite error {sqlite.SqliteErrorCode.ToString(CultureInfo.InvariantCulture)}: {sqlite.Message}"
        : ex.Message;
}
