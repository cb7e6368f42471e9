using System.Globalization;
using Npgsql;
using WWPS.PolicyBot.Dialogs.Escalations;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Storage.Postgres;

/// <summary>
/// <see cref="IEscalationStore"/> as tables in the PostgreSQL database, beside the state table; the same tables,
/// rules and audit rows as <see cref="Escalations.SqliteEscalationStore"/>.
/// </summary>
/// <remarks>
/// Where SQLite wraps a change and its audit row in an IMMEDIATE transaction, here they are one statement (the change
/// in a data-modifying <c>WITH</c>, the audit row inserted from what it returned), which PostgreSQL runs as one
/// transaction. State changes are <c>UPDATE … WHERE status = … RETURNING</c>: a second instance racing for the same
/// escalation waits for the first's row lock, then finds the status changed and updates nothing, so exactly one wins
/// and the loser gets null. Every write is committed when the method returns, with the server's default
/// <c>synchronous_commit = on</c> (durable on its disk). Times are <c>timestamptz</c>, which keeps microseconds: the
/// store rounds its own clock down to them, so what a write returns equals what a read gives back.
/// </remarks>
public sealed class PostgresEscalationStore : IEscalationStore
{
    private const string Columns =
        "id, requested_role, role, source, summary, user_channel, user_id, user_name, user_reference, status, created_utc, deadline_utc, accepted_utc, ended_utc";

    private static readonly string[] Schema =
    [
        """
        CREATE TABLE escalations (
            id bigserial PRIMARY KEY,
            requested_role text NOT NULL,
            role text NOT NULL,
            source text NOT NULL,
            summary text NOT NULL,
            user_channel text NOT NULL,
            user_id text NOT NULL,
            user_name text,
            user_reference text NOT NULL,
            status text NOT NULL,
            created_utc timestamptz NOT NULL,
            deadline_utc timestamptz NOT NULL,
            accepted_utc timestamptz,
            ended_utc timestamptz
        );
        CREATE INDEX escalations_user ON escalations (user_channel, user_id, status);
        CREATE INDEX escalations_status ON escalations (status, deadline_utc);
        CREATE INDEX escalations_created ON escalations (created_utc);
        CREATE TABLE escalation_messages (
            id bigserial PRIMARY KEY,
            escalation_id bigint NOT NULL,
            sender text NOT NULL,
            text text NOT NULL,
            sent_utc timestamptz NOT NULL
        );
        CREATE INDEX escalation_messages_escalation ON escalation_messages (escalation_id, id);
        CREATE TABLE escalation_audit (
            id bigserial PRIMARY KEY,
            escalation_id bigint,
            actor text NOT NULL,
            action text NOT NULL,
            at_utc timestamptz NOT NULL
        );
        CREATE INDEX escalation_audit_escalation ON escalation_audit (escalation_id, id);
        CREATE TABLE escalation_notifications (
            escalation_id bigint NOT NULL,
            channel text NOT NULL,
            state text NOT NULL,
            attempts integer NOT NULL,
            next_attempt_utc timestamptz,
            last_error text,
            PRIMARY KEY (escalation_id, channel)
        );
        CREATE TABLE escalation_contacts (
            role text PRIMARY KEY,
            reference text NOT NULL,
            updated_utc timestamptz NOT NULL
        );
        """,
    ];

    private readonly PostgresDatabase _database;
    private readonly TimeProvider _time;

    private PostgresEscalationStore(PostgresDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
    }

    /// <summary>Makes sure the escalation tables exist (migrating them if needed) in <paramref name="database"/>.</summary>
    /// <exception cref="StorageUnavailableException">The tables cannot be created or the schema is newer than this build.</exception>
    public static async Task<PostgresEscalationStore> OpenAsync(PostgresDatabase database, TimeProvider time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(time);
        await database.MigrateAsync("escalations", Schema, cancellationToken).ConfigureAwait(false);
        return new PostgresEscalationStore(database, time);
    }

    public async Task<Escalation> CreateAsync(NewEscalation escalation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(escalation);
        var now = Now();
        var created = await QueryAsync(
            $"""
            WITH created AS (
                INSERT INTO escalations (requested_role, role, source, summary, user_channel, user_id, user_name, user_reference, status, created_utc, deadline_utc)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'waiting', $9, $10)
                RETURNING *
            ), audit AS (
                INSERT INTO escalation_audit (escalation_id, actor, action, at_utc) SELECT id, $11, $12, $9 FROM created
            )
            SELECT {Columns} FROM created
            """,
            [
                EscalationText.Name(escalation.RequestedRole), EscalationText.Name(escalation.Role), escalation.Source, escalation.Summary,
                escalation.User.ChannelId, escalation.User.UserId, escalation.UserName, Serialize(escalation.UserReference), now,
                escalation.Deadline.ToUniversalTime(), EscalationAccess.UserActor(escalation.User), AuditActions.Created,
            ],
            ReadEscalation, cancellationToken).ConfigureAwait(false);
        return created[0];
    }

    public async Task<Escalation?> GetAsync(long id, CancellationToken cancellationToken)
    {
        var found = await QueryAsync($"SELECT {Columns} FROM escalations WHERE id = $1", [id], ReadEscalation, cancellationToken).ConfigureAwait(false);
        return found.Count > 0 ? found[0] : null;
    }

    public Task<IReadOnlyList<Escalation>> ListAsync(EscalationFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var where = new List<string>();
        var values = new List<object?>();
        string Next(object? value)
        {
            values.Add(value);
            return "$" + values.Count.ToString(CultureInfo.InvariantCulture);
        }

        if (filter.Role is { } role)
        {
            where.Add($"role = {Next(EscalationText.Name(role))}");
        }

        if (filter.User is { } user)
        {
            where.Add($"user_channel = {Next(user.ChannelId)} AND user_id = {Next(user.UserId)}");
        }

        if (filter.Statuses is { } statuses)
        {
            where.Add($"status = ANY({Next(statuses.Select(EscalationText.Name).ToArray())})");
        }

        var sql = $"SELECT {Columns} FROM escalations{(where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : string.Empty)} ORDER BY id DESC";
        return QueryAsync(sql, values, ReadEscalation, cancellationToken);
    }

    public Task<Escalation?> AcceptAsync(long id, string actor, CancellationToken cancellationToken) =>
        TransitionAsync(id, "status = 'waiting'", "status = 'accepted', accepted_utc = $2", actor, AuditActions.Accepted, cancellationToken);

    public Task<Escalation?> CloseAsync(long id, string actor, CancellationToken cancellationToken) =>
        TransitionAsync(id, "status IN ('waiting', 'accepted')", "status = 'closed', ended_utc = $2", actor, AuditActions.Closed, cancellationToken);

    public Task<IReadOnlyList<Escalation>> TimeOutAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        // Rows another instance is timing out at the same moment are waited for, then skipped: their status changed.
        QueryAsync(
            $"""
            WITH changed AS (
                UPDATE escalations SET status = 'timed-out', ended_utc = $1 WHERE status = 'waiting' AND deadline_utc <= $1
                RETURNING *
            ), audit AS (
                INSERT INTO escalation_audit (escalation_id, actor, action, at_utc) SELECT id, 'bot', $2, $1 FROM changed ORDER BY id
            )
            SELECT {Columns} FROM changed ORDER BY id
            """,
            [now.ToUniversalTime(), AuditActions.TimedOut],
            ReadEscalation, cancellationToken);

    public Task UpdateUserReferenceAsync(long id, ConversationReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return ExecuteAsync("UPDATE escalations SET user_reference = $2 WHERE id = $1", [id, Serialize(reference)], cancellationToken);
    }

    public async Task<EscalationMessage> AddMessageAsync(long id, MessageSender sender, string actor, string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        var now = Now();
        var ids = await QueryAsync(
            """
            WITH message AS (
                INSERT INTO escalation_messages (escalation_id, sender, text, sent_utc) VALUES ($1, $2, $3, $4) RETURNING id
            ), audit AS (
                INSERT INTO escalation_audit (escalation_id, actor, action, at_utc) VALUES ($1, $5, $6, $4)
            )
            SELECT id FROM message
            """,
            [id, sender == MessageSender.User ? "user" : "staff", text, now, actor, sender == MessageSender.User ? AuditActions.UserMessage : AuditActions.StaffMessage],
            r => r.GetInt64(0), cancellationToken).ConfigureAwait(false);
        return new EscalationMessage(ids[0], id, sender, text, now);
    }

    public Task<IReadOnlyList<EscalationMessage>> GetMessagesAsync(long id, CancellationToken cancellationToken) =>
        QueryAsync(
            "SELECT id, escalation_id, sender, text, sent_utc FROM escalation_messages WHERE escalation_id = $1 ORDER BY id",
            [id],
            r => new EscalationMessage(r.GetInt64(0), r.GetInt64(1), r.GetString(2) == "user" ? MessageSender.User : MessageSender.Staff, r.GetString(3), Time(r, 4)),
            cancellationToken);

    public Task AuditAsync(long? id, string actor, string action, CancellationToken cancellationToken) =>
        ExecuteAsync("INSERT INTO escalation_audit (escalation_id, actor, action, at_utc) VALUES ($1, $2, $3, $4)", [id, actor, action, Now()], cancellationToken);

    public Task<IReadOnlyList<AuditEntry>> GetAuditAsync(long? id, CancellationToken cancellationToken) =>
        QueryAsync(
            "SELECT id, escalation_id, actor, action, at_utc FROM escalation_audit" + (id is null ? string.Empty : " WHERE escalation_id = $1") + " ORDER BY id",
            id is { } value ? [value] : [],
            r => new AuditEntry(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetInt64(1), r.GetString(2), r.GetString(3), Time(r, 4)),
            cancellationToken);

    public Task SetContactAsync(EscalationRole role, ConversationReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return ExecuteAsync(
            """
            INSERT INTO escalation_contacts (role, reference, updated_utc) VALUES ($1, $2, $3)
            ON CONFLICT (role) DO UPDATE SET reference = excluded.reference, updated_utc = excluded.updated_utc
            """,
            [EscalationText.Name(role), Serialize(reference), Now()],
            cancellationToken);
    }

    public async Task<ConversationReference?> GetContactAsync(EscalationRole role, CancellationToken cancellationToken)
    {
        var found = await QueryAsync(
            "SELECT reference FROM escalation_contacts WHERE role = $1", [EscalationText.Name(role)], r => Deserialize(r.GetString(0)), cancellationToken)
            .ConfigureAwait(false);
        return found.Count > 0 ? found[0] : null;
    }

    public Task SaveNotificationAsync(EscalationNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        return ExecuteAsync(
            """
            INSERT INTO escalation_notifications (escalation_id, channel, state, attempts, next_attempt_utc, last_error)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (escalation_id, channel) DO UPDATE SET state = excluded.state, attempts = excluded.attempts,
                next_attempt_utc = excluded.next_attempt_utc, last_error = excluded.last_error
            """,
            [
                notification.EscalationId, notification.Channel.ToString().ToLowerInvariant(), notification.State.ToString().ToLowerInvariant(),
                notification.Attempts, notification.NextAttempt?.ToUniversalTime(), notification.LastError,
            ],
            cancellationToken);
    }

    public Task<IReadOnlyList<EscalationNotification>> GetNotificationsAsync(long id, CancellationToken cancellationToken) =>
        QueryAsync(
            "SELECT escalation_id, channel, state, attempts, next_attempt_utc, last_error FROM escalation_notifications WHERE escalation_id = $1 ORDER BY channel",
            [id], ReadNotification, cancellationToken);

    public Task<IReadOnlyList<EscalationNotification>> DueNotificationsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        QueryAsync(
            """
            SELECT escalation_id, channel, state, attempts, next_attempt_utc, last_error FROM escalation_notifications
            WHERE state = 'pending' AND next_attempt_utc <= $1 ORDER BY escalation_id, channel
            """,
            [now.ToUniversalTime()], ReadNotification, cancellationToken);

    public async Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var counts = await QueryAsync(
            """
            WITH purging AS (
                DELETE FROM escalations WHERE created_utc < $1 RETURNING id
            ), messages AS (
                DELETE FROM escalation_messages WHERE escalation_id IN (SELECT id FROM purging)
            ), notifications AS (
                DELETE FROM escalation_notifications WHERE escalation_id IN (SELECT id FROM purging)
            ), audit AS (
                DELETE FROM escalation_audit WHERE escalation_id IN (SELECT id FROM purging)
            )
            SELECT count(*) FROM purging
            """,
            [before.ToUniversalTime()], r => r.GetInt64(0), cancellationToken).ConfigureAwait(false);
        var removed = checked((int)counts[0]);
        if (removed > 0)
        {
            // The purged concerns' text and names out of the tables' files, not only out of sight.
            await _database.CompactAsync("escalations, escalation_messages, escalation_notifications, escalation_audit", cancellationToken)
                .ConfigureAwait(false);
        }

        return removed;
    }

    private async Task<Escalation?> TransitionAsync(long id, string allowed, string change, string actor, string action, CancellationToken cancellationToken)
    {
        var changed = await QueryAsync(
            $"""
            WITH changed AS (
                UPDATE escalations SET {change} WHERE id = $1 AND {allowed} RETURNING *
            ), audit AS (
                INSERT INTO escalation_audit (escalation_id, actor, action, at_utc) SELECT id, $3, $4, $2 FROM changed
            )
            SELECT {Columns} FROM changed
            """,
            [id, Now(), actor, action], ReadEscalation, cancellationToken).ConfigureAwait(false);
        return changed.Count > 0 ? changed[0] : null;
    }

    private Task<int> ExecuteAsync(string sql, IReadOnlyList<object?> values, CancellationToken cancellationToken) =>
        _database.RunAsync("write escalations", async connection =>
        {
            await using var command = Command(connection, sql, values);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    private Task<IReadOnlyList<T>> QueryAsync<T>(string sql, IReadOnlyList<object?> values, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken) =>
        _database.RunAsync<IReadOnlyList<T>>("read or write escalations", async connection =>
        {
            await using var command = Command(connection, sql, values);
            var found = new List<T>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                found.Add(read(reader));
            }

            return found;
        }, cancellationToken);

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, IReadOnlyList<object?> values)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            // Positional ($1, $2…); a null's type is taken from where the statement uses it.
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return command;
    }

    // timestamptz keeps microseconds: round the clock down to them, so a value returned equals the value read back.
    private DateTimeOffset Now()
    {
        var now = _time.GetUtcNow().ToUniversalTime();
        return now.AddTicks(-(now.UtcTicks % 10));
    }

    private static Escalation ReadEscalation(NpgsqlDataReader r) => Escalations.EscalationRows.Escalation(r, Time);

    private static EscalationNotification ReadNotification(NpgsqlDataReader r) => Escalations.EscalationRows.Notification(r, Time);

    private static string Serialize(ConversationReference reference) => Escalations.EscalationRows.Serialize(reference);

    private static ConversationReference Deserialize(string json) => Escalations.EscalationRows.Reference(json);

    private static DateTimeOffset Time(System.Data.Common.DbDataReader r, int ordinal) => r.GetFieldValue<DateTimeOffset>(ordinal);
}
