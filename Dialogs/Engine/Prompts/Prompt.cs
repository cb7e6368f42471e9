using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Dialogs.Engine;

public enum ListStyle
{
    /// <summary>Buttons for three choices or fewer (Teams shows only the first three), a numbered list otherwise.</summary>
    Auto,
    SuggestedActions,
    List,
    None,
}

/// <summary>What a prompt asks; kept in the prompt's state so a re-prompt can repeat it in a later turn.</summary>
public sealed record PromptOptions
{
    public Activity? Prompt { get; init; }

    /// <summary>Said when an answer is not understood; the prompt itself is repeated when absent.</summary>
    public Activity? RetryPrompt { get; init; }

    public List<Choice>? Choices { get; init; }
    public ListStyle Style { get; init; } = ListStyle.Auto;

    /// <summary>Answers accepted before giving up; the prompt's own default when absent.</summary>
    public int? MaxAttempts { get; init; }

    public static PromptOptions For(string prompt, string? retryPrompt = null, IEnumerable<Choice>? choices = null) => new()
    {
        Prompt = MessageFactory.Text(prompt, inputHint: InputHints.Expecting),
        RetryPrompt = retryPrompt is null ? null : MessageFactory.Text(retryPrompt, inputHint: InputHints.Expecting),
        Choices = choices?.ToList(),
    };
}

internal sealed record PromptState(PromptOptions Options, int Attempts);

public sealed record PromptRecognizerResult<T>(bool Succeeded, T? Value);

public static class PromptRecognizerResult
{
    public static PromptRecognizerResult<T> Ok<T>(T value) => new(true, value);

    public static PromptRecognizerResult<T> Fail<T>() => new(false, default);
}

/// <param name="AttemptCount">Which answer this is, starting at 1.</param>
public sealed record PromptValidatorContext<T>(ITurnContext Context, PromptRecognizerResult<T> Recognized, PromptOptions Options, int AttemptCount);

/// <summary>Extra checks on a recognised answer. Send a message from here to replace the standard retry prompt.</summary>
public delegate Task<bool> PromptValidator<T>(PromptValidatorContext<T> context, CancellationToken cancellationToken);

/// <summary>
/// Asks, then waits for an answer it can recognise, re-asking up to a limit. Ends with the recognised value, or
/// with null when attempts run out so the calling step can offer another way forward.
/// </summary>
public abstract class Prompt<T> : Dialog
{
    private readonly PromptValidator<T>? _validator;

    protected Prompt(string id, PromptValidator<T>? validator) : base(id)
    {
        _validator = validator;
    }

    public int DefaultMaxAttempts { get; init; } = 3;

    public override async Task<DialogTurnResult> BeginDialogAsync(DialogContext dialogContext, object? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dialogContext);
        var promptOptions = options as PromptOptions
            ?? throw new ArgumentException($"Prompt '{Id}' needs PromptOptions.", nameof(options));
        dialogContext.ActiveDialog!.SetState(new PromptState(promptOptions, 0), EngineJsonContext.Default.PromptState);
        await OnPromptAsync(dialogContext.Context, promptOptions, isRetry: false, cancellationToken).ConfigureAwait(false);
        return DialogTurnResult.Waiting;
    }

    public override async Task<DialogTurnResult> ContinueDialogAsync(DialogContext dialogContext, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dialogContext);
        var turnContext = dialogContext.Context;
        if (!turnContext.Activity.IsType(ActivityTypes.Message))
        {
            return DialogTurnResult.Waiting;
        }

        var instance = dialogContext.ActiveDialog!;
        var state = ReadState(instance);
        var recognized = await OnRecognizeAsync(turnContext, state.Options, cancellationToken).ConfigureAwait(false);
        var respondedBefore = turnContext.Responded;
        var valid = recognized.Succeeded;
        if (valid && _validator is not null)
        {
            valid = await _validator(new PromptValidatorContext<T>(turnContext, recognized, state.Options, state.Attempts + 1), cancellationToken)
                .ConfigureAwait(false);
        }

        if (valid)
        {
            return await dialogContext.EndDialogAsync(recognized.Value, cancellationToken).ConfigureAwait(false);
        }

        state = state with { Attempts = state.Attempts + 1 };
        instance.SetState(state, EngineJsonContext.Default.PromptState);
        if (state.Attempts >= (state.Options.MaxAttempts ?? DefaultMaxAttempts))
        {
            return await dialogContext.EndDialogAsync(null, cancellationToken).ConfigureAwait(false);
        }

        // A validator that explained the problem itself has said enough; do not stack a second message on it.
        if (!(turnContext.Responded && !respondedBefore))
        {
            await OnPromptAsync(turnContext, state.Options, isRetry: true, cancellationToken).ConfigureAwait(false);
        }

        return DialogTurnResult.Waiting;
    }

    public override Task RepromptDialogAsync(ITurnContext turnContext, DialogInstance instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return OnPromptAsync(turnContext, ReadState(instance).Options, isRetry: false, cancellationToken);
    }

    /// <summary>Sends the prompt (or the retry prompt) with whatever the prompt type adds, e.g. choices.</summary>
    protected virtual Task OnPromptAsync(ITurnContext turnContext, PromptOptions options, bool isRetry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        ArgumentNullException.ThrowIfNull(options);
        var activity = isRetry && options.RetryPrompt is not null ? options.RetryPrompt : options.Prompt;
        return activity is null ? Task.CompletedTask : turnContext.SendActivityAsync(activity, cancellationToken);
    }

    protected abstract Task<PromptRecognizerResult<T>> OnRecognizeAsync(ITurnContext turnContext, PromptOptions options, CancellationToken cancellationToken);

    private static PromptState ReadState(DialogInstance instance) =>
        instance.GetState(EngineJsonContext.Default.PromptState, () => throw new InvalidOperationException($"Prompt '{instance.Id}' has no state."));
}
