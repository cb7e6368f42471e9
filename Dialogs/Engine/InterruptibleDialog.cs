using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Dialogs.Engine;

public enum Interruption
{
    Help,
    Cancel,
    StartOver,
}

/// <summary>
/// A component that hears "help", "cancel" and "start over" before its active step does, wherever the user is
/// in it. Subclasses say what help and cancel sound like; the word lists can be widened by overriding
/// <see cref="Recognize"/>.
/// </summary>
public abstract class InterruptibleDialog : ComponentDialog
{
    private static readonly Dictionary<string, Interruption> Words = new(StringComparer.OrdinalIgnoreCase)
    {
        ["help"] = Interruption.Help,
        ["what can you do"] = Interruption.Help,
        ["cancel"] = Interruption.Cancel,
        ["stop"] = Interruption.Cancel,
        ["quit"] = Interruption.Cancel,
        ["exit"] = Interruption.Cancel,
        ["never mind"] = Interruption.Cancel,
        ["nevermind"] = Interruption.Cancel,
        ["start over"] = Interruption.StartOver,
        ["start again"] = Interruption.StartOver,
        ["restart"] = Interruption.StartOver,
    };

    protected InterruptibleDialog(string id) : base(id)
    {
    }

    protected abstract string HelpText { get; }

    protected virtual string CancelText => "OK, I've stopped.";

    protected virtual string StartOverText => "OK, let's start again.";

    /// <summary>Only the whole message counts: "how do I cancel a session?" is a question, not a command.</summary>
    protected virtual Interruption? Recognize(ITurnContext turnContext)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        return turnContext.Activity.IsType(ActivityTypes.Message)
            && Words.TryGetValue(ChoicePrompt.Normalize(turnContext.Activity.Text), out var found)
                ? found
                : null;
    }

    protected override async Task<DialogTurnResult?> OnInterruptAsync(DialogContext innerContext, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(innerContext);
        switch (Recognize(innerContext.Context))
        {
            case Interruption.Help:
                await innerContext.Context.SendActivityAsync(HelpText, cancellationToken: cancellationToken).ConfigureAwait(false);
                await innerContext.RepromptDialogAsync(cancellationToken).ConfigureAwait(false);
                return DialogTurnResult.Waiting;
            case Interruption.Cancel:
                await innerContext.Context.SendActivityAsync(CancelText, cancellationToken: cancellationToken).ConfigureAwait(false);
                return await innerContext.CancelAllDialogsAsync(cancellationToken).ConfigureAwait(false);
            case Interruption.StartOver:
                await innerContext.Context.SendActivityAsync(StartOverText, cancellationToken: cancellationToken).ConfigureAwait(false);
                await innerContext.CancelAllDialogsAsync(cancellationToken).ConfigureAwait(false);
                return await innerContext.BeginDialogAsync(InitialDialogId!, null, cancellationToken).ConfigureAwait(false);
            default:
                return null;
        }
    }
}
