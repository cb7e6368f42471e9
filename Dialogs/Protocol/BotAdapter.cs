using Microsoft.Extensions.Logging;

namespace WWPS.PolicyBot.Protocol;

/// <summary>What a turn produced that the host must put in its HTTP response.</summary>
/// <param name="InvokeResponse">The bot's answer to an <c>invoke</c>; null means the host answers 501.</param>
/// <param name="ExpectedReplies">All replies when the activity asked for <c>expectReplies</c>; otherwise null.</param>
public sealed record TurnOutcome(InvokeResponse? InvokeResponse, IReadOnlyList<Activity>? ExpectedReplies);

public delegate Task TurnErrorHandler(ITurnContext turnContext, Exception exception, CancellationToken cancellationToken);

/// <summary>
/// Runs a turn: middleware in the order added, then the bot. Subclasses decide only how replies leave
/// (Bot Connector, Direct Line queue, Slack, a test queue) by implementing <see cref="SendActivitiesAsync"/>.
/// </summary>
public abstract class BotAdapter
{
    /// <summary>Where a route or the bot puts its answer to an invoke; read back into <see cref="TurnOutcome"/>.</summary>
    public static readonly TurnStateKey<InvokeResponse> InvokeResponseKey = new("invokeResponse");

    public const string DefaultErrorMessage = "Sorry, something went wrong on my side. Please try again in a moment.";

    /// <summary>Said when the bot's storage failed: nothing from that message was kept, and the user should not think it was.</summary>
    public const string NotSavedMessage =
        "Sorry, I couldn't save that just now, so nothing from your last message was kept (a concern was not sent). Please try again in a moment.";

    /// <summary>
    /// What to say instead of <see cref="NotSavedMessage"/> once part of the turn was kept before its state could not
    /// be saved (a concern already stored and its person told): the apology must not deny what did happen.
    /// </summary>
    public static readonly TurnStateKey<string> NotSavedMessageKey = new("notSavedMessage");

    private readonly List<IMiddleware> _middleware = [];

    protected BotAdapter(ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        Logger = logger;
        OnTurnError = DefaultTurnErrorAsync;
    }

    protected ILogger Logger { get; }

    /// <summary>Called when the middleware or the bot throws. The default logs ids only and apologises.</summary>
    public TurnErrorHandler? OnTurnError { get; set; }

    public BotAdapter Use(IMiddleware middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        _middleware.Add(middleware);
        return this;
    }

    /// <summary>Delivers activities the turn sends. Return one response per activity, in order.</summary>
    public abstract Task<ResourceResponse[]> SendActivitiesAsync(ITurnContext turnContext, Activity[] activities, CancellationToken cancellationToken);

    public async Task<TurnOutcome> ProcessActivityAsync(Activity activity, BotCallbackHandler callback, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentNullException.ThrowIfNull(callback);
        var turnContext = new TurnContext(this, activity);
        await RunPipelineAsync(turnContext, callback, cancellationToken).ConfigureAwait(false);
        return new TurnOutcome(turnContext.TurnState.Get(InvokeResponseKey), turnContext.BufferedReplies);
    }

    /// <summary>
    /// Runs a turn for a conversation the bot was not just called in (proactive message). The turn sees an
    /// <c>event</c> addressed as if the user had sent it, so replies go to the stored conversation.
    /// </summary>
    public Task<TurnOutcome> ContinueConversationAsync(ConversationReference reference, BotCallbackHandler callback, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var activity = new Activity { Type = ActivityTypes.Event, Name = "continueConversation" }
            .ApplyConversationReference(reference, isIncoming: true);
        return ProcessActivityAsync(activity, callback, cancellationToken);
    }

    protected async Task RunPipelineAsync(ITurnContext turnContext, BotCallbackHandler callback, CancellationToken cancellationToken)
    {
        try
        {
            await RunMiddlewareAsync(0, turnContext, callback, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (OnTurnError is not null)
        {
            try
            {
                await OnTurnError(turnContext, ex, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception handlerFailure) when (handlerFailure is not OperationCanceledException)
            {
                // The apology itself could not be delivered; there is nobody left to tell but the log.
                Log.TurnErrorHandlerFailed(Logger, handlerFailure.GetType().FullName, turnContext.Activity.ChannelId, turnContext.Activity.Conversation?.Id);
            }
        }
    }

    private Task RunMiddlewareAsync(int index, ITurnContext turnContext, BotCallbackHandler callback, CancellationToken cancellationToken) =>
        index < _middleware.Count
            ? _middleware[index].OnTurnAsync(turnContext, ct => RunMiddlewareAsync(index + 1, turnContext, callback, ct), cancellationToken)
            : callback(turnContext, cancellationToken);

    private async Task DefaultTurnErrorAsync(ITurnContext turnContext, Exception exception, CancellationToken cancellationToken)
    {
        var activity = turnContext.Activity;

        // The exception's message is left out on purpose: parsers and validators quote their input, and the
        // input here is what a parent typed. Type and stack trace are enough to find the fault.
        Log.TurnFailed(Logger, exception.GetType().FullName, activity.Type, activity.ChannelId, activity.Conversation?.Id, activity.Id, exception.StackTrace);

        // Invokes and events have nobody reading a chat line; only messages get the apology. (An invoke whose turn
        // failed has no answer: the route table drops it, and the host's 501 tells the channel nothing was done.)
        if (activity.IsType(ActivityTypes.Message))
        {
            var text = exception is StorageUnavailableException
                ? turnContext.TurnState.Get(NotSavedMessageKey) ?? NotSavedMessage
                : DefaultErrorMessage;
            await turnContext.SendActivityAsync(text, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }
}

internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Error,
        Message = "Turn failed with {ExceptionType} on {ActivityType} in {ChannelId}/{ConversationId} (activity {ActivityId}) at {StackTrace}")]
    public static partial void TurnFailed(ILogger logger, string? exceptionType, string? activityType, string? channelId, string? conversationId, string? activityId, string? stackTrace);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error,
        Message = "Turn error handler failed with {ExceptionType} in {ChannelId}/{ConversationId}")]
    public static partial void TurnErrorHandlerFailed(ILogger logger, string? exceptionType, string? channelId, string? conversationId);
}
