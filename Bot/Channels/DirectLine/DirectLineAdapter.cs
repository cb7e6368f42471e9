using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Replies;

namespace WWPS.PolicyBot.DirectLine;

/// <summary>
/// Runs turns for Direct Line conversations. A reply is "sent" by adding it to the conversation's activities in the
/// store, where the client's next poll (on whichever instance it reaches) picks it up. Its clients (Web Chat and
/// directlinejs) draw Adaptive Cards, so a reply is stored as its card, with its text as summary.
/// </summary>
internal sealed class DirectLineAdapter(ILogger<DirectLineAdapter> logger, DirectLineConversations conversations)
    : BotAdapter(logger)
{
    public override async Task<ResourceResponse[]> SendActivitiesAsync(ITurnContext turnContext, Activity[] activities, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activities);
        var conversation = await conversations.FindAsync(activities.FirstOrDefault()?.Conversation?.Id, cancellationToken).ConfigureAwait(false);
        if (conversation is null)
        {
            // The conversation expired while the bot was thinking; nobody is polling for these any more.
            DirectLineLog.ReplyDropped(Logger, activities.Length);
            return [.. activities.Select(_ => new ResourceResponse(null))];
        }

        return await DeliverAsync(conversation, activities, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stamps what Direct Line adds to a bot's activity and stores it. Also used for <c>expectReplies</c> turns,
    /// whose replies come back from the turn instead of through <see cref="SendActivitiesAsync"/>.
    /// </summary>
    public async Task<ResourceResponse[]> DeliverAsync(DirectLineConversation conversation, IReadOnlyList<Activity> activities, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(activities);
        var responses = new ResourceResponse[activities.Count];
        for (var i = 0; i < activities.Count; i++)
        {
            var activity = ReplyRendering.WithCard(activities[i]) with { };

            // Web Chat decides which side of the transcript a message goes on by role (§4): without "bot" a reply
            // whose from.id happened to equal the user's would be drawn as the user's own message.
            activity.From = (activity.From ?? new ChannelAccount { Id = conversations.Options.BotId, Name = conversations.Options.BotName })
                with { Role = RoleTypes.Bot };
            activity.Conversation = new ConversationAccount { Id = conversation.Id };
            activity.ChannelId = Channels.DirectLine;
            var id = await conversations.AppendAsync(conversation, activity, cancellationToken).ConfigureAwait(false);
            if (id is null)
            {
                DirectLineLog.ReplyDropped(Logger, activities.Count - i);
            }

            responses[i] = new ResourceResponse(id);
        }

        return responses;
    }
}
