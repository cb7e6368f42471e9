using System.Globalization;
using Microsoft.Data.Sqlite;
using static WWPS.PolicyBot.DirectLine.DirectLineRows;

namespace WWPS.PolicyBot.DirectLine;

/// <summary>Uploads: streamed into a blob of <c>directline_uploads</c> within the conversation's and the overall allowances, and streamed back by id.</summary>
internal sealed partial class SqliteDirectLineStore
{
    public async Task<bool> TryKeepUploadAsync(
        string conversationId, string uploadId, string contentType, Stream content, long length, DateTimeOffset now, long perConversation, long total,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        return await WriteAsync(async (connection, transaction) =>
        {
            // The conversation's oldest uploads that must go for this one to fit, then whether all together still fit.
            await using var command = Command(connection, transaction, """
                SELECT rowid, length FROM directline_uploads WHERE conversation_id = $id ORDER BY created, rowid
                """);
            command.Parameters.AddWithValue("$id", conversationId);
            var held = new List<(long RowId, long Length)>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    held.Add((reader.GetInt64(0), reader.GetInt64(1)));
                }
            }

            var (evict, freed) = DirectLineRows.UploadsToEvict(held, length, perConversation);
            command.CommandText = "SELECT COALESCE(SUM(length), 0) FROM directline_uploads";
            var all = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            if (all - freed + length > total)
            {
                return false;
            }

            command.CommandText = "DELETE FROM directline_uploads WHERE rowid = $row";
            foreach (var rowId in evict)
            {
                command.Parameters.Clear();
                command.Parameters.AddWithValue("$row", rowId);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            command.CommandText = """
                INSERT INTO directline_uploads (conversation_id, upload_id, content_type, length, created, data)
                    VALUES ($id, $upload, $type, $length, $now, zeroblob($length));
                SELECT last_insert_rowid();
                """;
            command.Parameters.Clear();
            command.Parameters.AddWithValue("$id", conversationId);
            command.Parameters.AddWithValue("$upload", uploadId);
            command.Parameters.AddWithValue("$type", contentType);
            command.Parameters.AddWithValue("$length", length);
            command.Parameters.AddWithValue("$now", Ms(now));
            var row = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);

            // Straight from the request's spooled copy into the row, a chunk at a time.
            await using (var blob = new SqliteBlob(connection, "directline_uploads", "data", row))
            {
                await content.CopyToAsync(blob, 81920, cancellationToken).ConfigureAwait(false);
            }

            command.CommandText = "UPDATE directline_conversations SET upload_bytes = (SELECT COALESCE(SUM(length), 0) FROM directline_uploads WHERE conversation_id = $id) WHERE id = $id";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<(string ContentType, long Length)?> FindUploadAsync(string conversationId, string uploadId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT content_type, length FROM directline_uploads WHERE conversation_id = $id AND upload_id = $upload";
        command.Parameters.AddWithValue("$id", conversationId);
        command.Parameters.AddWithValue("$upload", uploadId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetString(0), reader.GetInt64(1)) : null;
    }

    public async Task CopyUploadAsync(string conversationId, string uploadId, Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: true);
        await using var command = Command(connection, transaction, "SELECT rowid FROM directline_uploads WHERE conversation_id = $id AND upload_id = $upload");
        command.Parameters.AddWithValue("$id", conversationId);
        command.Parameters.AddWithValue("$upload", uploadId);
        if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not long row)
        {
            return;
        }

        await using var blob = new SqliteBlob(connection, "directline_uploads", "data", row, readOnly: true);
        await blob.CopyToAsync(destination, 81920, cancellationToken).ConfigureAwait(false);
    }
}
