namespace WWPS.PolicyBot.Slack;

/// <summary>Slack channel events. Ids, kinds, counts and Slack's error codes only: never message text or tokens.</summary>
internal static partial class SlackLog
{
    [LoggerMessage(EventId = 3101, Level = LogLevel.Information,
        Message = "Slack channel: off (no Slack:SigningSecret). /api/slack/events and /api/slack/interactive are not served; see README \"Slack\".")]
    public static partial void Off(ILogger logger);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Slack channel: on; replies through {ApiBaseUrl} with {Workers} worker(s)")]
    public static partial void On(ILogger logger, Uri apiBaseUrl, int workers);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "Slack channel: no Slack:BotToken; requests are verified but replies will fail (not_authed)")]
    public static partial void NoBotToken(ILogger logger);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning, Message = "Refused Slack request to {Path}: {Reason}")]
    public static partial void Refused(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Debug, Message = "Slack event {EventId} ignored: {Reason}")]
    public static partial void Ignored(ILogger logger, string? eventId, string reason);

    // A retry means Slack did not see an acknowledgement in time, which an operator may want to know; a plain
    // duplicate delivery is routine and would only fill the log.
    [LoggerMessage(EventId = 3106, Level = LogLevel.Information, Message = "Slack event {EventId} already taken in; retry {RetryNum} ignored")]
    public static partial void Retried(ILogger logger, string eventId, string retryNum);

    [LoggerMessage(EventId = 3113, Level = LogLevel.Debug, Message = "Slack event {EventId} already taken in; duplicate ignored")]
    public static partial void Duplicate(ILogger logger, string eventId);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Error, Message = "Slack queue full; event {EventId} for {ChannelId} refused with 503 for Slack to retry")]
    public static partial void QueueFull(ILogger logger, string? eventId, string? channelId);

    [LoggerMessage(EventId = 3108, Level = LogLevel.Error, Message = "Slack {Method} to {ChannelId} failed: {Error}")]
    public static partial void ApiError(ILogger logger, string method, string channelId, string error);

    [LoggerMessage(EventId = 3109, Level = LogLevel.Warning,
        Message = "Slack {Method} to {ChannelId} failed (status {Status}), attempt {Attempt}; retrying in {DelayMs} ms")]
    public static partial void ApiRetrying(ILogger logger, string method, string channelId, string status, int attempt, double delayMs);

    [LoggerMessage(EventId = 3110, Level = LogLevel.Error, Message = "Slack {Method} to {ChannelId} failed after {Attempt} attempt(s) (status {Status})")]
    public static partial void ApiFailed(ILogger logger, string method, string channelId, string status, int attempt);

    [LoggerMessage(EventId = 3111, Level = LogLevel.Error, Message = "Slack turn failed with {ExceptionType} in {ChannelId} (activity {ActivityId})")]
    public static partial void TurnFailed(ILogger logger, string? exceptionType, string? channelId, string? activityId);

    [LoggerMessage(EventId = 3112, Level = LogLevel.Warning, Message = "Slack: {Count} queued turn(s) not run at shutdown")]
    public static partial void UnprocessedAtShutdown(ILogger logger, int count);
}
