using System.Text.Json;
using Npgsql;
using WWPS.PolicyBot.DirectLine;
using WWPS.PolicyBot.Protocol;
using static WWPS.PolicyBot.DirectLine.DirectLineRows;
using static WWPS.PolicyBot.Storage.Postgres.PostgresStatements;

namespace WWPS.PolicyBot.Storage.Postgres;

/// <summary>
/// <see cref="IDirectLineStore"/> in the PostgreSQL database, beside the bot's state: the same tables and limits as
/// <see cref="SqliteDirectLineStore"/>, for several instances serving the same web chats. Times are whole milliseconds
/// since the Unix epoch, as there.
/// </summary>
/// <remarks>
/// SQLite lets one writer in at a time; here writers run side by side, so each method says what keeps it right
/// against another instance doing the same at the same moment:
/// <list type="bullet">
/// <item>Numbering an activity updates its conversation's row first (<c>UPDATE … RETURNING</c> takes the row lock that
/// <c>SELECT … FOR UPDATE</c> would, in one round trip less), so appends to one conversation queue on it.</item>
/// <item>Admission checks that count across conversations (the conversation cap, the uploads' total) run under an
/// advisory transaction lock, as SQLite's single writer would have run them.</item>
/// <item>Transactions that touch several tables lock the conversation row before its activities or uploads, the
/// same order everywhere, so two of them cannot deadlock.</item>
/// </list>
/// Uploads are kept in chunks of <see cref="ChunkBytes"/> in their own table, written as they are read from the
/// request's spooled copy and streamed back a row at a time: a 40 MB video never sits whole in memory, and no single
/// value grows large enough to strain the server.
/// </remarks>
internal sealed partial class PostgresDirectLineStore : IDirectLineStore
{
    private const int ChunkBytes = 256 * 1024;

    // pg_advisory_xact_lock keys (see PostgresDatabase for the migration's); any constants no one else uses.
    private const long CreateLock = 0x504244_4C_0001;
    private const long UploadLock = 0x504244_4C_0002;
    private const long SweepLock = 0x504244_4C_0003;

    // Never started and nothing appended: a token fetched and not (yet) used. These expire within minutes.
    private const string Unstarted = "NOT started AND last_sequence = 0";

    // Counted against the cap: started conversations within the idle timeout ($1), unstarted ones within theirs ($2).
    private const string Live = $"(last_active > $1 AND NOT ({Unstarted})) OR ({Unstarted} AND last_active > $2)";

    private static readonly string[] Schema =
    [
        """
        CREATE TABLE directline_conversations (
            id text PRIMARY KEY,
            user_json text NOT NULL,
            locale text,
            last_active bigint NOT NULL,
            started boolean NOT NULL DEFAULT false,
            last_sequence bigint NOT NULL DEFAULT 0,
            last_timestamp bigint NOT NULL DEFAULT 0,
            activity_bytes bigint NOT NULL DEFAULT 0,
            upload_bytes bigint NOT NULL DEFAULT 0
        ) WITH (fillfactor = 80);
        CREATE INDEX directline_conversations_active ON directline_conversations (last_active);
        CREATE TABLE directline_tokens (
            hash text PRIMARY KEY,
            conversation_id text NOT NULL,
            expires bigint NOT NULL,
            issued bigint GENERATED ALWAYS AS IDENTITY
        );
        CREATE INDEX directline_tokens_conversation ON directline_tokens (conversation_id, issued);
        CREATE TABLE directline_activities (
            conversation_id text NOT NULL,
            sequence bigint NOT NULL,
            json text NOT NULL,
            bytes bigint NOT NULL,
            PRIMARY KEY (conversation_id, sequence)
        );
        CREATE TABLE directline_uploads (
            id bigserial PRIMARY KEY,
            conversation_id text NOT NULL,
            upload_id text NOT NULL,
            content_type text NOT NULL,
            length bigint NOT NULL,
            created bigint NOT NULL,
            UNIQUE (conversation_id, upload_id)
        );
        CREATE TABLE directline_upload_chunks (
            upload bigint NOT NULL REFERENCES directline_uploads (id) ON DELETE CASCADE,
            chunk integer NOT NULL,
            data bytea NOT NULL,
            PRIMARY KEY (upload, chunk)
        );
        -- Photos and videos are compressed already: kept out of line as they are, without trying to compress them again.
        ALTER TABLE directline_upload_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
        """,
    ];

    private static readonly TimeSpan CompactionInterval = TimeSpan.FromHours(1);

    private readonly PostgresDatabase _database;

    // Compaction after sweeps: at most hourly, and only once a sweep has deleted something since the last one.
    private DateTimeOffset _lastCompaction = DateTimeOffset.MinValue;
    private bool _compactionDue;

    private PostgresDirectLineStore(PostgresDatabase database) => _database = database;

    /// <summary>Makes sure the Direct Line tables exist (migrating them if needed) in <paramref name="database"/>.</summary>
    /// <exception cref="StorageUnavailableException">The tables cannot be created or the schema is newer than this build.</exception>
    public static async Task<PostgresDirectLineStore> OpenAsync(PostgresDatabase database, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        await database.MigrateAsync("directline", Schema, cancellationToken).ConfigureAwait(false);
        return new PostgresDirectLineStore(database);
    }

    public Task<bool> TryCreateAsync(
        DirectLineConversation conversation, DateTimeOffset now, int max, DateTimeOffset activeSince, DateTimeOffset unstartedSince, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return _database.RunInTransactionAsync("start a Direct Line conversation", async (connection, transaction) =>
        {
            // Counted and added under one lock, so two instances at the cap cannot both add one. The count is a statement
            // of its own after the lock's, so that it reads what was committed while this one waited.
            await using (var batch = Batch(connection, transaction, Lock(CreateLock),
                BatchCommand($"SELECT COUNT(*) FROM directline_conversations WHERE {Live}", Ms(activeSince), Ms(unstartedSince))))
            {
                if (await LastScalarAsync(batch, cancellationToken).ConfigureAwait(false) >= max)
                {
                    // Full: the oldest conversation nobody started makes room (a page starts its conversation at once,
                    // so the oldest unstarted ones are tokens fetched and never used).
                    await using var evict = Command(connection, transaction, $"""
                        WITH victim AS (
                            SELECT id FROM directline_conversations WHERE {Unstarted} AND last_active > $1 ORDER BY last_active LIMIT 1
                        ), tokens AS (
                            DELETE FROM directline_tokens WHERE conversation_id IN (SELECT id FROM victim)
                        ), uploads AS (
                            DELETE FROM directline_uploads WHERE conversation_id IN (SELECT id FROM victim)
                        )
                        DELETE FROM directline_conversations WHERE id IN (SELECT id FROM victim) RETURNING id
                        """, Ms(unstartedSince));
                    if (await evict.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not string)
                    {
                        return false;
                    }
                }
            }

            await using var insert = Command(connection, transaction,
                "INSERT INTO directline_conversations (id, user_json, locale, last_active) VALUES ($1, $2, $3, $4)",
                conversation.Id, JsonSerializer.Serialize(conversation.User, ProtocolJsonContext.Default.ChannelAccount), conversation.Locale, Ms(now));
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public Task AddTokenAsync(string conversationId, string tokenHash, DateTimeOffset expiresAt, int keep, CancellationToken cancellationToken) =>
        _database.RunAsync("keep a Direct Line token", async connection =>
        {
            // One statement: the DELETE does not see the row this statement adds, so it keeps keep - 1 older ones besides.
            await using var command = Command(connection, null, """
                WITH added AS (
                    INSERT INTO directline_tokens (hash, conversation_id, expires) VALUES ($1, $2, $3) RETURNING hash
                )
                DELETE FROM directline_tokens WHERE conversation_id = $2 AND hash NOT IN
                    (SELECT hash FROM directline_tokens WHERE conversation_id = $2 ORDER BY issued DESC LIMIT GREATEST($4 - 1, 0))
                """, tokenHash, conversationId, Ms(expiresAt), keep);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    public Task<(string ConversationId, DateTimeOffset ExpiresAt)?> FindTokenAsync(string tokenHash, CancellationToken cancellationToken) =>
        _database.RunAsync<(string, DateTimeOffset)?>("read a Direct Line token", async connection =>
        {
            await using var command = Command(connection, null, "SELECT conversation_id, expires FROM directline_tokens WHERE hash = $1", tokenHash);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetString(0), FromMs(reader.GetInt64(1))) : null;
        }, cancellationToken);

    public Task<DirectLineConversation?> FindAsync(
        string conversationId, DateTimeOffset activeSince, DateTimeOffset? touch, TimeSpan touchAfter, CancellationToken cancellationToken) =>
        _database.RunAsync("read a Direct Line conversation", async connection =>
        {
            DirectLineConversation found;
            long lastActive;
            await using (var command = Command(connection, null,
                "SELECT user_json, locale, last_active FROM directline_conversations WHERE id = $1 AND last_active > $2", conversationId, Ms(activeSince)))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
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
                await using var update = Command(connection, null,
                    "UPDATE directline_conversations SET last_active = GREATEST(last_active, $2) WHERE id = $1", conversationId, Ms(now));
                await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return found;
        }, cancellationToken);

    public Task<bool> TryMarkStartedAsync(string conversationId, CancellationToken cancellationToken) =>
        _database.RunAsync("mark a Direct Line conversation started", async connection =>
        {
            await using var command = Command(connection, null, "UPDATE directline_conversations SET started = true WHERE id = $1 AND NOT started", conversationId);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);

    public Task<string?> AppendAsync(string conversationId, Activity activity, DateTimeOffset now, ActivityLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activity);
        return _database.RunInTransactionAsync("add a Direct Line activity", async (connection, transaction) =>
        {
            // Takes the next number and a timestamp after the last one, holding the conversation's row until commit: an
            // append to the same conversation from another instance waits here and numbers after this one.
            long sequence, timestamp;
            await using (var command = Command(connection, transaction, """
                UPDATE directline_conversations
                SET last_sequence = last_sequence + 1, last_timestamp = GREATEST(last_timestamp + 1, $2), last_active = GREATEST(last_active, $2)
                WHERE id = $1
                RETURNING last_sequence, last_timestamp
                """, conversationId, Ms(now)))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                (sequence, timestamp) = (reader.GetInt64(0), reader.GetInt64(1));
            }

            activity.Id = DirectLineConversations.ActivityId(conversationId, sequence);
            activity.Timestamp = FromMs(timestamp);
            var json = JsonSerializer.Serialize(activity, ProtocolJsonContext.Default.Activity);
            var bytes = (long)json.Length * sizeof(char);

            // Stored, then the oldest past the limits dropped (the newest always kept), in one round trip. Read newest
            // first, an activity is kept while it is among the newest MaxCount and the running total fits MaxBytes.
            await using var batch = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands =
                {
                    BatchCommand("INSERT INTO directline_activities (conversation_id, sequence, json, bytes) VALUES ($1, $2, $3, $4)",
                        conversationId, sequence, json, bytes),
                    BatchCommand("""
                        WITH ranked AS (
                            SELECT sequence, row_number() OVER newest AS n, sum(bytes) OVER newest AS running
                            FROM directline_activities WHERE conversation_id = $1
                            WINDOW newest AS (ORDER BY sequence DESC)
                        ), dropped AS (
                            DELETE FROM directline_activities a USING ranked r
                            WHERE a.conversation_id = $1 AND a.sequence = r.sequence AND r.n > 1 AND (r.n > $2 OR r.running > $3)
                            RETURNING a.bytes
                        )
                        UPDATE directline_conversations SET activity_bytes = activity_bytes + $4 - (SELECT COALESCE(SUM(bytes), 0) FROM dropped)
                        WHERE id = $1
                        """, conversationId, (long)limits.MaxCount, limits.MaxBytes, bytes),
                },
            };
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return activity.Id;
        }, cancellationToken);
    }

    public Task<(IReadOnlyList<string> Activities, long Watermark)> ReadAfterAsync(string conversationId, long watermark, long maxBytes, CancellationToken cancellationToken) =>
        _database.RunAsync<(IReadOnlyList<string>, long)>("read Direct Line activities", async connection =>
        {
            // One statement, so one snapshot: the watermark never runs ahead of the activities returned.
            await using var command = Command(connection, null, """
                SELECT c.last_sequence, a.sequence, a.bytes, a.json FROM directline_conversations c
                LEFT JOIN directline_activities a ON a.conversation_id = c.id AND a.sequence > $2
                WHERE c.id = $1
                ORDER BY a.sequence
                """, conversationId, watermark);
            var page = new ActivityPage(maxBytes, watermark);
            var last = watermark;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                last = reader.GetInt64(0);
                if (reader.IsDBNull(1))
                {
                    continue;
                }

                var bytes = reader.GetInt64(2);
                if (!page.Fits(bytes))
                {
                    return (page.Activities, page.Through);
                }

                page.Add(reader.GetInt64(1), bytes, reader.GetString(3));
            }

            return (page.Activities, last);
        }, cancellationToken);

    public async Task<int> SweepAsync(DateTimeOffset activeSince, DateTimeOffset unstartedSince, DateTimeOffset now, long maxActivityBytes, CancellationToken cancellationToken)
    {
        var deleted = await SweepRowsAsync(activeSince, unstartedSince, now, maxActivityBytes, cancellationToken).ConfigureAwait(false);
        if (deleted > 0)
        {
            // Whoever swept (a user's request or the background expiry), the background expiry compacts.
            _compactionDue = true;
        }

        return deleted;
    }

    /// <summary>
    /// After sweeps deleted conversations, at most once an hour: rewrites the Direct Line tables so the ended
    /// conversations' messages and photos are in no table file either (<see cref="PostgresDatabase.CompactAsync"/>, the
    /// promise the state and escalation purges keep). Only the background expiry calls it, never a user's request.
    /// </summary>
    public async Task CompactAsync(int swept, DateTimeOffset now, CancellationToken cancellationToken)
    {
        _compactionDue |= swept > 0;
        if (_compactionDue && now - _lastCompaction >= CompactionInterval)
        {
            _lastCompaction = now;
            _compactionDue = false;
            await _database.CompactAsync(
                "directline_conversations, directline_tokens, directline_activities, directline_uploads, directline_upload_chunks", cancellationToken)
                .ConfigureAwait(false);
        }
    }

    private Task<int> SweepRowsAsync(DateTimeOffset activeSince, DateTimeOffset unstartedSince, DateTimeOffset now, long maxActivityBytes, CancellationToken cancellationToken) =>
        _database.RunInTransactionAsync("sweep Direct Line conversations", async (connection, transaction) =>
        {
            // One sweep at a time across instances (their results would be the same); conversations are deleted first,
            // row by row, so one that an append or a poll has just marked active is seen as such and kept.
            int deleted;
            await using (var batch = Batch(connection, transaction, Lock(SweepLock), BatchCommand($"""
                WITH gone AS (
                    DELETE FROM directline_conversations WHERE last_active <= $2 OR ({Unstarted} AND last_active <= $3) RETURNING id
                ), tokens AS (
                    DELETE FROM directline_tokens WHERE expires <= $1 OR conversation_id IN (SELECT id FROM gone)
                ), activities AS (
                    DELETE FROM directline_activities WHERE conversation_id IN (SELECT id FROM gone)
                ), uploads AS (
                    DELETE FROM directline_uploads WHERE conversation_id IN (SELECT id FROM gone)
                )
                SELECT COUNT(*) FROM gone
                """, Ms(now), Ms(activeSince), Ms(unstartedSince))))
            {
                deleted = checked((int)await LastScalarAsync(batch, cancellationToken).ConfigureAwait(false));
            }

            // All conversations together past their byte allowance: the oldest activities go first, whoever they belong to.
            long held;
            await using (var command = Command(connection, transaction, "SELECT COALESCE(SUM(activity_bytes), 0)::bigint FROM directline_conversations"))
            {
                held = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            if (held > maxActivityBytes)
            {
                await TrimAllAsync(connection, transaction, held, maxActivityBytes, cancellationToken).ConfigureAwait(false);
            }

            return deleted;
        }, cancellationToken);

    public Task<int> CountAsync(DateTimeOffset activeSince, CancellationToken cancellationToken) =>
        _database.RunAsync("count Direct Line conversations", async connection =>
        {
            await using var command = Command(connection, null, "SELECT COUNT(*) FROM directline_conversations WHERE last_active > $1", Ms(activeSince));
            return checked((int)(long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!);
        }, cancellationToken);

    /// <summary>Drops the oldest activities of the least recently active conversations until all hold at most <paramref name="max"/> bytes.</summary>
    private static async Task TrimAllAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long held, long max, CancellationToken cancellationToken)
    {
        var conversations = new List<string>();
        var sequences = new List<long>();
        await using (var command = Command(connection, transaction, """
            SELECT a.conversation_id, a.sequence, a.bytes FROM directline_activities a
            JOIN directline_conversations c ON c.id = a.conversation_id
            ORDER BY c.last_active, a.conversation_id, a.sequence
            """))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (held > max && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                conversations.Add(reader.GetString(0));
                sequences.Add(reader.GetInt64(1));
                held -= reader.GetInt64(2);
            }
        }

        // Their conversations' rows first, in one order, as an append locks its conversation before its activities;
        // rows an append has trimmed meanwhile are simply not found, and only what was deleted is subtracted.
        string[] ids = [.. conversations];
        await using var trim = Batch(connection, transaction,
            BatchCommand("SELECT 1 FROM directline_conversations WHERE id = ANY($1) ORDER BY id FOR UPDATE", (object)ids),
            BatchCommand("""
            WITH dropped AS (
                DELETE FROM directline_activities a USING unnest($1::text[], $2::bigint[]) AS d(conversation_id, sequence)
                WHERE a.conversation_id = d.conversation_id AND a.sequence = d.sequence
                RETURNING a.conversation_id, a.bytes
            )
            UPDATE directline_conversations c SET activity_bytes = c.activity_bytes - g.bytes
            FROM (SELECT conversation_id, SUM(bytes) AS bytes FROM dropped GROUP BY conversation_id) g
            WHERE c.id = g.conversation_id
            """, ids, sequences.ToArray()));
        await trim.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
