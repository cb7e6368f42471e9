using System.Text.Json.Nodes;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Slack;

/// <summary>
/// The Slack adapter: a turn's messages are posted with <c>chat.postMessage</c> to the conversation's channel, in its
/// thread when it has one. Proactive messages work the same way: <see cref="BotAdapter.ContinueConversationAsync"/>
/// with a reference whose channel is <c>slack</c> posts to that reference's channel and thread. Typing indicators
/// and other non-message activities have no Slack equivalent for bots and are dropped.
/// </summary>
internal sealed class SlackAdapter(SlackWebApi api, ILogger<SlackAdapter> logger) : BotAdapter(logger)
{
    public override async Task<ResourceResponse[]> SendActivitiesAsync(ITurnContext turnContext, Activity[] activities, CancellationToken cancellationToken)
    {
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

            // Failures are logged by the API client with Slack's error code; the dialog goes on as it would if a
            // connector dropped a reply, and the null id says the message has no Slack timestamp.
            var result = await api.PostMessageAsync(message, cancellationToken).ConfigureAwait(false);
            responses[i] = new ResourceResponse(result.Ts);
        }

        return responses;
    }
}
