using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Plumbing;

/// <summary>
/// The dialogs send every Adaptive Card with the same content as plain text, so channels that cannot draw cards
/// still say everything. Clients that do draw them (Web Chat, Teams, the Emulator) would show both, one under the
/// other; for those the text moves to <c>summary</c>, which they use for notifications and as the fallback.
/// </summary>
internal sealed class CardFallbackMiddleware : Protocol.IMiddleware
{
    private const string AdaptiveCard = "application/vnd.microsoft.card.adaptive";

    private static readonly HashSet<string> CardChannels = new(StringComparer.OrdinalIgnoreCase)
    {
        "webchat", "directline", "msteams", "emulator",
    };

    public Task OnTurnAsync(ITurnContext turnContext, NextDelegate next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        ArgumentNullException.ThrowIfNull(next);
        if (CardChannels.Contains(turnContext.Activity.ChannelId ?? ""))
        {
            turnContext.OnSendActivities((_, activities, send, _) =>
            {
                foreach (var activity in activities)
                {
                    if (activity.Text is { Length: > 0 } && activity.Attachments?.Any(a => a.ContentType == AdaptiveCard) == true)
                    {
                        activity.Summary ??= activity.Text;
                        activity.Text = null;
                    }
                }

                return send();
            });
        }

        return next(cancellationToken);
    }
}
