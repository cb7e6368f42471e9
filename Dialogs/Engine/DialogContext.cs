using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Dialogs.Engine;

/// <summary>A dialog stack and the turn it is being run in.</summary>
public sealed class DialogContext
{
    private readonly DialogState _state;

    internal DialogContext(DialogSet dialogs, ITurnContext turnContext, DialogState state, DialogContext? parent)
    {
        Dialogs = dialogs;
        Context = turnContext;
        _state = state;
        Parent = parent;
    }

    public DialogSet Dialogs { get; }
    public ITurnContext Context { get; }

    /// <summary>The context of the component dialog this stack belongs to, if any.</summary>
    public DialogContext? Parent { get; }

    public IReadOnlyList<DialogInstance> Stack => _state.Stack;

    public DialogInstance? ActiveDialog => _state.Stack.Count > 0 ? _state.Stack[^1] : null;

    public async Task<DialogTurnResult> BeginDialogAsync(string dialogId, object? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(dialogId);
        var dialog = FindDialog(dialogId)
            ?? throw new InvalidOperationException($"Dialog '{dialogId}' is not in this dialog set or any parent's.");
        _state.Stack.Add(new DialogInstance { Id = dialogId });
        return await dialog.BeginDialogAsync(this, options, cancellationToken).ConfigureAwait(false);
    }

    public Task<DialogTurnResult> PromptAsync(string dialogId, PromptOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return BeginDialogAsync(dialogId, options, cancellationToken);
    }

    public async Task<DialogTurnResult> ContinueDialogAsync(CancellationToken cancellationToken = default)
    {
        if (ActiveDialog is not { } active)
        {
            return new DialogTurnResult(DialogTurnStatus.Empty);
        }

        return await GetDialog(active).ContinueDialogAsync(this, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends the active dialog and hands <paramref name="result"/> to the one below it.</summary>
    public async Task<DialogTurnResult> EndDialogAsync(object? result = null, CancellationToken cancellationToken = default)
    {
        await PopAsync(DialogReason.EndCalled, cancellationToken).ConfigureAwait(false);
        if (ActiveDialog is { } parent)
        {
            return await GetDialog(parent).ResumeDialogAsync(this, result, cancellationToken).ConfigureAwait(false);
        }

        return new DialogTurnResult(DialogTurnStatus.Complete, result);
    }

    /// <summary>Swaps the active dialog for another without waking the one below (loops, "start over").</summary>
    public async Task<DialogTurnResult> ReplaceDialogAsync(string dialogId, object? options = null, CancellationToken cancellationToken = default)
    {
        await PopAsync(DialogReason.ReplaceCalled, cancellationToken).ConfigureAwait(false);
        return await BeginDialogAsync(dialogId, options, cancellationToken).ConfigureAwait(false);
    }

    public async Task<DialogTurnResult> CancelAllDialogsAsync(CancellationToken cancellationToken = default)
    {
        if (_state.Stack.Count == 0)
        {
            return new DialogTurnResult(DialogTurnStatus.Empty);
        }

        while (_state.Stack.Count > 0)
        {
            await PopAsync(DialogReason.CancelCalled, cancellationToken).ConfigureAwait(false);
        }

        return new DialogTurnResult(DialogTurnStatus.Cancelled);
    }

    public async Task RepromptDialogAsync(CancellationToken cancellationToken = default)
    {
        if (ActiveDialog is { } active)
        {
            await GetDialog(active).RepromptDialogAsync(Context, active, cancellationToken).ConfigureAwait(false);
        }
    }

    internal DialogContext CreateChild(DialogSet dialogs, DialogState state) => new(dialogs, Context, state, this);

    private Dialog? FindDialog(string dialogId) => Dialogs.Find(dialogId) ?? Parent?.FindDialog(dialogId);

    private Dialog GetDialog(DialogInstance instance) =>
        FindDialog(instance.Id)
        // The stack names a dialog the code no longer has (renamed in a deployment): a fault, not a user error.
        ?? throw new InvalidOperationException($"The dialog stack names '{instance.Id}', which is not registered.");

    private async Task PopAsync(DialogReason reason, CancellationToken cancellationToken)
    {
        if (ActiveDialog is not { } active)
        {
            return;
        }

        _state.Stack.RemoveAt(_state.Stack.Count - 1);
        if (FindDialog(active.Id) is { } dialog)
        {
            await dialog.EndDialogAsync(Context, active, reason, cancellationToken).ConfigureAwait(false);
        }
    }
}
