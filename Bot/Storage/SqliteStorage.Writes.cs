using Microsoft.Data.Sqlite;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Storage;

/// <summary>
/// The write path: turns' changes wait in a queue, and the one writer connection commits whatever is waiting in one
/// transaction, each turn's changes in a savepoint of their own, so a busy host's turns share a commit.
/// </summary>
public sealed partial class SqliteStorage
{
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
}
