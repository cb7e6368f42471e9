using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Dialogs.Engine;

/// <summary>
/// A dialog made of dialogs: it keeps its own inner stack in its state, so the outside sees one dialog. Override
/// <see cref="OnInterruptAsync"/> to catch words such as "help" before the active inner step sees them.
/// </summary>
public abstract class ComponentDialog : Dialog
{
    private readonly DialogSet _dialogs = new();

    protected ComponentDialog(string id) : base(id)
    {
    }

    /// <summary>The inner dialog started first; defaults to the first one added.</summary>
    public string? InitialDialogId { get; protected set; }

    protected ComponentDialog AddDialog(Dialog dialog)
    {
        _dialogs.Add(dialog);
        InitialDialogId ??= dialog.Id;
        return this;
    }

    public override async Task<DialogTurnResult> BeginDialogAsync(DialogContext dialogContext, object? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dialogContext);
        var inner = CreateInnerContext(dialogContext);
        var turn = await inner.BeginDialogAsync(InitialDialogId ?? throw new InvalidOperationException($"Component '{Id}' has no dialogs."), options, cancellationToken)
            .ConfigureAwait(false);
        return await EndIfDoneAsync(dialogContext, turn, cancellationToken).ConfigureAwait(false);
    }

    public override async Task<DialogTurnResult> ContinueDialogAsync(DialogContext dialogContext, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dialogContext);
        var inner = CreateInnerContext(dialogContext);
        var turn = await OnInterruptAsync(inner, cancellationToken).ConfigureAwait(false)
            ?? await inner.ContinueDialogAsync(cancellationToken).ConfigureAwait(false);
        return await EndIfDoneAsync(dialogContext, turn, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Only reached if a subclass starts a dialog on the outer stack; pick up where the inner one was.</summary>
    public override async Task<DialogTurnResult> ResumeDialogAsync(DialogContext dialogContext, object? result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dialogContext);
        await RepromptDialogAsync(dialogContext.Context, dialogContext.ActiveDialog!, cancellationToken).ConfigureAwait(false);
        return DialogTurnResult.Waiting;
    }

    public override Task RepromptDialogAsync(ITurnContext turnContext, DialogInstance instance, CancellationToken cancellationToken) =>
        InnerContext(turnContext, instance, parent: null).RepromptDialogAsync(cancellationToken);

    public override async Task EndDialogAsync(ITurnContext turnContext, DialogInstance instance, DialogReason reason, CancellationToken cancellationToken)
    {
        if (reason == DialogReason.CancelCalled)
        {
            await InnerContext(turnContext, instance, parent: null).CancelAllDialogsAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs before the active inner dialog sees the message. Return a result to take the turn, or null to let
    /// the inner dialog continue as usual.
    /// </summary>
    protected virtual Task<DialogTurnResult?> OnInterruptAsync(DialogContext innerContext, CancellationToken cancellationToken) =>
        Task.FromResult<DialogTurnResult?>(null);

    private DialogContext CreateInnerContext(DialogContext outer) => InnerContext(outer.Context, outer.ActiveDialog!, outer);

    private DialogContext InnerContext(ITurnContext turnContext, DialogInstance instance, DialogContext? parent)
    {
        var state = instance.GetState(EngineJsonContext.Default.DialogState, () => new DialogState());
        return parent is null ? _dialogs.CreateContext(turnContext, state) : parent.CreateChild(_dialogs, state);
    }

    private static async Task<DialogTurnResult> EndIfDoneAsync(DialogContext outer, DialogTurnResult turn, CancellationToken cancellationToken)
    {
        if (turn.Status == DialogTurnStatus.Waiting)
        {
            return turn;
        }

        var ended = await outer.EndDialogAsync(turn.Result, cancellationToken).ConfigureAwait(false);

        // At the root, say "cancelled" rather than "complete" so the bot can tell a finished form from an abandoned one.
        return turn.Status == DialogTurnStatus.Cancelled && ended.Status == DialogTurnStatus.Complete
            ? ended with { Status = DialogTurnStatus.Cancelled }
            : ended;
    }
}
