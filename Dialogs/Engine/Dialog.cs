using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Dialogs.Engine;

public enum DialogTurnStatus
{
    /// <summary>No dialog was active.</summary>
    Empty,

    /// <summary>A dialog is waiting for the user's next message.</summary>
    Waiting,

    Complete,
    Cancelled,
}

public enum DialogReason
{
    EndCalled,
    ReplaceCalled,
    CancelCalled,
}

/// <summary>
/// Where a turn left the dialogs. <see cref="Result"/> lives only within the turn that produced it (a prompt's
/// answer handed to the next waterfall step) and is never stored, which is why it may be any type.
/// </summary>
public sealed record DialogTurnResult(DialogTurnStatus Status, object? Result = null)
{
    public static DialogTurnResult Waiting { get; } = new(DialogTurnStatus.Waiting);
}

/// <summary>
/// A step in a conversation that can span turns. Its state lives in its <see cref="DialogInstance"/>, never in
/// fields: one dialog object serves every conversation.
/// </summary>
public abstract class Dialog
{
    protected Dialog(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        Id = id;
    }

    public string Id { get; }

    public abstract Task<DialogTurnResult> BeginDialogAsync(DialogContext dialogContext, object? options, CancellationToken cancellationToken);

    /// <summary>The user said something while this dialog was on top.</summary>
    public virtual Task<DialogTurnResult> ContinueDialogAsync(DialogContext dialogContext, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dialogContext);
        return dialogContext.EndDialogAsync(null, cancellationToken);
    }

    /// <summary>A dialog this one started has ended with <paramref name="result"/>.</summary>
    public virtual Task<DialogTurnResult> ResumeDialogAsync(DialogContext dialogContext, object? result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dialogContext);
        return dialogContext.EndDialogAsync(result, cancellationToken);
    }

    /// <summary>Ask again, e.g. after an interruption answered "help".</summary>
    public virtual Task RepromptDialogAsync(ITurnContext turnContext, DialogInstance instance, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    /// <summary>Leaving the stack; a chance to tidy up (cancel children, for a component).</summary>
    public virtual Task EndDialogAsync(ITurnContext turnContext, DialogInstance instance, DialogReason reason, CancellationToken cancellationToken) =>
        Task.CompletedTask;
}
