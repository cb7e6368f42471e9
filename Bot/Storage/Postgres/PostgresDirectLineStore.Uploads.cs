using System.Buffers;
using System.Data;
using Npgsql;
using WWPS.PolicyBot.DirectLine;
using static WWPS.PolicyBot.DirectLine.DirectLineRows;
using static WWPS.PolicyBot.Storage.Postgres.PostgresStatements;

namespace WWPS.PolicyBot.Storage.Postgres;

/// <summary>Uploads: written in chunks of <see cref="ChunkBytes"/> as they are read from the spooled request, under the uploads' advisory lock for the allowances, and streamed back a chunk at a time.</summary>
internal sealed partial class PostgresDirectLineStore
{
    public Task<bool> TryKeepUploadAsync(
        string conversationId, string uploadId, string contentType, Stream content, long length, DateTimeOffset now, long perConversation, long total,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        return _database.RunInTransactionAsync("keep a Direct Line upload", async (connection, transaction) =>
        {
            // The allowance is shared by all conversations: admit one upload at a time, as SQLite's one writer does.
            // The conversation's row is locked before its uploads, the order every transaction here keeps.
            await using (var locks = Batch(connection, transaction, Lock(UploadLock),
                BatchCommand("SELECT 1 FROM directline_conversations WHERE id = $1 FOR UPDATE", conversationId)))
            {
                await locks.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            // The conversation's oldest uploads that must go for this one to fit, then whether all together still fit.
            var held = new List<(long Id, long Length)>();
            await using (var command = Command(connection, transaction,
                "SELECT id, length FROM directline_uploads WHERE conversation_id = $1 ORDER BY created, id", conversationId))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    held.Add((reader.GetInt64(0), reader.GetInt64(1)));
                }
            }

            var (evict, freed) = DirectLineRows.UploadsToEvict(held, length, perConversation);

            await using (var command = Command(connection, transaction, "SELECT COALESCE(SUM(length), 0)::bigint FROM directline_uploads"))
            {
                var all = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                if (all - freed + length > total)
                {
                    return false;
                }
            }

            long row;
            await using (var batch = Batch(connection, transaction,
                BatchCommand("DELETE FROM directline_uploads WHERE id = ANY($1)", evict.ToArray()),
                BatchCommand("INSERT INTO directline_uploads (conversation_id, upload_id, content_type, length, created) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    conversationId, uploadId, contentType, length, Ms(now))))
            {
                row = await LastScalarAsync(batch, cancellationToken).ConfigureAwait(false);
            }

            await WriteChunksAsync(connection, transaction, row, content, length, cancellationToken).ConfigureAwait(false);

            await using (var command = Command(connection, transaction,
                "UPDATE directline_conversations SET upload_bytes = (SELECT COALESCE(SUM(length), 0) FROM directline_uploads WHERE conversation_id = $1) WHERE id = $1",
                conversationId))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken);
    }

    public Task<(string ContentType, long Length)?> FindUploadAsync(string conversationId, string uploadId, CancellationToken cancellationToken) =>
        _database.RunAsync<(string, long)?>("read a Direct Line upload", async connection =>
        {
            await using var command = Command(connection, null,
                "SELECT content_type, length FROM directline_uploads WHERE conversation_id = $1 AND upload_id = $2", conversationId, uploadId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetString(0), reader.GetInt64(1)) : null;
        }, cancellationToken);

    public Task CopyUploadAsync(string conversationId, string uploadId, Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return _database.RunAsync("read a Direct Line upload", async connection =>
        {
            // Sequential access: each chunk is streamed from the connection to the destination, not buffered as a whole row.
            await using var command = Command(connection, null, """
                SELECT c.data FROM directline_upload_chunks c JOIN directline_uploads u ON u.id = c.upload
                WHERE u.conversation_id = $1 AND u.upload_id = $2
                ORDER BY c.chunk
                """, conversationId, uploadId);
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                await using var chunk = await reader.GetStreamAsync(0, cancellationToken).ConfigureAwait(false);
                await chunk.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
            }

            return 0;
        }, cancellationToken);
    }

    /// <summary>Copies <paramref name="length"/> bytes from <paramref name="content"/> into chunk rows, one buffer's worth at a time.</summary>
    private static async Task WriteChunksAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long upload, Stream content, long length, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            await using var insert = Command(connection, transaction, "INSERT INTO directline_upload_chunks (upload, chunk, data) VALUES ($1, $2, $3)");
            var uploadParameter = new NpgsqlParameter<long> { TypedValue = upload };
            var chunkParameter = new NpgsqlParameter<int>();
            var dataParameter = new NpgsqlParameter<ReadOnlyMemory<byte>> { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea };
            insert.Parameters.Add(uploadParameter);
            insert.Parameters.Add(chunkParameter);
            insert.Parameters.Add(dataParameter);

            var written = 0L;
            for (var chunk = 0; written < length; chunk++)
            {
                var filled = 0;
                var want = (int)Math.Min(ChunkBytes, length - written);
                while (filled < want)
                {
                    var read = await content.ReadAsync(buffer.AsMemory(filled, want - filled), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        throw new InvalidDataException("The upload ended before the length it was given.");
                    }

                    filled += read;
                }

                chunkParameter.TypedValue = chunk;
                dataParameter.TypedValue = buffer.AsMemory(0, filled);
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                written += filled;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
