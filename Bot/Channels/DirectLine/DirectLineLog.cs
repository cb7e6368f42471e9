namespace WWPS.PolicyBot.DirectLine;

/// <summary>Direct Line events: conversation ids, activity ids, kinds and timings, never message text.</summary>
internal static partial class DirectLineLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Direct Line conversation {ConversationId} started")]
    public static partial void ConversationStarted(ILogger logger, string conversationId);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "Direct Line {ConversationId}: received {ActivityType} {ActivityId}")]
    public static partial void ActivityReceived(ILogger logger, string conversationId, string activityId, string? activityType);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "Direct Line {ConversationId}: {ActivityType} turn took {Milliseconds:F1} ms")]
    public static partial void TurnCompleted(ILogger logger, string conversationId, string? activityType, double milliseconds);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Direct Line refused a new conversation: {Max} are open")]
    public static partial void ConversationRefused(ILogger logger, int max);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "Direct Line dropped {Count} replies for an expired conversation")]
    public static partial void ReplyDropped(ILogger logger, int count);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Debug, Message = "Direct Line {ConversationId}: upload of {Count} files, {Bytes} bytes")]
    public static partial void UploadReceived(ILogger logger, string conversationId, int count, long bytes);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "Direct Line {ConversationId}: upload refused, the allowance for uploads is full")]
    public static partial void UploadRefused(ILogger logger, string conversationId);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Warning, Message = "Direct Line {ConversationId}: upload could not be stored (storage unavailable)")]
    public static partial void UploadFailed(ILogger logger, string conversationId);
}
