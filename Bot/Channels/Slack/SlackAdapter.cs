using WWPS.PolicyBot.Plumbing;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Slack;

/// <summary>Slack refused or could not be reached for a proactive message; <see cref="Error"/> is Slack's code (never text).</summary>
internal sealed class SlackDeliveryException(string error) : Exception("Slack: " + error)
{
    public string Error { get; } = error;
}

/// <summary>
/// The Slack adapter: a turn's messages are posted with <c>chat.postMessage</c> to the conversation's channel, in its
/// thread when it has one. Proactive messages work the same way: <see cref="BotAdapter.ContinueConversationAsync"/>
/// with a reference whose channel is <c>slack</c> posts to that reference's channel and thread. Typing indicators
/// and other non-message activities have no Slack equivalent for bots and are dropped; in an assistant thread
/// <see cref="SlackAssistant"/> shows a status instead.
/// </summary>
internal sealed class SlackAdapter : BotAdapter
{
    private readonly SlackWebApi _api;
    private readonly SlackOptions _options;

    public SlackAdapter(SlackWebApi api, SlackOptions options, TimeProvider time, ILogger<SlackAdapter> logger)
        : base(logger)
    {
        _api = api;
        _options = options;
        Use(new LongMessageGuard());
        Use(new SlackAssistant(api));
        Use(new SlackUserNames(api, time));
    }

    public override async Task<ResourceResponse[]> SendActivitiesAsync(ITurnContext turnContext, Activity[] activities, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        ArgumentNullException.ThrowIfNull(activities);
        var responses = new ResourceResponse[activities.Length];
        for (var i = 0; i < activities.Length; i++)
        {
            var activity = activities[i];
            var channel = activity.Conversation?.Id;
            if (!activity.IsType(ActivityTypes.Message) || string.IsNullOrEmpty(channel) || SlackBlocks.Render(activity) is not { } message)
            {
                responses[i] = new ResourceResponse(null);
                continue;
            }

            message["channel"] = channel;
            if (SlackActivities.ThreadOf(activity.Conversation) is { } thread)
            {
                message["thread_ts"] = thread;
            }

            // Failures are logged by the API client with Slack's error code. In a turn the dialog goes on as it would
            // if a connector dropped a reply, and the null id says the message has no Slack timestamp. A proactive
            // message (an escalation's notification or relay) throws instead: its sender retries, or tells the
            // person it could not be delivered, and must not record it as sent.
            var result = await _api.PostMessageAsync(message, cancellationToken).ConfigureAwait(false);
            if (result.Error is { } error && IsProactive(turnContext.Activity))
            {
                throw new SlackDeliveryException(error);
            }

            responses[i] = new ResourceResponse(result.Ts);
        }

        return responses;
    }

    /// <summary>
    /// Where to write to <paramref name="userId"/> when they have never written to the bot: their direct message
    /// channel with it, opened with <c>conversations.open</c>. Null when Slack refused (logged with its code).
    /// </summary>
    public async Task<ConversationReference?> OpenDirectAsync(string userId, CancellationToken cancellationToken)
    {
        var result = await _api.OpenDirectMessageAsync(userId, cancellationToken).ConfigureAwait(false);
        return result.Ts is not { Length: > 0 } channel
            ? null
            : new ConversationReference(
                null,
                new ChannelAccount { Id = userId, Role = "user" },
                new ChannelAccount { Role = "bot" },
                new ConversationAccount { Id = channel, IsGroup = false, ConversationType = "personal" },
                SlackActivities.ChannelId,
                _options.ApiBaseUrl.AbsoluteUri,
                null);
    }

    private static bool IsProactive(Activity activity) =>
        activity.IsType(ActivityTypes.Event) && activity.Name == "continueConversation";
}
