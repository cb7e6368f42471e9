using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Storage;

namespace WWPS.PolicyBot.DirectLine;

/// <summary>
/// <see cref="IDirectLineStore"/> in the bot's SQLite file, beside its state. Writes from this process go one at a
/// time (SQLite has one writer), each an IMMEDIATE transaction so that two processes sharing the file cannot
/// interleave a read and its write. Times are whole milliseconds since the Unix epoch.
/// </summary>
internal sealed class SqliteDirectLineStore : IDirectLineStore, IDisposable
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
        OpenAsync(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 30 }.ToString(), keepAlive: false, cancellationToken);

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

    private static async Task<SqliteDirectLineStore> OpenAsync(string connectionString, bool keepAlive, CancellationToken cancellationToken)
    {
        SqliteConnection? alive = null;
        if (keepAlive)
        {
            alive = new SqliteConnection(connectionString);
            await alive.OpenAsync(cancellationToken).ConfigureAwait(false);
        }

        var store = new SqliteDirectLineStore(connectionString, alive);
        try
        {
            await store.WriteAsync(async (connection, transaction) =>
            {
                await using var command = Command(connection, transaction, """
                    CREATE TABLE IF NOT EXISTS schema_versions (component TEXT PRIMARY KEY NOT NULL, version INTEGER NOT NULL);
                    SELECT version FROM schema_versions WHERE component = 'directline';
                    """);
                var found = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                var version = found is null ? 0 : Convert.ToInt32(found, CultureInfo.InvariantCulture);
                if (version > SchemaVersion)
                {
                    throw new StorageUnavailableException(
                        $"The database holds Direct Line schema version {version.ToString(CultureInfo.InvariantCulture)}, newer than this build knows ({SchemaVersion.ToString(CultureInfo.InvariantCulture)}). Run the newer build.");
                }

                if (version < 1)
                {
                    command.CommandText = """
                        CREATE TABLE directline_conversations (
                            id TEXT PRIMARY KEY NOT NULL,
                            user_json TEXT NOT NULL,
                            locale TEXT,
                            last_active INTEGER NOT NULL,
                            started INTEGER NOT NULL DEFAULT 0,
                            last_sequence INTEGER NOT NULL DEFAULT 0,
                            last_timestamp INTEGER NOT NULL DEFAULT 0,
                            activity_bytes INTEGER NOT NULL DEFAULT 0,
                            upload_bytes INTEGER NOT NULL DEFAULT 0
                        ) WITHOUT ROWID;
                        CREATE INDEX directline_conversations_active ON directline_conversations (last_active);
                        CREATE TABLE directline_tokens (
                            hash TEXT PRIMARY KEY NOT NULL,
                            conversation_id TEXT NOT NULL,
                            expires INTEGER NOT NULL,
                            issued INTEGER NOT NULL
                        ) WITHOUT ROWID;
                        CREATE INDEX directline_tokens_conversation ON directline_tokens (conversation_id, issued);
                        CREATE TABLE directline_activities (
                            conversation_id TEXT NOT NULL,
                            sequence INTEGER NOT NULL,
                            json TEXT NOT NULL,
                            bytes INTEGER NOT NULL,
                            PRIMARY KEY (conversation_id, sequence)
                        ) WITHOUT ROWID;
                        CREATE TABLE directline_uploads (
                            conversation_id TEXT NOT NULL,
                            upload_id TEXT NOT NULL,
                            content_type TEXT NOT NULL,
                            length INTEGER NOT NULL,
                            created INTEGER NOT NULL,
                            data BLOB NOT NULL
                        );
                        CREATE UNIQUE INDEX directline_uploads_id ON directline_uploads (conversation_id, upload_id);
                        INSERT INTO schema_versions (component, version) VALUES ('directline', 1)
                            ON CONFLICT (component) DO UPDATE SET version = excluded.version;
                        """;
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                return 0;
            }, cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

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

            var user = JsonSerializer.Deserialize(reader.GetString(0), ProtocolJsonContext.Default.ChannelAccount)!;
            found = new DirectLineConversation(conversationId, user, reader.IsDBNull(1) ? null : reader.GetString(1));
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
        var activities = new List<string>();
        long held = 0, through = watermark;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                // The size is read before the text, so the row past the page is never loaded.
                var bytes = reader.GetInt64(1);
                if (activities.Count > 0 && held + bytes > maxBytes)
                {
                    return (activities, through);
                }

                activities.Add(reader.GetString(2));
                held += bytes;
                through = reader.GetInt64(0);
            }
        }

        command.CommandText = "SELECT last_sequence FROM directline_conversations WHERE id = $id";
        var last = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return (activities, last is null ? watermark : Convert.ToInt64(last, CultureInfo.InvariantCulture));
    }

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

            var kept = held.Sum(h => h.Length);
            var evict = new List<long>();
            foreach (var (rowId, size) in held)
            {
                if (kept + length <= perConversation)
                {
                    break;
                }

                evict.Add(rowId);
                kept -= size;
            }

            command.CommandText = "SELECT COALESCE(SUM(length), 0) FROM directline_uploads";
            var all = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            var freed = held.Where(h => evict.Contains(h.RowId)).Sum(h => h.Length);
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

    private static long Ms(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    private static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}
