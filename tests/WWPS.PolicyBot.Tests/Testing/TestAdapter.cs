using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Tests.Testing;

/// <summary>
/// An adapter whose "channel" is a queue: every turn runs to completion inside <see cref="ProcessAsync"/>, so a
/// test reads the replies straight after, with no waiting.
/// </summary>
internal sealed class TestAdapter(ILogger? logger = null, TimeProvider? timeProvider = null, string channelId = Channels.Test)
    : BotAdapter(logger ?? NullLogger.Instance)
{
    private readonly Queue<Activity> _replies = new();
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private int _nextId;

    public ConversationReference Reference { get; } = new(
        ActivityId: null,
        User: new ChannelAccount { Id = "user1", Name = "User", Role = RoleTypes.User },
        Bot: new ChannelAccount { Id = "bot1", Name = "PolicyBot", Role = RoleTypes.Bot },
        Conversation: new ConversationAccount { Id = "conversation1" },
        ChannelId: channelId,
        ServiceUrl: "https://test.invalid/",
        Locale: "en-GB");

    public IReadOnlyCollection<Activity> PendingReplies => _replies;

    public override Task<ResourceResponse[]> SendActivitiesAsync(ITurnContext turnContext, Activity[] activities, CancellationToken cancellationToken)
    {
        var responses = new ResourceResponse[activities.Length];
        for (var i = 0; i < activities.Length; i++)
        {
            _replies.Enqueue(activities[i]);
            responses[i] = new ResourceResponse(NextId());
        }

        return Task.FromResult(responses);
    }

    /// <summary>A message from the test user, addressed and stamped the way a channel would.</summary>
    public Activity MakeMessage(string text) => Stamp(new Activity { Type = ActivityTypes.Message, Text = text });

    public Activity Stamp(Activity activity)
    {
        activity.ApplyConversationReference(Reference, isIncoming: true);
        activity.Id ??= NextId();
        activity.Timestamp ??= _time.GetUtcNow();
        return activity;
    }

    public Task<TurnOutcome> ProcessAsync(Activity activity, BotCallbackHandler bot, CancellationToken cancellationToken = default) =>
        ProcessActivityAsync(Stamp(activity), bot, cancellationToken);

    public Activity? TakeReply() => _replies.TryDequeue(out var reply) ? reply : null;

    private string NextId() => (++_nextId).ToString(CultureInfo.InvariantCulture);
}
