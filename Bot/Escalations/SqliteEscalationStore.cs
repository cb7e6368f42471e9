using System.Globalization;
using Microsoft.Data.Sqlite;
using WWPS.PolicyBot.Dialogs.Escalations;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Storage;

namespace WWPS.PolicyBot.Escalations;

/// <summary>
/// <see cref="IEscalationStore"/> as tables in the state database file (<c>policybot.db</c>), beside the state table.
/// Escalations are few and precious, so every write commits with <c>synchronous = FULL</c> (durable on return, even
/// against a power cut, not only a killed process) and goes one at a time through a gate; reads use pooled connections.
/// The file is shared with <see cref="Storage.SqliteStorage"/> in WAL mode, so its turns are not blocked by these writes.
/// </summary>
public sealed partial class SqliteEscalationStore : IEscalationStore, IDisposable
{
    private const string Columns =
        "id, requested_role, role, source, summary, user_channel, user_id, user_name, user_reference, status, created_utc, deadline_utc, accepted_utc, ended_utc";

    private readonly string _connectionString;
    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    private SqliteEscalationStore(string connectionString, string path, TimeProvider time)
    {
        _path = path;
        _connectionString = connectionString;
        _time = time;
    }

    public async Task<Escalation> CreateAsync(NewEscalation escalation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(escalation);
        var now = _time.GetUtcNow();
        var id = await WriteAsync(async (connection, transaction) =>
        {
            await using var insert = Command(connection, transaction, """
                INSERT INTO escalations (requested_role, role, source, summary, user_channel, user_id, user_name, user_reference, status, created_utc, deadline_utc)
                VALUES ($requested, $role, $source, $summary, $channel, $user, $name, $reference, 'waiting', $now, $deadline)
                RETURNING id;
                """);
            insert.Parameters.AddWithValue("$requested", EscalationText.Name(escalation.RequestedRole));
            insert.Parameters.AddWithValue("$role", EscalationText.Name(escalation.Role));
            insert.Parameters.AddWithValue("$source", escalation.Source);
            insert.Parameters.AddWithValue("$summary", escalation.Summary);
            insert.Parameters.AddWithValue("$channel", escalation.User.ChannelId);
            insert.Parameters.AddWithValue("$user", escalation.User.UserId);
            insert.Parameters.AddWithValue("$name", (object?)escalation.UserName ?? DBNull.Value);
            insert.Parameters.AddWithValue("$reference", Serialize(escalation.UserReference));
            insert.Parameters.AddWithValue("$now", Stamp(now));
            insert.Parameters.AddWithValue("$deadline", Stamp(escalation.Deadline));
            var newId = (long)(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            await InsertAuditAsync(connection, transaction, newId, EscalationAccess.UserActor(escalation.User), AuditActions.Created, now, cancellationToken).ConfigureAwait(false);
            return newId;
        }, cancellationToken).ConfigureAwait(false);
        return (await GetAsync(id, cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<Escalation?> GetAsync(long id, CancellationToken cancellationToken)
    {
        var found = await QueryAsync($"SELECT {Columns} FROM escalations WHERE id = $id", p => p.AddWithValue("$id", id), ReadEscalation, cancellationToken)
            .ConfigureAwait(false);
        return found.Count > 0 ? found[0] : null;
    }

    public Task<IReadOnlyList<Escalation>> ListAsync(EscalationFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var where = new List<string>();
        if (filter.Role is not null)
        {
            where.Add("role = $role");
        }

        if (filter.User is not null)
        {
            where.Add("user_channel = $channel AND user_id = $user");
        }

        var statuses = filter.Statuses?.ToList();
        if (statuses is not null)
        {
            where.Add(statuses.Count == 0 ? "0" : $"status IN ({string.Join(", ", statuses.Select((_, i) => "$s" + i.ToString(CultureInfo.InvariantCulture)))})");
        }

        var sql = $"SELECT {Columns} FROM escalations{(where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : string.Empty)} ORDER BY id DESC";
        return QueryAsync(sql, p =>
        {
            if (filter.Role is { } role)
            {
                p.AddWithValue("$role", EscalationText.Name(role));
            }

            if (filter.User is { } user)
            {
                p.AddWithValue("$channel", user.ChannelId);
                p.AddWithValue("$user", user.UserId);
            }

            for (var i = 0; statuses is not null && i < statuses.Count; i++)
            {
                p.AddWithValue("$s" + i.ToString(CultureInfo.InvariantCulture), EscalationText.Name(statuses[i]));
            }
        }, ReadEscalation, cancellationToken);
    }

    public Task<Escalation?> AcceptAsync(long id, string actor, CancellationToken cancellationToken) =>
        TransitionAsync(id, "status = 'waiting'", "status = 'accepted', accepted_utc = $now", actor, AuditActions.Accepted, cancellationToken);

    public Task<Escalation?> CloseAsync(long id, string actor, CancellationToken cancellationToken) =>
        TransitionAsync(id, "status IN ('waiting', 'accepted')", "status = 'closed', ended_utc = $now", actor, AuditActions.Closed, cancellationToken);

    public async Task<IReadOnlyList<Escalation>> TimeOutAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ids = await WriteAsync(async (connection, transaction) =>
        {
            await using var update = Command(connection, transaction,
                "UPDATE escalations SET status = 'timed-out', ended_utc = $now WHERE status = 'waiting' AND deadline_utc <= $now RETURNING id");
            update.Parameters.AddWithValue("$now", Stamp(now));
            var changed = new List<long>();
            await using (var reader = await update.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    changed.Add(reader.GetInt64(0));
                }
            }

            foreach (var id in changed)
            {
                await InsertAuditAsync(connection, transaction, id, "bot", AuditActions.TimedOut, now, cancellationToken).ConfigureAwait(false);
            }

            return changed;
        }, cancellationToken).ConfigureAwait(false);

        var result = new List<Escalation>(ids.Count);
        foreach (var id in ids)
        {
            if (await GetAsync(id, cancellationToken).ConfigureAwait(false) is { } escalation)
            {
                result.Add(escalation);
            }
        }

        return result;
    }

    public Task UpdateUserReferenceAsync(long id, ConversationReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return WriteAsync(async (connection, transaction) =>
        {
            await using var update = Command(connection, transaction, "UPDATE escalations SET user_reference = $reference WHERE id = $id");
            update.Parameters.AddWithValue("$reference", Serialize(reference));
            update.Parameters.AddWithValue("$id", id);
            return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    public async Task<EscalationMessage> AddMessageAsync(long id, MessageSender sender, string actor, string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        var now = _time.GetUtcNow();
        var messageId = await WriteAsync(async (connection, transaction) =>
        {
            await using var insert = Command(connection, transaction,
                "INSERT INTO escalation_messages (escalation_id, sender, text, sent_utc) VALUES ($id, $sender, $text, $now) RETURNING id");
            insert.Parameters.AddWithValue("$id", id);
            insert.Parameters.AddWithValue("$sender", sender == MessageSender.User ? "user" : "staff");
            insert.Parameters.AddWithValue("$text", text);
            insert.Parameters.AddWithValue("$now", Stamp(now));
            var newId = (long)(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            var action = sender == MessageSender.User ? AuditActions.UserMessage : AuditActions.StaffMessage;
            await InsertAuditAsync(connection, transaction, id, actor, action, now, cancellationToken).ConfigureAwait(false);
            return newId;
        }, cancellationToken).ConfigureAwait(false);
        return new EscalationMessage(messageId, id, sender, text, now);
    }

    public Task<IReadOnlyList<EscalationMessage>> GetMessagesAsync(long id, CancellationToken cancellationToken) =>
        QueryAsync(
            "SELECT id, escalation_id, sender, text, sent_utc FROM escalation_messages WHERE escalation_id = $id ORDER BY id",
            p => p.AddWithValue("$id", id),
            r => new EscalationMessage(r.GetInt64(0), r.GetInt64(1), r.GetString(2) == "user" ? MessageSender.User : MessageSender.Staff, r.GetString(3), Parse(r.GetString(4))),
            cancellationToken);

    public Task AuditAsync(long? id, string actor, string action, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            await InsertAuditAsync(connection, transaction, id, actor, action, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken);

    public Task<IReadOnlyList<AuditEntry>> GetAuditAsync(long? id, CancellationToken cancellationToken) =>
        QueryAsync(
            "SELECT id, escalation_id, actor, action, at_utc FROM escalation_audit" + (id is null ? string.Empty : " WHERE escalation_id = $id") + " ORDER BY id",
            p =>
            {
                if (id is { } value)
                {
                    p.AddWithValue("$id", value);
                }
            },
            r => new AuditEntry(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetInt64(1), r.GetString(2), r.GetString(3), Parse(r.GetString(4))),
            cancellationToken);

    public async Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var removed = await PurgeRowsAsync(before, cancellationToken).ConfigureAwait(false);
        if (removed > 0)
        {
            // The purged concerns' text is zeroed in the file (secure_delete); the WAL's copies go too.
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await SqliteStorage.CheckpointAsync(connection, cancellationToken).ConfigureAwait(false);
        }

        return removed;
    }

    private Task<int> PurgeRowsAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            await using var purge = Command(connection, transaction, """
                CREATE TEMP TABLE IF NOT EXISTS purging (id INTEGER PRIMARY KEY);
                DELETE FROM purging;
                INSERT INTO purging SELECT id FROM escalations WHERE created_utc < $before;
                DELETE FROM escalation_messages WHERE escalation_id IN (SELECT id FROM purging);
                DELETE FROM escalation_notifications WHERE escalation_id IN (SELECT id FROM purging);
                DELETE FROM escalation_audit WHERE escalation_id IN (SELECT id FROM purging);
                DELETE FROM escalations WHERE id IN (SELECT id FROM purging);
                """);
            purge.Parameters.AddWithValue("$before", Stamp(before));
            await purge.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await using var count = Command(connection, transaction, "SELECT count(*) FROM purging");
            return Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }, cancellationToken);

    private async Task<Escalation?> TransitionAsync(long id, string allowed, string change, string actor, string action, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var changed = await WriteAsync(async (connection, transaction) =>
        {
            await using var update = Command(connection, transaction, $"UPDATE escalations SET {change} WHERE id = $id AND {allowed}");
            update.Parameters.AddWithValue("$id", id);
            update.Parameters.AddWithValue("$now", Stamp(now));
            if (await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return false;
            }

            await InsertAuditAsync(connection, transaction, id, actor, action, now, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        return changed ? await GetAsync(id, cancellationToken).ConfigureAwait(false) : null;
    }

    public void Dispose() => _writeGate.Dispose();

    private static async Task InsertAuditAsync(
        SqliteConnection connection, SqliteTransaction transaction, long? id, string actor, string action, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var insert = Command(connection, transaction, "INSERT INTO escalation_audit (escalation_id, actor, action, at_utc) VALUES ($id, $actor, $action, $at)");
        insert.Parameters.AddWithValue("$id", id is { } value ? value : DBNull.Value);
        insert.Parameters.AddWithValue("$actor", actor);
        insert.Parameters.AddWithValue("$action", action);
        insert.Parameters.AddWithValue("$at", Stamp(at));
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> write, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Open handles write into a deleted file without an error: a concern "saved" there would be lost.
            if (!File.Exists(_path))
            {
                throw new StorageUnavailableException($"The database '{_path}' was deleted while the bot was running; restart it to create a new one.");
            }

            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);

            // IMMEDIATE takes the write lock up front, so a read-then-write inside cannot be overtaken by another process.
            await using var transaction = connection.BeginTransaction(deferred: false);
            var result = await write(connection, transaction).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, Action<SqliteParameterCollection> bind, Func<SqliteDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command.Parameters);
        var found = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            found.Add(read(reader));
        }

        return found;
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) =>
        SqliteStorage.OpenWithPragmasAsync(_connectionString, "PRAGMA synchronous = FULL;", cancellationToken);

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static Escalation ReadEscalation(SqliteDataReader r) => EscalationRows.Escalation(r, ReadTime);

    private static EscalationNotification ReadNotification(SqliteDataReader r) => EscalationRows.Notification(r, ReadTime);

    private static string Serialize(ConversationReference reference) => EscalationRows.Serialize(reference);

    private static ConversationReference Deserialize(string json) => EscalationRows.Reference(json);

    private static DateTimeOffset ReadTime(System.Data.Common.DbDataReader r, int ordinal) => Parse(r.GetString(ordinal));

    // Fixed width, so text order is time order in the SQL comparisons above.
    private static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset Parse(string text) =>
        DateTimeOffset.ParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
