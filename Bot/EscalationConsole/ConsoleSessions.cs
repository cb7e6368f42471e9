using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using WWPS.PolicyBot.Dialogs.Escalations;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.EscalationConsole;

/// <summary>
/// The console's sessions on the server side: the cookie carries a random session id, and the session is live only
/// while a record for it exists here. Signing out deletes the record, so a copy of the cookie saved before "Sign out"
/// opens nothing afterwards. Kept in the bot's storage (only a hash of the id, the role and when it was last used), so
/// sessions survive a restart and every instance sharing the database sees the same ones; the state purge deletes
/// records untouched for a day.
/// </summary>
internal sealed class ConsoleSessions(IStorage storage, ConsoleOptions options, TimeProvider time)
{
    private const string KeyPrefix = "console/sessions/";

    /// <summary>Starts a session for <paramref name="role"/>; the id to put in its cookie.</summary>
    public async Task<string> StartAsync(EscalationRole role, CancellationToken cancellationToken)
    {
        var id = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await WriteAsync(id, new ConsoleSessionRecord(Role(role), time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <summary>
    /// True while the session was started for <paramref name="role"/>, not ended, and used within the session length;
    /// marks it used (at most once every few minutes, so a page view rarely writes).
    /// </summary>
    public async Task<bool> IsLiveAsync(string? id, EscalationRole role, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(id))
        {
            return false;
        }

        var key = Key(id);
        var found = await storage.ReadAsync([key], cancellationToken).ConfigureAwait(false);
        if (!found.TryGetValue(key, out var item)
            || item.Value.Deserialize(ConsoleSessionJson.Default.ConsoleSessionRecord) is not { } record
            || record.Role != Role(role))
        {
            return false;
        }

        var now = time.GetUtcNow();
        if (now - record.LastUsed >= options.Session)
        {
            await storage.DeleteAsync([key], cancellationToken).ConfigureAwait(false);
            return false;
        }

        if (now - record.LastUsed >= options.Session / 6)
        {
            await WriteAsync(id, record with { LastUsed = now }, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Ends the session: its cookie, wherever a copy of it is, no longer opens anything.</summary>
    public Task EndAsync(string? id, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(id) ? Task.CompletedTask : storage.DeleteAsync([Key(id)], cancellationToken);

    private async Task WriteAsync(string id, ConsoleSessionRecord record, CancellationToken cancellationToken) =>
        await storage.WriteAsync(
            new Dictionary<string, StoreItem>(StringComparer.Ordinal)
            {
                [Key(id)] = new(JsonSerializer.SerializeToElement(record, ConsoleSessionJson.Default.ConsoleSessionRecord)),
            },
            cancellationToken).ConfigureAwait(false);

    // Only a hash of the id is stored: someone who reads the database cannot make a cookie from it.
    private static string Key(string id) => KeyPrefix + StorageKeys.Hashed(id);

    private static string Role(EscalationRole role) => role == EscalationRole.Manager ? "manager" : "chair";
}

/// <summary>A stored console session: whose it is and when it was last used.</summary>
internal sealed record ConsoleSessionRecord(string Role, DateTimeOffset LastUsed);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ConsoleSessionRecord))]
internal sealed partial class ConsoleSessionJson : JsonSerializerContext;
