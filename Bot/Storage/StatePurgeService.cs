namespace WWPS.PolicyBot.Storage;

/// <summary>
/// Deletes conversation and user state nobody has touched for <c>State:RetentionHours</c> (default 24), once an
/// hour. Idle conversations already read as empty after <c>State:IdleMinutes</c>; this removes the rows, so the
/// database holds only what live conversations need. Items under <c>retained/</c> (the Manager's insights) are left
/// alone: they have a retention period of their own, and their owner purges them.
/// </summary>
internal sealed partial class StatePurgeService(
    IStateRetention storage, IInstanceCoordinator coordinator, IConfiguration configuration, TimeProvider time, ILogger<StatePurgeService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retention = TimeSpan.FromHours(configuration.GetValue("State:RetentionHours", 24.0));
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        do
        {
            try
            {
                // One instance purges; the others skip this hour.
                await coordinator.RunExclusiveAsync("state-purge", async ct =>
                {
                    var removed = await storage.PurgeOlderThanAsync(time.GetUtcNow() - retention, ct).ConfigureAwait(false);
                    Purged(logger, removed);
                }, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A locked or unavailable database is retried at the next tick; the bot keeps answering meanwhile.
                PurgeFailed(logger, ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Purged {Count} idle state items")]
    private static partial void Purged(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "State purge failed ({Error}); retrying in an hour")]
    private static partial void PurgeFailed(ILogger logger, string error);
}
