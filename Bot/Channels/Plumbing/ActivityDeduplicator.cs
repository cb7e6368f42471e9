namespace WWPS.PolicyBot.Plumbing;

/// <summary>
/// Remembers which activities were already taken in, so a channel's redelivery (after a timeout on its side, or a
/// retry of ours it never saw answered) is not answered twice. Bounded in size and age: a redelivery comes within
/// seconds or minutes, never hours. Each id is kept as a fixed-size hash of (channel, conversation, activity id), so
/// the memory is bounded in bytes too, however long the ids a caller sends (about 2 MB when full).
/// </summary>
internal sealed class ActivityDeduplicator(TimeProvider time, Storage.IProcessedIds? shared = null)
{
    /// <summary>
    /// True the first time a (channel, conversation, activity id) is seen by this instance and, with several instances
    /// on one database, by any of them: a retry that reaches another instance is recognised too.
    /// </summary>
    public async Task<bool> TryAcceptAsync(string? channelId, string conversationId, string activityId, CancellationToken cancellationToken)
    {
        if (!TryAccept(channelId, conversationId, activityId))
        {
            return false;
        }

        if (shared is null || await shared.TryAddAsync(Key(channelId, conversationId, activityId), time.GetUtcNow(), Retention, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        // Another instance took it. Not remembered here: if that instance lets it go (it could not queue it), the
        // channel's next retry must be taken wherever it lands.
        Forget(channelId, conversationId, activityId);
        return false;
    }

    /// <summary><see cref="Forget"/>, here and in the shared record.</summary>
    public async Task ForgetAsync(string? channelId, string conversationId, string activityId, CancellationToken cancellationToken)
    {
        Forget(channelId, conversationId, activityId);
        if (shared is not null)
        {
            await shared.RemoveAsync(Key(channelId, conversationId, activityId), cancellationToken).ConfigureAwait(false);
        }
    }

    private const int Capacity = 10_000;
    private static readonly TimeSpan Retention = TimeSpan.FromMinutes(15);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private readonly Queue<(string Key, DateTimeOffset At)> _order = new();

    /// <summary>True the first time a (channel, conversation, activity id) is seen; false for a repeat.</summary>
    public bool TryAccept(string? channelId, string conversationId, string activityId)
    {
        var key = Key(channelId, conversationId, activityId);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            while (_order.Count > 0 && (_order.Count >= Capacity || now - _order.Peek().At > Retention))
            {
                var (old, at) = _order.Dequeue();
                if (_seen.TryGetValue(old, out var stamp) && stamp == at)
                {
                    _seen.Remove(old);
                }
            }

            if (_seen.ContainsKey(key))
            {
                return false;
            }

            _seen[key] = now;
            _order.Enqueue((key, now));
            return true;
        }
    }

    /// <summary>Lets a redelivery through after all: the first delivery was accepted but could not be taken on.</summary>
    public void Forget(string? channelId, string conversationId, string activityId)
    {
        lock (_gate)
        {
            // The queue entry stays; its stamp no longer matches, so the purge passes over it.
            _seen.Remove(Key(channelId, conversationId, activityId));
        }
    }

    private static string Key(string? channelId, string conversationId, string activityId) =>
        Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{channelId}\n{conversationId}\n{activityId}")));
}
