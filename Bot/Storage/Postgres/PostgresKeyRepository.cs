using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace WWPS.PolicyBot.Storage.Postgres;

/// <summary>
/// ASP.NET Core Data Protection keys in the database, so every instance signs and reads the console's cookies and
/// antiforgery tokens with the same keys: a Manager signed in on one instance stays signed in on another, and after a
/// restart. Keys are written once and never changed; Data Protection itself rotates them (every 90 days).
/// </summary>
internal sealed class PostgresKeyRepository : IXmlRepository
{
    private static readonly string[] Schema =
    [
        "CREATE TABLE dataprotection_keys (friendly_name text PRIMARY KEY, xml text NOT NULL, created_utc timestamptz NOT NULL DEFAULT now())",
    ];

    private readonly PostgresDatabase _database;

    private PostgresKeyRepository(PostgresDatabase database) => _database = database;

    public static async Task<PostgresKeyRepository> OpenAsync(PostgresDatabase database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        await database.MigrateAsync("dataprotection", Schema, cancellationToken).ConfigureAwait(false);
        return new PostgresKeyRepository(database);
    }

    // Data Protection calls these synchronously, rarely (at start and when a key is made), so blocking here is fine.
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = _database.OpenConnectionAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        using var command = new NpgsqlCommand("SELECT xml FROM dataprotection_keys ORDER BY created_utc", connection);
        using var reader = command.ExecuteReader();
        var keys = new List<XElement>();
        while (reader.Read())
        {
            keys.Add(XElement.Parse(reader.GetString(0)));
        }

        return keys;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        using var connection = _database.OpenConnectionAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        using var command = new NpgsqlCommand(
            "INSERT INTO dataprotection_keys (friendly_name, xml) VALUES (@name, @xml) ON CONFLICT (friendly_name) DO NOTHING", connection);
        command.Parameters.AddWithValue("name", friendlyName);
        command.Parameters.AddWithValue("xml", element.ToString(SaveOptions.DisableFormatting));
        command.ExecuteNonQuery();
    }
}
