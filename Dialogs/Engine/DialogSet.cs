using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Dialogs.Engine;

/// <summary>The dialogs that may be started by id from one dialog context.</summary>
public sealed class DialogSet
{
    private readonly Dictionary<string, Dialog> _dialogs = new(StringComparer.Ordinal);

    public DialogSet Add(Dialog dialog)
    {
        ArgumentNullException.ThrowIfNull(dialog);
        if (!_dialogs.TryAdd(dialog.Id, dialog))
        {
            throw new ArgumentException($"A dialog with id '{dialog.Id}' is already in the set.", nameof(dialog));
        }

        return this;
    }

    public Dialog? Find(string dialogId) => _dialogs.GetValueOrDefault(dialogId);

    public DialogContext CreateContext(ITurnContext turnContext, DialogState state) => new(this, turnContext, state, parent: null);
}

/// <summary>Runs a root dialog for a turn: continue it if it is active, otherwise start it.</summary>
public static class DialogRunner
{
    public static async Task<DialogTurnResult> RunAsync(
        Dialog dialog, ITurnContext turnContext, StateProperty<DialogState> dialogState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dialog);
        ArgumentNullException.ThrowIfNull(turnContext);
        ArgumentNullException.ThrowIfNull(dialogState);
        var state = (await dialogState.GetAsync(turnContext, () => new DialogState(), cancellationToken).ConfigureAwait(false))!;
        var dialogContext = new DialogSet().Add(dialog).CreateContext(turnContext, state);
        var result = await dialogContext.ContinueDialogAsync(cancellationToken).ConfigureAwait(false);
        return result.Status == DialogTurnStatus.Empty
            ? await dialogContext.BeginDialogAsync(dialog.Id, null, cancellationToken).ConfigureAwait(false)
            : result;
    }
}
