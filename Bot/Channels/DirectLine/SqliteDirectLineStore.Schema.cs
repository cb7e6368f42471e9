using System.Globalization;
using Microsoft.Data.Sqlite;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.DirectLine;

/// <summary>Opening the database and creating or migrating the Direct Line tables (version in <c>schema_versions</c>).</summary>
internal sealed partial class SqliteDirectLineStore
{
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
}
