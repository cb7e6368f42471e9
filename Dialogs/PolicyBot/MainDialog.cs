using WWPS.PolicyBot.Cognitive;
using WWPS.PolicyBot.Dialogs.Engine;
using WWPS.PolicyBot.Dialogs.Escalations;
using WWPS.PolicyBot.Dialogs.Insights;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Dialogs.PolicyBot;

/// <summary>
/// The root of every conversation. Its first inner dialog routes the message (a question, a follow-up, a draft to
/// check, a button, help…); the question and draft-check dialogs run under it. Being interruptible, it hears
/// "help", "cancel" and "start over" wherever the user is, and it lets a command that starts something else
/// ("check my post", "talk to the Manager or Chair", "ask another") leave the current dialog.
/// </summary>
internal sealed class MainDialog : InterruptibleDialog
{
    public const string DialogId = "main";

    private const string RouteId = "route";

    /// <summary>The clause that says concerns go privately to the Manager or the Chair.</summary>
    internal const string ConcernsClause = "methods-9";

    private readonly CognitiveServices _services;
    private readonly StateProperty<ConversationMemory> _memory;
    private readonly EscalationService? _escalations;
    private readonly InsightsService? _insights;

    /// <param name="escalations">Null (or with the two people not configured): "talk to the Manager or Chair" gives the preschool's contacts.</param>
    /// <param name="insights">Null: nothing is recorded for the Manager, and questions are answered by the policy alone.</param>
    public MainDialog(CognitiveServices services, StateProperty<ConversationMemory> memory, EscalationService? escalations = null, InsightsService? insights = null)
        : base(DialogId)
    {
        _services = services;
        _memory = memory;
        _escalations = escalations is { Options.IsEnabled: true } ? escalations : null;
        _insights = insights;
        AddDialog(new WaterfallDialog<RouteValues>(RouteId, PolicyBotJsonContext.Default.RouteValues, RouteAsync, AfterAsync));
        AddDialog(new QuestionDialog(services, memory, insights));
        AddDialog(new DraftCheckDialog(services, _escalations is null ? null : memory));
        if (_escalations is not null)
        {
            AddDialog(new EscalationDialog(services, _escalations));
        }
    }

    protected override string HelpText => BotText.Help(_services.Policy.Metadata);

    protected override string CancelText => BotText.CancelText;

    protected override string StartOverText => BotText.StartOverText;

    /// <summary>Help, cancel and start over as the command table reads them (<see cref="Recognizer"/>).</summary>
    protected override Interruption? Recognize(ITurnContext turnContext)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        if (!turnContext.Activity.IsType(ActivityTypes.Message))
        {
            return null;
        }

        var recognized = Recognizer.Of(turnContext);
        return recognized.Is(Command.Help) ? Interruption.Help
            : recognized.Is(Command.Cancel) ? Interruption.Cancel
            : recognized.Is(Command.StartOver) ? Interruption.StartOver
            : null;
    }

    protected override async Task<DialogTurnResult?> OnInterruptAsync(DialogContext innerContext, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(innerContext);
        var turnContext = innerContext.Context;
        var interruption = Recognize(turnContext);
        if (interruption is Interruption.Cancel or Interruption.StartOver)
        {
            await ForgetAsync(turnContext, cancellationToken).ConfigureAwait(false);
        }
        else if (interruption is null && turnContext.Activity.IsType(ActivityTypes.Message) && StartsSomethingElse(Recognizer.Of(turnContext)))
        {
            await innerContext.CancelAllDialogsAsync(cancellationToken).ConfigureAwait(false);
            return await innerContext.BeginDialogAsync(RouteId, null, cancellationToken).ConfigureAwait(false);
        }

        return await base.OnInterruptAsync(innerContext, cancellationToken).ConfigureAwait(false);
    }

    internal static Activity Welcome(CognitiveServices services) =>
        MessageFactory.SuggestedActions([Commands.AskQuestion, Commands.CheckPost, Commands.Help], BotText.Welcome(services.Policy.Metadata));

    private static bool StartsSomethingElse(Recognized recognized) =>
        recognized.Is(Command.Contact | Command.Check | Command.Ask) || recognized.Draft is not null;

    /// <summary>
    /// What a message starts when no dialog is waiting for it (or the one waiting let it go), in order: the first
    /// whose condition holds. Help, cancel and start over come before these (<see cref="Recognize"/>).
    /// </summary>
    private IEnumerable<Start> Starts()
    {
        yield return new((r, _) => r.Is(Command.Contact), ContactAsync);
        yield return new((r, _) => r.Is(Command.Ask), (step, _, ct) => step.BeginDialogAsync(QuestionDialog.DialogId, new QuestionValues(), ct));
        yield return new((r, _) => r.Is(Command.CheckAgain), (step, _, ct) => step.BeginDialogAsync(DraftCheckDialog.DialogId, new DraftValues { Revising = true }, ct));

        // "check my post" with the photo attached: the photo is kept and the words asked for.
        yield return new((r, _) => r.Is(Command.Check),
            (step, r, ct) => step.BeginDialogAsync(DraftCheckDialog.DialogId, r.Media.Count > 0 ? new DraftValues { Text = string.Empty } : new DraftValues(), ct));
        yield return new((r, _) => r.Draft is not null, (step, r, ct) => step.BeginDialogAsync(DraftCheckDialog.DialogId, new DraftValues { Text = r.Draft }, ct));

        // Buttons from a card answered earlier: the dialog that offered them has moved on, the words still stand.
        yield return new((r, _) => r.Is(Command.Helpful), (step, _, ct) => SayAsync(step, MessageFactory.Text(BotText.Thanks), ct));
        yield return new((r, _) => r.Is(Command.NotHelpful), NotHelpfulAsync);
        yield return new((r, _) => r.Is(Command.Greeting), (step, _, ct) => SayAsync(step, Welcome(_services), ct));
        yield return new((r, _) => r.Is(Command.Thanks), (step, _, ct) => SayAsync(step, MessageFactory.Text(BotText.YouAreWelcome), ct));
        yield return new((r, tc) => _escalations is not null && r.ReadsLikeConcern && r.Media.Count == 0 && tc.Activity.Conversation?.IsGroup != true,
            (step, r, ct) => step.BeginDialogAsync(EscalationDialog.DialogId, new EscalationValues { Offer = true, Summary = r.Text }, ct));
        yield return new((r, _) => r.LooksLikePost, (step, r, ct) => step.BeginDialogAsync(DraftCheckDialog.DialogId, new DraftValues { Text = r.Text }, ct));

        // A card submit that is not ours, or an empty message: say what the bot can do rather than nothing.
        yield return new((r, _) => r.Text.Length == 0,
            (step, _, ct) => SayAsync(step, MessageFactory.SuggestedActions([Commands.AskQuestion, Commands.CheckPost, Commands.Help], BotText.StartPrompt), ct));
        yield return new((_, _) => true, (step, r, ct) => step.BeginDialogAsync(QuestionDialog.DialogId, new QuestionValues { Question = r.Text }, ct));
    }

    private async Task<DialogTurnResult> RouteAsync(WaterfallStepContext<RouteValues> step, CancellationToken cancellationToken)
    {
        var turnContext = step.Context;
        switch (Recognize(turnContext))
        {
            case Interruption.Help:
                return await SayAsync(step, MessageFactory.SuggestedActions([Commands.AskQuestion, Commands.CheckPost, Commands.Contact], HelpText), cancellationToken)
                    .ConfigureAwait(false);
            case Interruption.Cancel:
                await ForgetAsync(turnContext, cancellationToken).ConfigureAwait(false);
                return await SayAsync(step, MessageFactory.Text(BotText.CancelText), cancellationToken).ConfigureAwait(false);
            case Interruption.StartOver:
                await ForgetAsync(turnContext, cancellationToken).ConfigureAwait(false);
                return await SayAsync(step, MessageFactory.SuggestedActions([Commands.AskQuestion, Commands.CheckPost, Commands.Help], BotText.StartPrompt), cancellationToken)
                    .ConfigureAwait(false);
        }

        var recognized = Recognizer.Of(turnContext);
        var start = Starts().First(s => s.When(recognized, turnContext));
        return await start.Then(step, recognized, cancellationToken).ConfigureAwait(false);
    }

    private delegate Task<DialogTurnResult> StartHandler(WaterfallStepContext<RouteValues> step, Recognized recognized, CancellationToken cancellationToken);

    private sealed record Start(Func<Recognized, ITurnContext, bool> When, StartHandler Then);

    private async Task<DialogTurnResult> ContactAsync(WaterfallStepContext<RouteValues> step, Recognized recognized, CancellationToken cancellationToken)
    {
        if (_escalations is null)
        {
            return await SayAsync(step, PolicyReplies.Contact(_services.Policy, ConcernsClause).ToActivity(), cancellationToken).ConfigureAwait(false);
        }

        if (step.Context.Activity.Conversation?.IsGroup == true)
        {
            // A concern is for the Manager or the Chair alone: never put one together where others read along.
            return await SayAsync(step, MessageFactory.Text(BotText.ConcernsInPrivate), cancellationToken).ConfigureAwait(false);
        }

        return await step.BeginDialogAsync(EscalationDialog.DialogId, await EscalationStartAsync(step.Context, recognized, cancellationToken).ConfigureAwait(false), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>"No" on an older answer card: the last question answered is the one it most likely was about.</summary>
    private async Task<DialogTurnResult> NotHelpfulAsync(WaterfallStepContext<RouteValues> step, Recognized recognized, CancellationToken cancellationToken)
    {
        QuestionDialog.RecordNotHelpful(_insights, await _memory.GetAsync(step.Context, cancellationToken: cancellationToken).ConfigureAwait(false));
        return await SayAsync(step, QuestionDialog.NotHelpfulOffer(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A child dialog let go of a message that was not for it: route that same message afresh.</summary>
    private static Task<DialogTurnResult> AfterAsync(WaterfallStepContext<RouteValues> step, CancellationToken cancellationToken) =>
        step.Result is Reroute
            ? step.ReplaceDialogAsync(RouteId, cancellationToken: cancellationToken)
            : step.EndDialogAsync(cancellationToken: cancellationToken);

    private static async Task<DialogTurnResult> SayAsync(WaterfallStepContext<RouteValues> step, Activity activity, CancellationToken cancellationToken)
    {
        await step.Context.SendActivityAsync(activity, cancellationToken).ConfigureAwait(false);
        return await step.EndDialogAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Right after a question the policy did not cover, or a "don't post this" check, that is what gets passed on
    /// (the user still sees it and can edit it); otherwise the escalation asks what it is about.
    /// </summary>
    private async Task<EscalationValues> EscalationStartAsync(ITurnContext turnContext, Recognized recognized, CancellationToken cancellationToken)
    {
        var memory = await _memory.GetAsync(turnContext, cancellationToken: cancellationToken).ConfigureAwait(false);
        var values = new EscalationValues { Requested = recognized.ContactRole };
        if (memory?.LastUnanswered is { } question)
        {
            values = values with { Source = "question", Summary = $"A question the policy doesn't answer: \"{question}\"" };
        }
        else if (memory?.LastDraftFindings is { } findings)
        {
            values = values with { Source = "draft", Summary = findings };
        }

        if (memory is not null)
        {
            memory.LastUnanswered = null;
            memory.LastDraftFindings = null;
        }

        return values;
    }

    private async Task ForgetAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        var memory = await _memory.GetAsync(turnContext, cancellationToken: cancellationToken).ConfigureAwait(false);
        memory?.Forget();
    }
}
