using WWPS.PolicyBot.Cognitive.Drafts;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Dialogs.PolicyBot;

/// <summary>
/// One reading of a message, made once per turn before a route is chosen: the routes' selectors, the main dialog and
/// the dialog that is waiting all read this instead of looking at the text again.
/// </summary>
/// <param name="Text">The message's words, trimmed (after the bot's @mention is removed and a card button's words are applied).</param>
/// <param name="Normalized">The text as the command table reads it (<see cref="Commands.Normalize"/>).</param>
/// <param name="Commands">Everything the whole message stands for; a phrase can mean more than one thing.</param>
/// <param name="Draft">The draft after "check my post:" on the same line, or null.</param>
/// <param name="ContactRole">"manager" or "chair" when a request to talk to someone names one of them.</param>
/// <param name="Escalation">The Manager's or Chair's "accept 12", "reply 12 …", "show 12"…, or null.</param>
/// <param name="Media">Photos and videos sent with the message.</param>
/// <param name="LooksLikePost">A pasted draft post rather than a question (<see cref="PostDetector"/>).</param>
/// <param name="ReadsLikeConcern">A worry or complaint rather than a question or a post.</param>
internal sealed record Recognized(
    string Text,
    string Normalized,
    Command Commands,
    string? Draft,
    string? ContactRole,
    EscalationCommand? Escalation,
    IReadOnlyList<DraftAttachment> Media,
    bool LooksLikePost,
    bool ReadsLikeConcern)
{
    public bool Is(Command command) => (Commands & command) != 0;
}

internal static class Recognizer
{
    public static readonly TurnStateKey<Recognized> Key = new("policyBot.recognized");

    /// <summary>The turn's reading: made on first use and kept in turn state, so every later reader shares it.</summary>
    public static Recognized Of(ITurnContext turnContext)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        if (turnContext.TurnState.TryGet(Key, out var recognized))
        {
            return recognized;
        }

        recognized = Recognize(turnContext.Activity);
        turnContext.TurnState.Set(Key, recognized);
        return recognized;
    }

    internal static Recognized Recognize(Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var text = activity.Text?.Trim() ?? string.Empty;
        var media = DraftCheckDialog.MediaOf(activity);
        return new Recognized(
            text,
            Commands.Normalize(text),
            Commands.Of(text),
            Commands.DraftAfterCheck(text),
            Commands.ContactRole(text),
            Commands.EscalationCommandOf(text),
            media,
            PostDetector.LooksLikePost(text, media),
            Commands.ReadsLikeConcern(text));
    }
}
