using WWPS.PolicyBot.Storage;

namespace WWPS.PolicyBot.Escalations;

/// <summary>Opening the database and creating or migrating the escalation tables.</summary>
public sealed partial class SqliteEscalationStore
{
    /// <summary>Opens the database at <paramref name="path"/> (created if missing) and makes sure the tables exist.</summary>
    public static async Task<SqliteEscalationStore> OpenAsync(string path, TimeProvider time, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(time);
        // The state store writes to the same file from its own connection.
        var store = new SqliteEscalationStore(SqliteStorage.SharedFileConnectionString(path), path, time);
        await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS escalations (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                requested_role TEXT NOT NULL,
                role TEXT NOT NULL,
                source TEXT NOT NULL,
                summary TEXT NOT NULL,
                user_channel TEXT NOT NULL,
                user_id TEXT NOT NULL,
                user_name TEXT,
                user_reference TEXT NOT NULL,
                status TEXT NOT NULL,
                created_utc TEXT NOT NULL,
                deadline_utc TEXT NOT NULL,
                accepted_utc TEXT,
                ended_utc TEXT
            );
            CREATE INDEX IF NOT EXISTS escalations_user ON escalations (user_channel, user_id, status);
            CREATE INDEX IF NOT EXISTS escalations_status ON escalations (status, deadline_utc);
            CREATE TABLE IF NOT EXISTS escalation_messages (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                escalation_id INTEGER NOT NULL,
                sender TEXT NOT NULL,
                text TEXT NOT NULL,
                sent_utc TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS escalation_messages_escalation ON escalation_messages (escalation_id, id);
            CREATE TABLE IF NOT EXISTS escalation_audit (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                escalation_id INTEGER,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                at_utc TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS escalation_audit_escalation ON escalation_audit (escalation_id, id);
            CREATE TABLE IF NOT EXISTS escalation_notifications (
                escalation_id INTEGER NOT NULL,
                channel TEXT NOT NULL,
                state TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                next_attempt_utc TEXT,
                last_error TEXT,
                PRIMARY KEY (escalation_id, channel)
            );
            CREATE TABLE IF NOT EXISTS escalation_contacts (
                role TEXT PRIMARY KEY NOT NULL,
                reference TEXT NOT NULL,
                updated_utc TEXT NOT NULL
            );
            """;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return store;
    }
}
