using Npgsql;
using WWPS.PolicyBot.Storage.Postgres;

namespace WWPS.PolicyBot.Storage;

/// <summary>
/// Ids of activities and events already taken in, shared by the instances on one database, so a channel's retry that
/// reaches another instance is not answered twice. Each instance also remembers its own in memory (the fast path).
/// </summary>
internal interface IProcessedIds
{
    /// <summary>True when <paramref name="key"/> was not seen within <paramref name="keep"/>; it is then recorded.</summary>
    Task<bool> TryAddAsync(string key, DateTimeOffset now, TimeSpan keep, CancellationToken cancellationToken);

    /// <summary>Forgets a key, so a redelivery is taken after all (the first could not be queued).</summary>
    Task RemoveAsync(string key, CancellationToken cancellationToken);
}

/// <summary><see cref="IProcessedIds"/> in PostgreSQL: one row per id (never the activity's content), old rows deleted as it goes.</summary>
internal sealed class PostgresProcessedIds : IProcessedIds
{
    private static readonly string[] Schema =
    [
        "CREATE TABLE processed_ids (key text PRIMARY KEY, seen_utc timestamptz NOT NULL)",
    ];

    // Rows older than the window are deleted about once every this many ids taken in.
    private const int PurgeEvery = 500;

    private readonly PostgresDatabase _database;
    private int _added;

    private PostgresProcessedIds(PostgresDatabase database) => _database = database;

    public static async Task<PostgresProcessedIds> OpenAsync(PostgresDatabase database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        await database.MigrateAsync("processed_ids", Schema, cancellationToken).ConfigureAwait(false);
        return new PostgresProcessedIds(database);
    }

    public async Task<bool> TryAddAsync(string key, DateTimeOffset now, TimeSpan keep, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO processed_ids (key, seen_utc) VALUES (@key, @now)
            ON CONFLICT (key) DO UPDATE SET seen_utc = excluded.seen_utc WHERE processed_ids.seen_utc < @expired
            """,
            connection);
        command.Parameters.AddWithValue("key", key);
        command.Parameters.AddWithValue("now", now.UtcDateTime);
        command.Parameters.AddWithValue("expired", (now - keep).UtcDateTime);
        var taken = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        if (taken && Interlocked.Increment(ref _added) % PurgeEvery == 0)
        {
            command.CommandText = "DELETE FROM processed_ids WHERE seen_utc < @expired";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return taken;
    }

    public async Task RemoveAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("DELETE FROM processed_ids WHERE key = @key", connection);
        command.Parameters.AddWithValue("key", key);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
