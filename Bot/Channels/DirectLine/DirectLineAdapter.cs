using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.DirectLine;

/// <summary>
/// Runs turns for Direct Line conversations. A reply is "sent" by adding it to the conversation's activities,
/// where the client's next poll picks it up.
/// </summary>
internal sealed class DirectLineAdapter(ILogger<DirectLineAdapter> logger, DirectLineConversations conversations, TimeProvider time)
    : BotAdapter(logger)
{
    public override Task<ResourceResponse[]> SendActivitiesAsync(ITurnContext turnContext, Activity[] activities, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activities);
        var conversation = conversations.Find(activities.FirstOrDefault()?.Conversation?.Id);
        if (conversation is null)
        {
            // The conversation expired while the bot was thinking; nobody is polling for these any more.
            DirectLineLog.ReplyDropped(Logger, activities.Length);
            return Task.FromResult(activities.Select(_ => new ResourceResponse(null)).ToArray());
        }

        return Task.FromResult(Deliver(conversation, activities));
    }

    /// <summary>
    /// Stamps what Direct Line adds to a bot's activity and queues it. Also used for <c>expectReplies</c> turns,
    /// whose replies come back from the turn instead of through <see cref="SendActivitiesAsync"/>.
    /// </summary>
    public ResourceResponse[] Deliver(DirectLineConversation conversation, IReadOnlyList<Activity> activities)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(activities);
        var responses = new ResourceResponse[activities.Count];
        for (var i = 0; i < activities.Count; i++)
        {
            var activity = activities[i] with { };

            // Web Chat decides which side of the transcript a message goes on by role (§4): without "bot" a reply
            // whose from.id happened to equal the user's would be drawn as the user's own message.
            activity.From = (activity.From ?? new ChannelAccount { Id = conversations.Options.BotId, Name = conversations.Options.BotName })
                with { Role = RoleTypes.Bot };
            activity.Conversation = new ConversationAccount { Id = conversation.Id };
            activity.ChannelId = Channels.DirectLine;
            responses[i] = new ResourceResponse(conversation.Append(activity, time.GetUtcNow()));
        }

        return responses;
    }
}
