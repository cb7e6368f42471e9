using WWPS.PolicyBot.Dialogs.Escalations;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Escalations;

/// <summary>Who is told, and how it went: the staff's contact references and each escalation's notifications with their retries.</summary>
public sealed partial class SqliteEscalationStore
{
    public Task SetContactAsync(EscalationRole role, ConversationReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return WriteAsync(async (connection, transaction) =>
        {
            await using var upsert = Command(connection, transaction, """
                INSERT INTO escalation_contacts (role, reference, updated_utc) VALUES ($role, $reference, $now)
                ON CONFLICT (role) DO UPDATE SET reference = excluded.reference, updated_utc = excluded.updated_utc
                """);
            upsert.Parameters.AddWithValue("$role", EscalationText.Name(role));
            upsert.Parameters.AddWithValue("$reference", Serialize(reference));
            upsert.Parameters.AddWithValue("$now", Stamp(_time.GetUtcNow()));
            return await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    public async Task<ConversationReference?> GetContactAsync(EscalationRole role, CancellationToken cancellationToken)
    {
        var found = await QueryAsync(
            "SELECT reference FROM escalation_contacts WHERE role = $role",
            p => p.AddWithValue("$role", EscalationText.Name(role)),
            r => Deserialize(r.GetString(0)),
            cancellationToken).ConfigureAwait(false);
        return found.Count > 0 ? found[0] : null;
    }

    public Task SaveNotificationAsync(EscalationNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        return WriteAsync(async (connection, transaction) =>
        {
            await using var upsert = Command(connection, transaction, """
                INSERT INTO escalation_notifications (escalation_id, channel, state, attempts, next_attempt_utc, last_error)
                VALUES ($id, $channel, $state, $attempts, $next, $error)
                ON CONFLICT (escalation_id, channel) DO UPDATE SET state = excluded.state, attempts = excluded.attempts,
                    next_attempt_utc = excluded.next_attempt_utc, last_error = excluded.last_error
                """);
            upsert.Parameters.AddWithValue("$id", notification.EscalationId);
            upsert.Parameters.AddWithValue("$channel", notification.Channel.ToString().ToLowerInvariant());
            upsert.Parameters.AddWithValue("$state", notification.State.ToString().ToLowerInvariant());
            upsert.Parameters.AddWithValue("$attempts", notification.Attempts);
            upsert.Parameters.AddWithValue("$next", notification.NextAttempt is { } next ? Stamp(next) : DBNull.Value);
            upsert.Parameters.AddWithValue("$error", (object?)notification.LastError ?? DBNull.Value);
            return await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<EscalationNotification>> GetNotificationsAsync(long id, CancellationToken cancellationToken) =>
        QueryAsync(
            "SELECT escalation_id, channel, state, attempts, next_attempt_utc, last_error FROM escalation_notifications WHERE escalation_id = $id ORDER BY channel",
            p => p.AddWithValue("$id", id),
            ReadNotification,
            cancellationToken);

    public Task<IReadOnlyList<EscalationNotification>> DueNotificationsAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        QueryAsync(
            """
            SELECT escalation_id, channel, state, attempts, next_attempt_utc, last_error FROM escalation_notifications
            WHERE state = 'pending' AND next_attempt_utc <= $now ORDER BY escalation_id, channel
            """,
            p => p.AddWithValue("$now", Stamp(now)),
            ReadNotification,
            cancellationToken);
}
