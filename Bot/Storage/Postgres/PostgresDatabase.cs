using System.Globalization;
using System.Net.Sockets;
using Npgsql;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Storage.Postgres;

/// <summary>
/// The PostgreSQL database the bot keeps everything in when <c>Storage:Provider = postgres</c>: one pool of connections
/// (<see cref="NpgsqlDataSource"/>) shared by the state, escalation and Direct Line stores, and the versioned schema
/// each of them migrates on start. Several instances of the bot may share the database; each store is written so
/// that two processes cannot both win a race (conditional updates, row locks), as with SQLite.
/// </summary>
public sealed partial class PostgresDatabase : IDisposable, IAsyncDisposable
{
    /// <summary>The setting that holds the connection string; named in every error, never its value.</summary>
    public const string Setting = "ConnectionStrings:PolicyBot";

    // pg_advisory_xact_lock key taken around every migration, so instances starting together migrate one at a time.
    // Any constant will do as long as nothing else in the database uses it; this one is "PolicyBt" in ASCII.
    private const long MigrationLock = 0x506F6C6963794274;

    private readonly NpgsqlDataSource _source;

    private PostgresDatabase(NpgsqlDataSource source, string where)
    {
        _source = source;
        Where = where;
    }

    /// <summary>Host, port and database, for messages and logs; never the user's password.</summary>
    public string Where { get; }

    /// <summary>Checks the connection string, connects once, and keeps the pool.</summary>
    /// <exception cref="StorageUnavailableException">The string is missing or invalid, or the server cannot be reached or refuses the login.</exception>
    public static async Task<PostgresDatabase> OpenAsync(string? connectionString, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new StorageUnavailableException(
                $"Storage:Provider is postgres but {Setting} is not set; set it to an Npgsql connection string, e.g. Host=db;Database=policybot;Username=policybot;Password=….");
        }

        NpgsqlDataSourceBuilder builder;
        try
        {
            builder = new NpgsqlDataSourceBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            // The parser's message can quote the value it choked on, which may be the password: name only the keyword.
            throw new StorageUnavailableException(
                $"{Setting} is not a valid Npgsql connection string (keyword '{ex.ParamName ?? "?"}').");
        }

        var settings = builder.ConnectionStringBuilder;
        var where = string.Create(CultureInfo.InvariantCulture, $"{settings.Host ?? "localhost"}:{settings.Port}/{settings.Database ?? settings.Username ?? "(default)"}");
        if (string.IsNullOrWhiteSpace(settings.Host))
        {
            throw new StorageUnavailableException($"{Setting} names no Host.");
        }

        settings.ApplicationName ??= "WWPS.PolicyBot";
        var source = builder.Build();
        var database = new PostgresDatabase(source, where);
        try
        {
            await using var connection = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return database;
        }
        catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException)
        {
            await database.DisposeAsync().ConfigureAwait(false);
            throw new StorageUnavailableException(
                $"The PostgreSQL database {where} ({Setting}) could not be opened: {Describe(ex)}.", ex);
        }
    }

    /// <summary>
    /// Brings <paramref name="component"/>'s tables to the newest version: <paramref name="steps"/>[n] takes the
    /// schema from version n to n + 1. Versions are recorded in <c>schema_versions</c>; the whole migration runs in one
    /// transaction under an advisory lock, so two instances starting at once neither race nor half-apply a step.
    /// </summary>
    /// <exception cref="StorageUnavailableException">The database holds a newer version than this build knows, or a step failed.</exception>
    public async Task MigrateAsync(string component, IReadOnlyList<string> steps, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(component);
        ArgumentNullException.ThrowIfNull(steps);
        try
        {
            await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(string.Empty, connection, transaction);

            // The lock first, each statement after it on its own: a statement's snapshot is taken when it starts, and
            // the version must be read after the instance that held the lock has committed.
            command.CommandText = "SELECT pg_advisory_xact_lock(@key)";
            command.Parameters.AddWithValue("key", MigrationLock);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            command.Parameters.Clear();
            command.CommandText = "CREATE TABLE IF NOT EXISTS schema_versions (component text PRIMARY KEY, version integer NOT NULL)";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            command.CommandText = "SELECT version FROM schema_versions WHERE component = @component";
            command.Parameters.AddWithValue("component", component);
            var found = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            var version = found is int stored ? stored : 0;
            if (version > steps.Count)
            {
                throw new StorageUnavailableException(string.Create(CultureInfo.InvariantCulture,
                    $"The PostgreSQL database {Where} holds {component} schema version {version}, newer than this build knows ({steps.Count}). Run the newer build."));
            }

            if (version < steps.Count)
            {
                for (var step = version; step < steps.Count; step++)
                {
                    command.Parameters.Clear();
                    command.CommandText = steps[step];
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                command.CommandText = """
                    INSERT INTO schema_versions (component, version) VALUES (@component, @version)
                    ON CONFLICT (component) DO UPDATE SET version = excluded.version
                    """;
                command.Parameters.AddWithValue("component", component);
                command.Parameters.AddWithValue("version", steps.Count);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException)
        {
            throw new StorageUnavailableException($"The PostgreSQL database {Where} ({Setting}): the {component} tables could not be created or migrated: {Describe(ex)}.", ex);
        }
    }

    /// <summary>A connection from the pool; the caller disposes it, which returns it.</summary>
    internal async ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException)
        {
            throw Unavailable("connect", ex);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a pooled connection. Database and network failures come out as
    /// <see cref="StorageUnavailableException"/> (the health check and the turn-error handler know that one); the
    /// store's own exceptions and cancellation pass through.
    /// </summary>
    internal async Task<T> RunAsync<T>(string what, Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await work(connection).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            throw Unavailable(what, ex);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction (read committed) and commits it; any failure rolls it back.
    /// </summary>
    internal Task<T> RunInTransactionAsync<T>(string what, Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken) =>
        RunAsync(what, async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var result = await work(connection, transaction).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }, cancellationToken);

    /// <summary>
    /// After a purge deleted rows from <paramref name="tables"/> (a comma-separated list of the store's own tables):
    /// a DELETE only marks rows dead, and their bytes (a child's name, a concern's text) stay in the table's files, and
    /// its TOAST table's, until the space is reused. <c>VACUUM FULL</c> writes each table and its TOAST table anew and
    /// drops the old files, so the purged rows are in no table file; <c>CHECKPOINT</c> then lets the server recycle
    /// the write-ahead log that still holds their insert. Run by the one instance that holds the purge job.
    /// </summary>
    /// <remarks>
    /// <c>VACUUM FULL</c> holds an exclusive lock on each table while it copies it: for a preschool's tables that is
    /// milliseconds to a second, once an hour at most and only when something was purged. <c>lock_timeout</c> keeps it
    /// from queueing (and holding every turn up behind it) when a long transaction has the table: it then fails, and the
    /// next purge tries again. <c>CHECKPOINT</c> needs the <c>pg_checkpoint</c> role (PostgreSQL 15) or a superuser;
    /// without it the server's own checkpoint (<c>checkpoint_timeout</c>, 5 minutes by default) does the same a little
    /// later.
    /// </remarks>
    internal Task CompactAsync(string tables, CancellationToken cancellationToken) =>
        RunAsync("compact " + tables, async connection =>
        {
            // VACUUM FULL keeps a deleted row while any transaction in this database still has a snapshot from before
            // the delete (an autovacuum ANALYZE, a long query), and nothing would compact the table again. So first
            // wait, up to 30 s, until no other session's snapshot is older than now. That includes sessions with no
            // database yet (a connection still starting up counts against every database's horizon), which made the
            // compaction miss rows while other clients were connecting. (Sessions of other roles show no xmin without
            // pg_read_all_stats; the wait then cannot see them.)
            await using var command = new NpgsqlCommand(
                """
                DO $$
                DECLARE mark xid := (pg_current_xact_id()::text::bigint % 4294967296)::text::xid;
                BEGIN
                    FOR attempt IN 1..300 LOOP
                        PERFORM pg_stat_clear_snapshot();
                        EXIT WHEN NOT EXISTS (
                            SELECT 1 FROM pg_stat_activity
                            WHERE (datname = current_database() OR datname IS NULL) AND pid <> pg_backend_pid() AND backend_xmin IS NOT NULL AND age(backend_xmin) > age(mark));
                        PERFORM pg_sleep(0.1);
                    END LOOP;
                END $$
                """,
                connection);
            command.CommandTimeout = 60;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

            // VACUUM cannot run in a transaction, so each statement is sent on its own (a batch would be one).
            command.CommandText = "SET lock_timeout = '5s'";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                // VERBOSE says, per table, how many dead rows it had to keep because a snapshot could still see them
                // (the wait above cannot see every session: one still connecting, another role's). Those rows are
                // the purged text, so the rewrite is repeated, briefly, until none is kept.
                var kept = 0L;
                void Count(object? sender, NpgsqlNoticeEventArgs e) => kept += KeptRows(e.Notice.Detail);
                connection.Notice += Count;
                try
                {
                    command.CommandText = $"VACUUM (FULL, VERBOSE) {tables}";
                    command.CommandTimeout = 600;
                    for (var attempt = 0; attempt < 50; attempt++)
                    {
                        kept = 0;
                        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                        if (kept == 0)
                        {
                            break;
                        }

                        await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
                    }
                }
                finally
                {
                    connection.Notice -= Count;
                }
            }
            finally
            {
                // Pooled connections are reset when returned, unless the connection string says not to.
                command.CommandText = "RESET lock_timeout";
                await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }

            try
            {
                command.CommandText = "CHECKPOINT";
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                // See remarks: the server checkpoints by itself soon enough.
            }

            return 0;
        }, cancellationToken);

    /// <summary>The "N dead row versions cannot be removed yet" of a VACUUM VERBOSE detail; 0 when it says none.</summary>
    internal static long KeptRows(string? detail)
    {
        var match = detail is null ? null : KeptRowsPattern().Match(detail);
        return match is { Success: true } ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(\d+) dead row versions cannot be removed yet", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex KeptRowsPattern();

    public void Dispose() => _source.Dispose();

    public ValueTask DisposeAsync() => _source.DisposeAsync();

    private StorageUnavailableException Unavailable(string what, Exception ex) =>
        new($"The PostgreSQL database {Where} could not {what} ({Describe(ex)}).", ex);

    /// <summary>
    /// One line on what went wrong, from the server's SQLSTATE and message or the network error: neither carries the
    /// password, and a server message names at most a user, a database or a table.
    /// </summary>
    internal static string Describe(Exception ex) => ex switch
    {
        PostgresException pg => $"SQLSTATE {pg.SqlState}: {pg.MessageText}",
        NpgsqlException { InnerException: SocketException socket } => $"network error {socket.SocketErrorCode}",
        NpgsqlException { InnerException: TimeoutException } or TimeoutException => "timed out",
        SocketException socket => $"network error {socket.SocketErrorCode}",
        NpgsqlException { InnerException: { } inner } => inner.GetType().Name,
        _ => ex.GetType().Name,
    };
}
