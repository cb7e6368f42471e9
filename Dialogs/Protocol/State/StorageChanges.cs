using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace WWPS.PolicyBot.Protocol;

/// <summary>
/// One stored record changed by read, change, write, under optimistic concurrency, for records that several turns or
/// instances change at once (counts, the Manager's decisions, sign-in failures). An existing record is written
/// conditional on the ETag read. A record that does not exist yet has no ETag to check, so its creation is made
/// conditional on a guard record's ETag read before the record was found missing: anyone creating a record under the
/// same guard in between changes it, and the later creation runs again on what the first one wrote.
/// </summary>
public static class StorageChanges
{
    // Each attempt is lost only to a write that succeeded, so this many in a row means something is wrong.
    private const int MaxAttempts = 50;
    private const int MaxBackoffMilliseconds = 50;

    private static readonly JsonElement GuardValue = JsonDocument.Parse("1").RootElement.Clone();

    /// <summary>
    /// Reads <paramref name="key"/>, gives its value (null when missing) to <paramref name="change"/>, and writes the
    /// record it returns (null: nothing to write). Lost races are run again on what the winner wrote, so
    /// <paramref name="change"/> must be a function of what it is given. Returns the result of the run that counted.
    /// </summary>
    public static async Task<TResult> ChangeAsync<T, TResult>(
        this IStorage storage,
        string key,
        string guardKey,
        JsonTypeInfo<T> type,
        Func<T?, (T? Next, TResult Result)> change,
        TimeProvider time,
        CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(change);
        for (var attempt = 1; ; attempt++)
        {
            var (item, guard) = await ReadWithGuardAsync(storage, key, guardKey, cancellationToken).ConfigureAwait(false);
            var (next, result) = change(item?.Value.Deserialize(type));
            if (next is null)
            {
                return result;
            }

            var value = JsonSerializer.SerializeToElement(next, type);
            var changes = item is not null
                ? new Dictionary<string, StoreItem>(StringComparer.Ordinal) { [key] = new(value, item.ETag ?? StoreItem.AnyETag) }
                : new Dictionary<string, StoreItem>(StringComparer.Ordinal) { [guardKey] = new(GuardValue, guard), [key] = new(value) };
            try
            {
                await storage.WriteAsync(changes, cancellationToken).ConfigureAwait(false);
                return result;
            }
            catch (StorageConcurrencyException) when (attempt < MaxAttempts)
            {
                // Someone else changed it (or created it) since it was read: read their version and apply the change to
                // it, after a short random wait, so writers that keep colliding in step (same timings, same retries) fall
                // out of step instead of one of them losing every time.
                var wait = TimeSpan.FromMilliseconds(Random.Shared.Next(0, Math.Min(MaxBackoffMilliseconds, 2 * attempt) + 1));
                await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The item, or when it is missing the guard's ETag read before the item was found missing (so that a creation by
    /// anyone else in between changes the guard, and the write conditional on it fails).
    /// </summary>
    private static async Task<(StoreItem? Item, string? Guard)> ReadWithGuardAsync(IStorage storage, string key, string guardKey, CancellationToken cancellationToken)
    {
        var items = await storage.ReadAsync([key], cancellationToken).ConfigureAwait(false);
        if (items.TryGetValue(key, out var item))
        {
            return (item, null);
        }

        var guard = (await storage.ReadAsync([guardKey], cancellationToken).ConfigureAwait(false)).GetValueOrDefault(guardKey)?.ETag;
        if (guard is null)
        {
            // The first record under this guard: create the guard. Its content is constant, so two instances doing this
            // at once lose nothing; the later write only changes its ETag, and a creation conditional on the earlier one
            // retries.
            guard = (await storage.WriteAsync(new Dictionary<string, StoreItem>(StringComparer.Ordinal) { [guardKey] = new(GuardValue) }, cancellationToken)
                .ConfigureAwait(false))[guardKey];
        }

        items = await storage.ReadAsync([key], cancellationToken).ConfigureAwait(false);
        return items.TryGetValue(key, out item) ? (item, null) : (null, guard);
    }
}
