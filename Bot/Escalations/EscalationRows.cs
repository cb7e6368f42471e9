using System.Data.Common;
using System.Text.Json;
using WWPS.PolicyBot.Dialogs.Escalations;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Escalations;

/// <summary>
/// The escalation tables' rows as records, for both stores (SQLite and PostgreSQL select the same columns in the same
/// order); they differ only in how a time column is held, which <c>time</c> reads.
/// </summary>
internal static class EscalationRows
{
    /// <summary>Columns: id, requested_role, role, source, summary, user_channel, user_id, user_name, user_reference, status, created, deadline, accepted, ended.</summary>
    public static Escalation Escalation(DbDataReader r, Func<DbDataReader, int, DateTimeOffset> time) => new(
        r.GetInt64(0),
        EscalationText.ParseRole(r.GetString(1)),
        EscalationText.ParseRole(r.GetString(2)),
        r.GetString(3),
        r.GetString(4),
        new PartyId(r.GetString(5), r.GetString(6)),
        r.IsDBNull(7) ? null : r.GetString(7),
        Reference(r.GetString(8)),
        EscalationText.ParseStatus(r.GetString(9)),
        time(r, 10),
        time(r, 11),
        r.IsDBNull(12) ? null : time(r, 12),
        r.IsDBNull(13) ? null : time(r, 13));

    /// <summary>Columns: escalation_id, channel, state, attempts, next_attempt, last_error.</summary>
    public static EscalationNotification Notification(DbDataReader r, Func<DbDataReader, int, DateTimeOffset> time) => new(
        r.GetInt64(0),
        Enum.Parse<NotificationChannel>(r.GetString(1), ignoreCase: true),
        Enum.Parse<NotificationState>(r.GetString(2), ignoreCase: true),
        r.GetInt32(3),
        r.IsDBNull(4) ? null : time(r, 4),
        r.IsDBNull(5) ? null : r.GetString(5));

    public static string Serialize(ConversationReference reference) => JsonSerializer.Serialize(reference, ProtocolJsonContext.Default.ConversationReference);

    public static ConversationReference Reference(string json) =>
        JsonSerializer.Deserialize(json, ProtocolJsonContext.Default.ConversationReference) ?? throw new FormatException("A stored conversation reference is empty.");
}
