using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.DirectLine;

/// <summary>
/// Ends idle web chat conversations on time even when nobody is using the web chat. Conversations are also swept as
/// the web chat is used, but that alone left the last conversations of a quiet day (their messages, a photo) in the
/// database until the next visitor came, past the 60 idle minutes the README promises. Every instance runs it; the
/// stores let one sweep run at a time.
/// </summary>
internal sealed partial class DirectLineExpiry(DirectLineConversations conversations, TimeProvider time, ILogger<DirectLineExpiry> logger) : BackgroundService
{
    /// <summary>How often: a conversation outlives its idle timeout by at most this.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, time, stoppingToken).ConfigureAwait(false);
                var ended = await conversations.SweepNowAsync(stoppingToken).ConfigureAwait(false);
                if (ended > 0)
                {
                    Ended(logger, ended);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (StorageUnavailableException ex)
            {
                // The database is down or full: the next pass tries again, and /healthz already says so.
                SweepFailed(logger, ex.GetType().Name);
            }
        }
    }

    [LoggerMessage(EventId = 4601, Level = LogLevel.Information, Message = "Ended {Count} idle web chat conversations")]
    private static partial void Ended(ILogger logger, int count);

    [LoggerMessage(EventId = 4602, Level = LogLevel.Warning, Message = "Sweeping idle web chat conversations failed ({Error}); trying again later")]
    private static partial void SweepFailed(ILogger logger, string error);
}
