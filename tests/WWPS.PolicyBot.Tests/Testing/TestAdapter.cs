using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Replies;

namespace WWPS.PolicyBot.Tests.Testing;

/// <summary>
/// An adapter whose "channel" is a queue: every turn runs to completion inside <see cref="ProcessAsync"/>, so a
/// test reads the replies straight after, with no waiting. Replies are drawn as Web Chat gets them (a card with its
/// text as summary); <see cref="ReadableText"/> is what a reader sees of one.
/// </summary>
internal sealed class TestAdapter(ILogger? logger = null, TimeProvider? timeProvider = null, string channelId = Channels.Test)
    : BotAdapter(logger ?? NullLogger.Instance)
{
    // One list for every conversation the adapter writes to (the user's, and the Manager's in escalation tests), in order.
    private readonly List<Activity> _replies = [];
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
            lock (_replies)
            {
                _replies.Add(ReplyRendering.WithCard(activities[i]));
            }

            responses[i] = new ResourceResponse(NextId());
        }

        return Task.FromResult(responses);
    }

    /// <summary>A message from the test user, addressed and stamped the way a channel would.</summary>
    public Activity MakeMessage(string text) => Stamp(new Activity { Type = ActivityTypes.Message, Text = text });

    /// <summary>
    /// Runs a turn for a message from another party (the Manager in their own chat), addressed as their channel would.
    /// </summary>
    public Task<TurnOutcome> ProcessAsAsync(ConversationReference from, string text, BotCallbackHandler bot, CancellationToken cancellationToken = default)
    {
        var activity = new Activity { Type = ActivityTypes.Message, Text = text }.ApplyConversationReference(from, isIncoming: true);
        activity.Id = NextId();
        activity.Timestamp = _time.GetUtcNow();
        return ProcessActivityAsync(activity, bot, cancellationToken);
    }

    public Activity Stamp(Activity activity)
    {
        activity.ApplyConversationReference(Reference, isIncoming: true);

        activity.Id ??= NextId();
        activity.Timestamp ??= _time.GetUtcNow();
        return activity;
    }

    public Task<TurnOutcome> ProcessAsync(Activity activity, BotCallbackHandler bot, CancellationToken cancellationToken = default) =>
        ProcessActivityAsync(Stamp(activity), bot, cancellationToken);

    /// <summary>The oldest reply not yet taken, in any conversation.</summary>
    public Activity? TakeReply()
    {
        lock (_replies)
        {
            if (_replies.Count == 0)
            {
                return null;
            }

            var reply = _replies[0];
            _replies.RemoveAt(0);
            return reply;
        }
    }

    /// <summary>The oldest reply not yet taken in one conversation.</summary>
    public Activity? TakeReply(string conversationId)
    {
        lock (_replies)
        {
            var index = _replies.FindIndex(r => r.Conversation?.Id == conversationId);
            if (index < 0)
            {
                return null;
            }

            var reply = _replies[index];
            _replies.RemoveAt(index);
            return reply;
        }
    }

    /// <summary>A reply's words: its text, or for a card the summary Web Chat shows where it cannot draw it.</summary>
    public static string? ReadableText(Activity? reply) => reply?.Text ?? reply?.Summary;

    private string NextId() => (++_nextId).ToString(CultureInfo.InvariantCulture);
}
