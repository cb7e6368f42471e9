using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Dialogs.Engine;

public delegate Task<DialogTurnResult> WaterfallStep<TValues>(WaterfallStepContext<TValues> step, CancellationToken cancellationToken)
    where TValues : class, new();

/// <summary>
/// Steps run one per turn (or several, when a step calls <c>NextAsync</c>). What the steps collect lives in
/// <typeparamref name="TValues"/>, a type of the dialog's own, stored with its source-generated metadata; passing a
/// <typeparamref name="TValues"/> as the begin options seeds it, so no step ever casts options.
/// </summary>
public sealed class WaterfallDialog<TValues> : Dialog
    where TValues : class, new()
{
    private readonly JsonTypeInfo<TValues> _valuesTypeInfo;
    private readonly WaterfallStep<TValues>[] _steps;

    public WaterfallDialog(string id, JsonTypeInfo<TValues> valuesTypeInfo, params IEnumerable<WaterfallStep<TValues>> steps)
        : base(id)
    {
        ArgumentNullException.ThrowIfNull(valuesTypeInfo);
        ArgumentNullException.ThrowIfNull(steps);
        _valuesTypeInfo = valuesTypeInfo;
        _steps = [.. steps];
        if (_steps.Length == 0)
        {
            throw new ArgumentException("A waterfall needs at least one step.", nameof(steps));
        }
    }

    public override Task<DialogTurnResult> BeginDialogAsync(DialogContext dialogContext, object? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dialogContext);
        var values = options switch
        {
            null => new TValues(),
            TValues seeded => seeded,
            _ => throw new ArgumentException($"Waterfall '{Id}' takes {typeof(TValues).Name} as options, not {options.GetType().Name}.", nameof(options)),
        };
        var box = dialogContext.ActiveDialog!.GetBox(_ => new WaterfallBox(values, _valuesTypeInfo));
        return RunStepAsync(dialogContext, box, 0, null, cancellationToken);
    }

    /// <summary>A step waited without starting a prompt: the next message is its answer.</summary>
    public override Task<DialogTurnResult> ContinueDialogAsync(DialogContext dialogContext, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dialogContext);
        return dialogContext.Context.Activity.IsType(ActivityTypes.Message)
            ? ResumeDialogAsync(dialogContext, dialogContext.Context.Activity.Text, cancellationToken)
            : Task.FromResult(DialogTurnResult.Waiting);
    }

    public override Task<DialogTurnResult> ResumeDialogAsync(DialogContext dialogContext, object? result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dialogContext);
        var box = Box(dialogContext.ActiveDialog!);
        return RunStepAsync(dialogContext, box, box.Step + 1, result, cancellationToken);
    }

    private WaterfallBox Box(DialogInstance instance) => instance.GetBox(json =>
    {
        var stored = json?.Deserialize(EngineJsonContext.Default.WaterfallState)
            ?? throw new InvalidOperationException($"Waterfall '{Id}' has no stored state.");
        return new WaterfallBox(stored.Values.Deserialize(_valuesTypeInfo) ?? new TValues(), _valuesTypeInfo) { Step = stored.Step };
    });

    private async Task<DialogTurnResult> RunStepAsync(DialogContext dialogContext, WaterfallBox box, int index, object? result, CancellationToken cancellationToken)
    {
        if (index >= _steps.Length)
        {
            return await dialogContext.EndDialogAsync(result, cancellationToken).ConfigureAwait(false);
        }

        box.Step = index;
        var step = new WaterfallStepContext<TValues>(dialogContext, box, index, result, (r, ct) => ResumeDialogAsync(dialogContext, r, ct));
        return await _steps[index](step, cancellationToken).ConfigureAwait(false);
    }

    internal sealed class WaterfallBox(TValues values, JsonTypeInfo<TValues> typeInfo) : IStateBox
    {
        public TValues Values { get; set; } = values;
        public int Step { get; set; }

        public JsonElement Serialize() => StateJson.ToElement(WriteTo);

        /// <summary><c>{"step": n, "values": {…}}</c>, the shape <see cref="WaterfallState"/> reads back.</summary>
        public void WriteTo(Utf8JsonWriter writer)
        {
            writer.WriteStartObject();
            writer.WriteNumber("step", Step);
            writer.WritePropertyName("values");
            JsonSerializer.Serialize(writer, Values, typeInfo);
            writer.WriteEndObject();
        }
    }
}

internal sealed record WaterfallState(int Step, JsonElement Values);

/// <summary>What one waterfall step sees: the collected values, the previous step's result, and what it may do next.</summary>
public sealed class WaterfallStepContext<TValues>
    where TValues : class, new()
{
    private readonly WaterfallDialog<TValues>.WaterfallBox _box;
    private readonly Func<object?, CancellationToken, Task<DialogTurnResult>> _next;
    private bool _nextCalled;

    internal WaterfallStepContext(
        DialogContext dialogContext, WaterfallDialog<TValues>.WaterfallBox box, int index, object? result,
        Func<object?, CancellationToken, Task<DialogTurnResult>> next)
    {
        DialogContext = dialogContext;
        _box = box;
        Index = index;
        Result = result;
        _next = next;
    }

    public DialogContext DialogContext { get; }
    public ITurnContext Context => DialogContext.Context;
    public int Index { get; }

    /// <summary>Changes in place are kept; so is a replaced value (for records updated with <c>with</c>).</summary>
    public TValues Values
    {
        get => _box.Values;
        set => _box.Values = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>The previous step's result: a prompt's answer, or null when the prompt ran out of attempts.</summary>
    public object? Result { get; }

    public bool TryGetResult<T>(out T value)
    {
        if (Result is T typed)
        {
            value = typed;
            return true;
        }

        value = default!;
        return false;
    }

    /// <summary>Skip to the next step now, without waiting for the user.</summary>
    public Task<DialogTurnResult> NextAsync(object? result = null, CancellationToken cancellationToken = default)
    {
        if (_nextCalled)
        {
            throw new InvalidOperationException($"NextAsync was already called in step {Index}.");
        }

        _nextCalled = true;
        return _next(result, cancellationToken);
    }

    public Task<DialogTurnResult> PromptAsync(string dialogId, PromptOptions options, CancellationToken cancellationToken = default) =>
        DialogContext.PromptAsync(dialogId, options, cancellationToken);

    public Task<DialogTurnResult> BeginDialogAsync(string dialogId, object? options = null, CancellationToken cancellationToken = default) =>
        DialogContext.BeginDialogAsync(dialogId, options, cancellationToken);

    public Task<DialogTurnResult> EndDialogAsync(object? result = null, CancellationToken cancellationToken = default) =>
        DialogContext.EndDialogAsync(result, cancellationToken);

    public Task<DialogTurnResult> ReplaceDialogAsync(string dialogId, object? options = null, CancellationToken cancellationToken = default) =>
        DialogContext.ReplaceDialogAsync(dialogId, options, cancellationToken);
}
