namespace WWPS.PolicyBot.Storage;

/// <summary>
/// State storage that knows when each item was last written, so the retention job (<see cref="StatePurgeService"/>)
/// can delete what nobody has touched for a while. The memory store has none: it is gone when the bot stops.
/// </summary>
public interface IStateRetention
{
    /// <summary>
    /// Deletes items not written since <paramref name="cutoff"/>, except those under
    /// <see cref="Protocol.StorageKeys.Retained"/>, which keep a retention period of their own. Returns how many.
    /// </summary>
    Task<int> PurgeOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);
}
