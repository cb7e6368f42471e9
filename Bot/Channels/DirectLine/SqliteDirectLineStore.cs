using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Storage;
using static WWPS.PolicyBot.DirectLine.DirectLineRows;

namespace WWPS.PolicyBot.DirectLine;

/// <summary>
/// <see cref="IDirectLineStore"/> in the bot's SQLite file, beside its state. Writes from this process go one at a
/// time (SQLite has one writer), each an IMMEDIATE transaction so that two processes sharing the file cannot
/// interleave a read and its write. Times are whole milliseconds since the Unix epoch.
/// </summary>
internal sealed partial class SqliteDirectLineStore : IDirectLineStore, IDisposable
{
    /// <summary>The schema this code reads and writes, recorded in <c>schema_versions</c>.</summary>
    public const int SchemaVersion = 1;

    // Never started and nothing appended: a token fetched and not (yet) used. These expire within minutes.
    private const string Unstarted = "started = 0 AND last_sequence = 0";

    // Counted against the cap: started conversations within the idle timeout, unstarted ones within theirs.
    private const string Live = $"(last_active > $since AND NOT ({Unstarted})) OR ({Unstarted} AND last_active > $unstartedSince)";

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    // Keeps a private in-memory database alive between the pooled connections that use it.
    private readonly SqliteConnection? _keepAlive;

    private SqliteDirectLineStore(string connectionString, SqliteConnection? keepAlive)
    {
        _connectionString = connectionString;
        _keepAlive = keepAlive;
    }

    /// <summary>Opens the store in the database file at <paramref name="path"/>, creating or migrating its tables.</summary>
    public static Task<SqliteDirectLineStore> OpenAsync(string path, CancellationToken cancellationToken = default) =>
        OpenAsync(SqliteStorage.SharedFileConnectionString(path), keepAlive: false, cancellationToken);

    /// <summary>A store in a private in-memory database, for <c>Storage:Provider = memory</c> and tests.</summary>
    public static Task<SqliteDirectLineStore> OpenInMemoryAsync(CancellationToken cancellationToken = default) =>
        OpenAsync(new SqliteConnectionStringBuilder
        {
            DataSource = "directline-" + Guid.NewGuid().ToString("N"),
            Mode = SqliteOpenMode.Memory,
            Cache = SqliteCacheMode.Shared,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString(), keepAlive: true, cancellationToken);

    public Task<bool> TryCreateAsync(
        DirectLineConversation conversation, DateTimeOffset now, int max, DateTimeOffset activeSince, DateTimeOffset unstartedSince, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction, $"SELECT COUNT(*) FROM directline_conversations WHERE {Live}");
            command.Parameters.AddWithValue("$since", Ms(activeSince));
            command.Parameters.AddWithValue("$unstartedSince", Ms(unstartedSince));
            if (Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) >= max)
            {
                // Full: the oldest conversation nobody started makes room (a page starts its conversation at once, so
                // the oldest unstarted ones are tokens fetched and never used).
                command.CommandText = $"""
                    SELECT id FROM directline_conversations WHERE {Unstarted} AND last_active > $unstartedSince ORDER BY last_active LIMIT 1
                    """;
                if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not string evicted)
                {
                    return false;
                }

                command.CommandText = """
                    DELETE FROM directline_tokens WHERE conversation_id = $evicted;
                    DELETE FROM directline_uploads WHERE conversation_id = $evicted;
                    DELETE FROM directline_conversations WHERE id = $evicted;
                    """;
                command.Parameters.AddWithValue("$evicted", evicted);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            command.CommandText = "INSERT INTO directline_conversations (id, user_json, locale, last_active) VALUES ($id, $user, $locale, $now)";
            command.Parameters.Clear();
            command.Parameters.AddWithValue("$id", conversation.Id);
            command.Parameters.AddWithValue("$user", JsonSerializer.Serialize(conversation.User, ProtocolJsonContext.Default.ChannelAccount));
            command.Parameters.AddWithValue("$locale", (object?)conversation.Locale ?? DBNull.Value);
            command.Parameters.AddWithValue("$now", Ms(now));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public Task AddTokenAsync(string conversationId, string tokenHash, DateTimeOffset expiresAt, int keep, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction, """
                INSERT INTO directline_tokens (hash, conversation_id, expires, issued)
                    VALUES ($hash, $conversation, $expires, COALESCE((SELECT MAX(issued) FROM directline_tokens WHERE conversation_id = $conversation), 0) + 1);
                DELETE FROM directline_tokens WHERE conversation_id = $conversation AND hash NOT IN
                    (SELECT hash FROM directline_tokens WHERE conversation_id = $conversation ORDER BY issued DESC LIMIT $keep);
                """);
            command.Parameters.AddWithValue("$hash", tokenHash);
            command.Parameters.AddWithValue("$conversation", conversationId);
            command.Parameters.AddWithValue("$expires", Ms(expiresAt));
            command.Parameters.AddWithValue("$keep", keep);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken);

    public async Task<(string ConversationId, DateTimeOffset ExpiresAt)?> FindTokenAsync(string tokenHash, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT conversation_id, expires FROM directline_tokens WHERE hash = $hash";
        command.Parameters.AddWithValue("$hash", tokenHash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetString(0), FromMs(reader.GetInt64(1))) : null;
    }

    public async Task<DirectLineConversation?> FindAsync(
        string conversationId, DateTimeOffset activeSince, DateTimeOffset? touch, TimeSpan touchAfter, CancellationToken cancellationToken)
    {
        DirectLineConversation? found = null;
        long lastActive;
        await using (var connection = await OpenAsync(cancellationToken).ConfigureAwait(false))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT user_json, locale, last_active FROM directline_conversations WHERE id = $id AND last_active > $since";
            command.Parameters.AddWithValue("$id", conversationId);
            command.Parameters.AddWithValue("$since", Ms(activeSince));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            found = DirectLineRows.Conversation(conversationId, reader, 0);
            lastActive = reader.GetInt64(2);
        }

        // A page polls twice a second; the idle clock needs only a coarse mark, so most polls write nothing.
        if (touch is { } now && Ms(now) - lastActive >= (long)touchAfter.TotalMilliseconds)
        {
            await WriteAsync(async (connection, transaction) =>
            {
                await using var command = Command(connection, transaction, "UPDATE directline_conversations SET last_active = MAX(last_active, $now) WHERE id = $id");
                command.Parameters.AddWithValue("$now", Ms(now));
                command.Parameters.AddWithValue("$id", conversationId);
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }

        return found;
    }

    public Task<bool> TryMarkStartedAsync(string conversationId, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction, "UPDATE directline_conversations SET started = 1 WHERE id = $id AND started = 0");
            command.Parameters.AddWithValue("$id", conversationId);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);

    public Task<string?> AppendAsync(string conversationId, Activity activity, DateTimeOffset now, ActivityLimits limits, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction, "SELECT last_sequence, last_timestamp FROM directline_conversations WHERE id = $id");
            command.Parameters.AddWithValue("$id", conversationId);
            long sequence, lastTimestamp;
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                (sequence, lastTimestamp) = (reader.GetInt64(0) + 1, reader.GetInt64(1));
            }

            var timestamp = Math.Max(Ms(now), lastTimestamp + 1);
            activity.Id = DirectLineConversations.ActivityId(conversationId, sequence);
            activity.Timestamp = FromMs(timestamp);
            var json = JsonSerializer.Serialize(activity, ProtocolJsonContext.Default.Activity);
            var bytes = (long)json.Length * sizeof(char);

            command.CommandText = """
                INSERT INTO directline_activities (conversation_id, sequence, json, bytes) VALUES ($id, $sequence, $json, $bytes);
                UPDATE directline_conversations SET last_sequence = $sequence, last_timestamp = $timestamp, last_active = MAX(last_active, $now),
                    activity_bytes = activity_bytes + $bytes WHERE id = $id;
                """;
            command.Parameters.AddWithValue("$sequence", sequence);
            command.Parameters.AddWithValue("$json", json);
            command.Parameters.AddWithValue("$bytes", bytes);
            command.Parameters.AddWithValue("$timestamp", timestamp);
            command.Parameters.AddWithValue("$now", Ms(now));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await TrimAsync(connection, transaction, conversationId, limits, cancellationToken).ConfigureAwait(false);
            return activity.Id;
        }, cancellationToken);

    public async Task<(IReadOnlyList<string> Activities, long Watermark)> ReadAfterAsync(string conversationId, long watermark, long maxBytes, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);

        // One snapshot for both reads, so the watermark never runs ahead of the activities returned.
        await using var transaction = connection.BeginTransaction(deferred: true);
        await using var command = Command(connection, transaction, "SELECT sequence, bytes, json FROM directline_activities WHERE conversation_id = $id AND sequence > $after ORDER BY sequence");
        command.Parameters.AddWithValue("$id", conversationId);
        command.Parameters.AddWithValue("$after", watermark);
        var page = new ActivityPage(maxBytes, watermark);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var bytes = reader.GetInt64(1);
                if (!page.Fits(bytes))
                {
                    return (page.Activities, page.Through);
                }

                page.Add(reader.GetInt64(0), bytes, reader.GetString(2));
            }
        }

        command.CommandText = "SELECT last_sequence FROM directline_conversations WHERE id = $id";
        var last = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return (page.Activities, last is null ? watermark : Convert.ToInt64(last, CultureInfo.InvariantCulture));
    }

    public Task<int> SweepAsync(DateTimeOffset activeSince, DateTimeOffset unstartedSince, DateTimeOffset now, long maxActivityBytes, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            const string Ended = $"last_active <= $since OR ({Unstarted} AND last_active <= $unstartedSince)";
            await using var command = Command(connection, transaction, $"""
                DELETE FROM directline_tokens WHERE expires <= $now
                    OR conversation_id IN (SELECT id FROM directline_conversations WHERE {Ended});
                DELETE FROM directline_activities WHERE conversation_id IN (SELECT id FROM directline_conversations WHERE {Ended});
                DELETE FROM directline_uploads WHERE conversation_id IN (SELECT id FROM directline_conversations WHERE {Ended});
                DELETE FROM directline_conversations WHERE {Ended};
                """);
            command.Parameters.AddWithValue("$unstartedSince", Ms(unstartedSince));
            command.Parameters.AddWithValue("$now", Ms(now));
            command.Parameters.AddWithValue("$since", Ms(activeSince));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            command.CommandText = "SELECT changes()";
            var deleted = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);

            // All conversations together past their byte allowance: the oldest activities go first, whoever they belong to.
            command.CommandText = "SELECT COALESCE(SUM(activity_bytes), 0) FROM directline_conversations";
            var held = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            if (held > maxActivityBytes)
            {
                command.CommandText = """
                    SELECT a.conversation_id, a.sequence, a.bytes FROM directline_activities a
                    JOIN directline_conversations c ON c.id = a.conversation_id
                    ORDER BY c.last_active, a.sequence
                    """;
                var drop = new List<(string Conversation, long Sequence, long Bytes)>();
                await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (held > maxActivityBytes && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        drop.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
                        held -= reader.GetInt64(2);
                    }
                }

                command.CommandText = """
                    DELETE FROM directline_activities WHERE conversation_id = $id AND sequence = $sequence;
                    UPDATE directline_conversations SET activity_bytes = activity_bytes - $bytes WHERE id = $id;
                    """;
                foreach (var (conversation, sequence, bytes) in drop)
                {
                    command.Parameters.Clear();
                    command.Parameters.AddWithValue("$id", conversation);
                    command.Parameters.AddWithValue("$sequence", sequence);
                    command.Parameters.AddWithValue("$bytes", bytes);
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            return deleted;
        }, cancellationToken);

    public async Task<int> CountAsync(DateTimeOffset activeSince, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM directline_conversations WHERE last_active > $since";
        command.Parameters.AddWithValue("$since", Ms(activeSince));
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        _keepAlive?.Dispose();
        _writeGate.Dispose();
    }

    /// <summary>Drops the conversation's oldest activities past its count and byte limits (always keeping the newest).</summary>
    private static async Task TrimAsync(SqliteConnection connection, SqliteTransaction transaction, string conversationId, ActivityLimits limits, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, """
            SELECT sequence, bytes FROM directline_activities WHERE conversation_id = $id ORDER BY sequence DESC
            """);
        command.Parameters.AddWithValue("$id", conversationId);
        long keptBytes = 0;
        var count = 0;
        long? cut = null;
        long dropped = 0;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var bytes = reader.GetInt64(1);
                if (cut is null && count > 0 && (count >= limits.MaxCount || keptBytes + bytes > limits.MaxBytes))
                {
                    cut = reader.GetInt64(0);
                }

                if (cut is null)
                {
                    count++;
                    keptBytes += bytes;
                }
                else
                {
                    dropped += bytes;
                }
            }
        }

        if (cut is { } last)
        {
            command.CommandText = """
                DELETE FROM directline_activities WHERE conversation_id = $id AND sequence <= $last;
                UPDATE directline_conversations SET activity_bytes = $kept WHERE id = $id;
                """;
            command.Parameters.AddWithValue("$last", last);
            command.Parameters.AddWithValue("$kept", keptBytes);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> write, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = connection.BeginTransaction(deferred: false);
            var result = await write(connection, transaction).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }
        catch (SqliteException ex)
        {
            throw new StorageUnavailableException($"The Direct Line store could not be written (SQLite error {ex.SqliteErrorCode.ToString(CultureInfo.InvariantCulture)}).", ex);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) =>
        SqliteStorage.OpenWithPragmasAsync(_connectionString, "PRAGMA synchronous = NORMAL;", cancellationToken);

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}
