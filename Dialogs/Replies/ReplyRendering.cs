using System.Collections.Concurrent;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Replies;

/// <summary>
/// The two ways of drawing a <see cref="Reply"/> that more than one channel shares; an adapter picks one for its
/// channel just before delivery (Slack draws its own, <c>Bot/Channels/Slack/SlackBlocks.cs</c>). An activity without
/// a reply is returned as it is.
/// </summary>
internal static class ReplyRendering
{
    // Policy-only cards (see Reply.PolicyOnly) are serialised once, keyed by their text, which determines them.
    private const int MaxCachedCards = 1_024;
    private static readonly ConcurrentDictionary<string, Attachment> PolicyOnlyCards = new(StringComparer.Ordinal);

    /// <summary>
    /// For clients that draw Adaptive Cards (Teams, Web Chat, the Emulator): the card, with the reply's text as
    /// <c>summary</c>, which they show in notifications and where the card cannot be drawn. Sent as <c>text</c> too,
    /// it would be shown under the card a second time.
    /// </summary>
    public static Activity WithCard(Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        if (activity.Reply is not Reply reply)
        {
            return activity;
        }

        if (CardLayout.Of(reply) is not { } layout)
        {
            return AsText(activity);
        }

        var text = ReplyText.Markdown(reply);
        return activity with
        {
            Reply = null,
            Text = null,
            Summary = text,
            TextFormat = TextFormats.Markdown,
            Attachments = [Card(reply, layout, text)],
        };
    }

    /// <summary>
    /// For channels without cards: the reply's Markdown text, with its choices (if it offers any as quick replies)
    /// as suggested actions.
    /// </summary>
    public static Activity AsText(Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        if (activity.Reply is not Reply reply)
        {
            return activity;
        }

        var text = ReplyText.Markdown(reply);
        if (reply is EscalationSummaryReply summary)
        {
            var choices = MessageFactory.SuggestedActions(summary.Choices, text);
            return activity with { Reply = null, Text = text, SuggestedActions = choices.SuggestedActions };
        }

        return activity with { Reply = null, Text = text, TextFormat = TextFormats.Markdown };
    }

    private static Attachment Card(Reply reply, CardLayout layout, string text)
    {
        if (!reply.PolicyOnly)
        {
            return AdaptiveCard.ToAttachment(layout, text);
        }

        if (!PolicyOnlyCards.TryGetValue(text, out var attachment))
        {
            attachment = AdaptiveCard.ToAttachment(layout, text);
            if (PolicyOnlyCards.Count < MaxCachedCards)
            {
                PolicyOnlyCards.TryAdd(text, attachment);
            }
        }

        return attachment;
    }
}
