namespace WWPS.PolicyBot.BotFramework;

/// <summary>Channel events. Ids, kinds, statuses and reasons only: never message text, tokens or secrets.</summary>
internal static partial class BotFrameworkLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning,
        Message = "Bot Framework channel: no MicrosoftAppId configured. /api/messages accepts UNAUTHENTICATED requests from this machine (loopback) only, and replies are sent without a token. Set MicrosoftAppId, MicrosoftAppPassword, MicrosoftAppType and MicrosoftAppTenantId to connect Azure Bot Service / Teams.")]
    public static partial void LocalMode(ILogger logger);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information,
        Message = "Bot Framework channel: authentication on for app {AppId} ({AppType}); channel keys from {MetadataUrl}")]
    public static partial void Authenticated(ILogger logger, string? appId, BotAppType appType, Uri metadataUrl);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Refused activity in {ChannelId}/{ConversationId}: {Reason}")]
    public static partial void Unauthorized(ILogger logger, string? reason, string? channelId, string? conversationId);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Error, Message = "OpenID metadata {MetadataUrl} unavailable ({ExceptionType}); tokens cannot be checked")]
    public static partial void MetadataUnavailable(ILogger logger, string metadataUrl, string exceptionType);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "Redelivered activity {ActivityId} in {ChannelId}/{ConversationId} ignored")]
    public static partial void Redelivered(ILogger logger, string? channelId, string conversationId, string activityId);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning,
        Message = "Connector send of {ActivityType} to {ConversationId} failed ({Failure}, status {Status}), attempt {Attempt}; retrying")]
    public static partial void ReplyRetrying(ILogger logger, string? activityType, string conversationId, string status, string failure, int attempt);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Error,
        Message = "Connector send of {ActivityType} to {ConversationId} (reply to {ReplyToId}) failed after {Attempt} attempt(s) ({Failure}, status {Status})")]
    public static partial void ReplyFailed(ILogger logger, string? activityType, string conversationId, string? replyToId, string status, string failure, int attempt);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Error,
        Message = "Connector queue full; {ActivityType} to {ConversationId} (reply to {ReplyToId}) dropped")]
    public static partial void ReplyDropped(ILogger logger, string? activityType, string conversationId, string? replyToId);
}
