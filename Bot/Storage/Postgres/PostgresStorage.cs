using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Storage.Postgres;

/// <summary>
/// <see cref="IStorage"/> in PostgreSQL, for several instances of the bot sharing their state. The same rules as
/// <see cref="SqliteStorage"/>: the ETag check sits in the UPDATE itself (<c>WHERE etag = expected</c>), so of two
/// writers holding the same ETag, in one process or two, exactly one wins; a write of several keys is one
/// transaction, all or nothing.
/// </summary>
/// <remarks>
/// No group commit here, unlike SQLite: PostgreSQL takes concurrent writers on their own connections and commits them
/// together itself. A write of one key, the usual turn, is one statement and one round trip. Keys of a multi-key
/// write are written in ordinal order, so two such writes sharing keys queue on the first instead of deadlocking.
/// Values are kept as the JSON text they were given (not <c>jsonb</c>, which would reorder and re-space them).
/// </remarks>
public sealed class PostgresStorage : IStorage, IStateRetention
{
    /// <summary>
    /// The state table's versions; see <see cref="PostgresDatabase.MigrateAsync"/>. As in SQLite, no index but the key:
    /// the hourly purge scans. Leaving a fifth of each page free lets an update (every turn rewrites its row) stay on
    /// its page without touching the key's index (a "HOT" update), since no indexed column changes.
    /// </summary>
    private static readonly string[] Schema =
    [
        """
        CREATE TABLE state (
            key text PRIMARY KEY,
            etag text NOT NULL,
            value text NOT NULL,
            updated_utc timestamptz NOT NULL
        ) WITH (fillfactor = 80);
        """,
    ];

    private const string Update = "UPDATE state SET etag = $2, value = $3, updated_utc = $4 WHERE key = $1 AND etag = $5";

    private const string Upsert = """
        INSERT INTO state (key, etag, value, updated_utc) VALUES ($1, $2, $3, $4)
        ON CONFLICT (key) DO UPDATE SET etag = excluded.etag, value = excluded.value, updated_utc = excluded.updated_utc
        """;

    private readonly TimeProvider _time;

    private PostgresStorage(PostgresDatabase database, TimeProvider time)
    {
        Database = database;
        _time = time;
    }

    /// <summary>The database the escalation and Direct Line stores share with this one.</summary>
    public PostgresDatabase Database { get; }

    /// <summary>Makes sure the state table exists (migrating it if needed) in <paramref name="database"/>.</summary>
    /// <exception cref="StorageUnavailableException">The table cannot be created or the schema is newer than this build.</exception>
    public static async Task<PostgresStorage> OpenAsync(PostgresDatabase database, TimeProvider time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(time);
        await database.MigrateAsync("state", Schema, cancellationToken).ConfigureAwait(false);
        return new PostgresStorage(database, time);
    }

    public async Task<IReadOnlyDictionary<string, StoreItem>> ReadAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var found = new Dictionary<string, StoreItem>(keys.Count, StringComparer.Ordinal);
        if (keys.Count == 0)
        {
            return found;
        }

        // One statement, so several keys come from one snapshot.
        return await Database.RunAsync("read state", async connection =>
        {
            await using var command = new NpgsqlCommand("SELECT key, etag, value FROM state WHERE key = ANY($1)", connection);
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. keys] });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                using var document = JsonDocument.Parse(reader.GetString(2));
                found[reader.GetString(0)] = new StoreItem(document.RootElement.Clone(), reader.GetString(1));
            }

            return found;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyDictionary<string, string>> WriteAsync(IReadOnlyDictionary<string, StoreItem> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var etags = new Dictionary<string, string>(changes.Count, StringComparer.Ordinal);
        if (changes.Count == 0)
        {
            return etags;
        }

        var now = _time.GetUtcNow().ToUniversalTime();
        var writes = changes.OrderBy(c => c.Key, StringComparer.Ordinal).ToList();
        return await Database.RunAsync("write state", async connection =>
        {
            if (writes.Count == 1)
            {
                var (key, change) = writes[0];
                var etag = NewETag();
                await using var command = new NpgsqlCommand(StoreItem.IsConditional(change.ETag) ? Update : Upsert, connection);
                Bind(command.Parameters, key, etag, change, now);
                if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                {
                    throw StorageConcurrencyException.For(key);
                }

                etags[key] = etag;
                return etags;
            }

            // Sent as one batch inside the transaction (BEGIN goes with it), then one COMMIT or ROLLBACK.
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var (key, change) in writes)
            {
                var etag = NewETag();
                var command = new NpgsqlBatchCommand(StoreItem.IsConditional(change.ETag) ? Update : Upsert);
                Bind(command.Parameters, key, etag, change, now);
                batch.BatchCommands.Add(command);
                etags[key] = etag;
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < writes.Count; i++)
            {
                if (batch.BatchCommands[i].RecordsAffected == 0)
                {
                    // None of this write's keys is kept.
                    await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                    throw StorageConcurrencyException.For(writes[i].Key);
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return etags;
        }, cancellationToken).ConfigureAwait(false);
    }

    public Task DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return keys.Count == 0
            ? Task.CompletedTask
            : Database.RunAsync("delete state", async connection =>
            {
                await using var command = new NpgsqlCommand("DELETE FROM state WHERE key = ANY($1)", connection);
                command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. keys] });
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }, cancellationToken);
    }

    /// <summary>
    /// Deletes items not written since <paramref name="cutoff"/>, except those under <see cref="StorageKeys.Retained"/>,
    /// which keep their own retention; the idle-state job calls it. What it deleted is then gone from the table's files
    /// too (<see cref="PostgresDatabase.CompactAsync"/>). Returns how many.
    /// </summary>
    public async Task<int> PurgeOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        var removed = await Database.RunAsync("purge state", async connection =>
        {
            await using var command = new NpgsqlCommand("DELETE FROM state WHERE updated_utc < $1 AND substr(key, 1, length($2)) <> $2", connection);
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = cutoff.ToUniversalTime() });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = StorageKeys.Retained });
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        if (removed > 0)
        {
            await Database.CompactAsync("state", cancellationToken).ConfigureAwait(false);
        }

        return removed;
    }

    private static void Bind(NpgsqlParameterCollection parameters, string key, string etag, StoreItem change, DateTimeOffset now)
    {
        parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = etag });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = change.Value.GetRawText() });
        parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        if (StoreItem.IsConditional(change.ETag))
        {
            parameters.Add(new NpgsqlParameter<string> { TypedValue = change.ETag });
        }
    }

    private static string NewETag() => Guid.NewGuid().ToString("N");
}
