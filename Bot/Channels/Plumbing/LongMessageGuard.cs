using WWPS.PolicyBot.Cognitive.Drafts;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Plumbing;

/// <summary>
/// A message longer than the longest draft the bot checks (<see cref="DraftReviewer.MaxLength"/>) is answered with a
/// clear refusal and goes no further: the bot's routes never see it, so it is not classified, not embedded, not kept in
/// any cache and not written to conversation state. First in every adapter's pipeline, so nothing before it reads the
/// text either. Direct Line refuses such a message with 413 before it is stored; this covers the channels that post
/// first and hear back later (Teams, the Emulator, Slack).
/// </summary>
internal sealed class LongMessageGuard : Protocol.IMiddleware
{
    /// <summary>What the user is told; the same words as Direct Line's 413.</summary>
    public static string Refusal(int length) =>
        $"That message is {length:N0} characters; I can read up to {DraftReviewer.MaxLength:N0} at a time. " +
        "Please send it in parts, or shorten it.";

    /// <summary>True when <paramref name="activity"/> is a message whose text is longer than the bot reads.</summary>
    public static bool IsTooLong(Activity activity) =>
        activity is not null && activity.IsType(ActivityTypes.Message) && activity.Text is { Length: > DraftReviewer.MaxLength };

    public async Task OnTurnAsync(ITurnContext turnContext, NextDelegate next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        ArgumentNullException.ThrowIfNull(next);
        var activity = turnContext.Activity;
        if (!IsTooLong(activity))
        {
            await next(cancellationToken).ConfigureAwait(false);
            return;
        }

        var length = activity.Text!.Length;

        // Dropped from the turn's activity too, so nothing that outlives the turn (a log scope, an error handler)
        // can hold it.
        activity.Text = null;
        await turnContext.SendActivityAsync(MessageFactory.Text(Refusal(length)), cancellationToken).ConfigureAwait(false);
    }
}
