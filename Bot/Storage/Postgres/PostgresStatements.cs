using Npgsql;

namespace WWPS.PolicyBot.Storage.Postgres;

/// <summary>
/// Commands and batches with positional parameters (<c>$1</c>, <c>$2</c>…), and the advisory transaction lock a batch
/// can begin with: what <see cref="PostgresDirectLineStore"/> builds every call from.
/// </summary>
internal static class PostgresStatements
{
    public static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params object?[] values)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return command;
    }

    /// <summary>
    /// Statements sent together, each with its own snapshot (read committed): one that follows a lock reads what was
    /// committed while the lock was waited for. (A command with positional parameters holds one statement only.)
    /// </summary>
    public static NpgsqlBatch Batch(NpgsqlConnection connection, NpgsqlTransaction? transaction, params NpgsqlBatchCommand[] commands)
    {
        var batch = new NpgsqlBatch(connection, transaction);
        foreach (var command in commands)
        {
            batch.BatchCommands.Add(command);
        }

        return batch;
    }

    /// <summary>Waits for a transaction-level advisory lock: held until commit or rollback, in whichever instance.</summary>
    public static NpgsqlBatchCommand Lock(long key) => BatchCommand("SELECT pg_advisory_xact_lock($1)", key);

    /// <summary>
    /// Runs the batch and returns the last number a statement of it returned (a count or an id): a lock's result is
    /// empty, and a statement that returns no rows has no result to step over.
    /// </summary>
    public static async Task<long> LastScalarAsync(NpgsqlBatch batch, CancellationToken cancellationToken)
    {
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        long? last = null;
        do
        {
            if (reader.FieldCount > 0 && await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && reader.GetValue(0) is long value)
            {
                last = value;
            }
        }
        while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));

        return last ?? throw new InvalidOperationException("The statement returned no number.");
    }

    public static NpgsqlBatchCommand BatchCommand(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return command;
    }
}
