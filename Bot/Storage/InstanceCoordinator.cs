using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using WWPS.PolicyBot.Storage.Postgres;

namespace WWPS.PolicyBot.Storage;

/// <summary>
/// What several instances of the bot on one database must agree on: background jobs (timeouts, notification retries,
/// purges) run by one instance at a time, and one conversation's turns one at a time whichever instance takes them.
/// With one process (SQLite, memory) both are local; with PostgreSQL they are advisory locks, which the server releases
/// by itself if an instance dies holding one.
/// </summary>
internal interface IInstanceCoordinator
{
    /// <summary>Runs <paramref name="work"/> unless another instance (or this one) is running the same job now; false when skipped.</summary>
    Task<bool> RunExclusiveAsync(string job, Func<CancellationToken, Task> work, CancellationToken cancellationToken);

    /// <summary>True when other instances may take turns of the same conversations, so a turn must lock here too.</summary>
    bool IsShared { get; }

    /// <summary>Waits until no other instance is in a turn of this conversation, and holds it until disposed.</summary>
    Task<IAsyncDisposable> LockConversationAsync(string conversationKey, CancellationToken cancellationToken);
}

/// <summary>One process: jobs exclusive within it; conversations are serialised in-process (Bot/Channels/Plumbing/ConversationTurnLock.cs).</summary>
internal sealed class LocalInstanceCoordinator : IInstanceCoordinator
{
    public bool IsShared => false;

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _jobs = new(StringComparer.Ordinal);

    public async Task<bool> RunExclusiveAsync(string job, Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var gate = _jobs.GetOrAdd(job, static _ => new SemaphoreSlim(1, 1));
        if (!await gate.WaitAsync(0, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        try
        {
            await work(cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            gate.Release();
        }
    }

    public Task<IAsyncDisposable> LockConversationAsync(string conversationKey, CancellationToken cancellationToken) =>
        Task.FromResult<IAsyncDisposable>(Nothing.Instance);

    private sealed class Nothing : IAsyncDisposable
    {
        public static readonly Nothing Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>
/// Several instances on one PostgreSQL database: session advisory locks, each held on a connection of its own for as
/// long as the job or turn lasts (a pooled connection is reset when it returns, which releases anything left held).
/// </summary>
internal sealed class PostgresInstanceCoordinator(PostgresDatabase database) : IInstanceCoordinator
{
    public bool IsShared => true;

    public async Task<bool> RunExclusiveAsync(string job, Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT pg_try_advisory_lock($1)";
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = Key("job", job) });
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
            {
                return false;
            }
        }

        try
        {
            await work(cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            await UnlockAsync(connection, Key("job", job)).ConfigureAwait(false);
        }
    }

    public async Task<IAsyncDisposable> LockConversationAsync(string conversationKey, CancellationToken cancellationToken)
    {
        var key = Key("conversation", conversationKey);
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT pg_advisory_lock($1)";
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = key });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return new Held(connection, key);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A 64-bit lock key from a name: the first 8 bytes of its SHA-256, so unrelated names do not collide.</summary>
    internal static long Key(string kind, string name) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("policybot:" + kind + ":" + name)), 0);

    private static async Task UnlockAsync(Npgsql.NpgsqlConnection connection, long key)
    {
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT pg_advisory_unlock($1)";
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = key });
            await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Npgsql.NpgsqlException)
        {
            // The connection is gone, and with it the lock.
        }
    }

    private sealed class Held(Npgsql.NpgsqlConnection connection, long key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await UnlockAsync(connection, key).ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
