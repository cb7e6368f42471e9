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

    protected override async Task<DialogTurnResult?> OnInterruptAsync(DialogContext innerContext, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(innerContext);
        var turnContext = innerContext.Context;
        if (Recognize(turnContext) is Interruption.Cancel or Interruption.StartOver)
        {
            await ForgetAsync(turnContext, cancellationToken).ConfigureAwait(false);
        }
        else if (Recognize(turnContext) is null && StartsSomethingElse(turnContext.Activity.Text))
        {
            await innerContext.CancelAllDialogsAsync(cancellationToken).ConfigureAwait(false);
            return await innerContext.BeginDialogAsync(RouteId, null, cancellationToken).ConfigureAwait(false);
        }

        return await base.OnInterruptAsync(innerContext, cancellationToken).ConfigureAwait(false);
    }

    internal static Activity Welcome(CognitiveServices services) =>
        MessageFactory.SuggestedActions([Commands.AskQuestion, Commands.CheckPost, Commands.Help], BotText.Welcome(services.Policy.Metadata));

    private static bool StartsSomethingElse(string? text) =>
        Commands.IsContact(text) || Commands.IsCheck(text) || Commands.DraftAfterCheck(text) is not null || Commands.IsAsk(text);

    private async Task<DialogTurnResult> RouteAsync(WaterfallStepContext<RouteValues> step, CancellationToken cancellationToken)
    {
        var turnContext = step.Context;
        var text = turnContext.Activity.Text?.Trim() ?? string.Empty;
        var media = DraftCheckDialog.MediaOf(turnContext.Activity);
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

        if (Commands.IsContact(text))
        {
            if (_escalations is null)
            {
                return await SayAsync(step, PolicyReplies.Contact(_services.Policy, ConcernsClause).ToActivity(), cancellationToken).ConfigureAwait(false);
            }

            if (turnContext.Activity.Conversation?.IsGroup == true)
            {
                // A concern is for the Manager or the Chair alone: never put one together where others read along.
                return await SayAsync(step, MessageFactory.Text(BotText.ConcernsInPrivate), cancellationToken).ConfigureAwait(false);
            }

            return await step.BeginDialogAsync(EscalationDialog.DialogId, await EscalationStartAsync(turnContext, text, cancellationToken).ConfigureAwait(false), cancellationToken)
                .ConfigureAwait(false);
        }

        if (Commands.IsAsk(text))
        {
            return await step.BeginDialogAsync(QuestionDialog.DialogId, new QuestionValues(), cancellationToken).ConfigureAwait(false);
        }

        if (Commands.IsCheckAgain(text))
        {
            return await step.BeginDialogAsync(DraftCheckDialog.DialogId, new DraftValues { Revising = true }, cancellationToken).ConfigureAwait(false);
        }

        if (Commands.IsCheck(text))
        {
            // "check my post" with the photo attached: the photo is kept and the words asked for.
            return await step.BeginDialogAsync(
                DraftCheckDialog.DialogId, media.Count > 0 ? new DraftValues { Text = string.Empty } : new DraftValues(), cancellationToken).ConfigureAwait(false);
        }

        if (Commands.DraftAfterCheck(text) is { } draft)
        {
            return await step.BeginDialogAsync(DraftCheckDialog.DialogId, new DraftValues { Text = draft }, cancellationToken).ConfigureAwait(false);
        }

        // Buttons from a card answered earlier: the dialog that offered them has moved on, the words still stand.
        if (Commands.IsHelpful(text))
        {
            return await SayAsync(step, MessageFactory.Text(BotText.Thanks), cancellationToken).ConfigureAwait(false);
        }

        if (Commands.IsNotHelpful(text))
        {
            // "No" on an older answer card: the last question answered is the one it most likely was about.
            QuestionDialog.RecordNotHelpful(_insights, await _memory.GetAsync(turnContext, cancellationToken: cancellationToken).ConfigureAwait(false));
            return await SayAsync(step, QuestionDialog.NotHelpfulOffer(), cancellationToken).ConfigureAwait(false);
        }

        if (Commands.IsGreeting(text))
        {
            return await SayAsync(step, Welcome(_services), cancellationToken).ConfigureAwait(false);
        }

        if (Commands.IsThanks(text))
        {
            return await SayAsync(step, MessageFactory.Text(BotText.YouAreWelcome), cancellationToken).ConfigureAwait(false);
        }

        if (_escalations is not null && Commands.ReadsLikeConcern(text) && media.Count == 0 && turnContext.Activity.Conversation?.IsGroup != true)
        {
            return await step.BeginDialogAsync(EscalationDialog.DialogId, new EscalationValues { Offer = true, Summary = text }, cancellationToken).ConfigureAwait(false);
        }

        if (PostDetector.LooksLikePost(text, media))
        {
            return await step.BeginDialogAsync(DraftCheckDialog.DialogId, new DraftValues { Text = text }, cancellationToken).ConfigureAwait(false);
        }

        if (text.Length == 0)
        {
            // A card submit that is not ours, or an empty message: say what the bot can do rather than nothing.
            return await SayAsync(step, MessageFactory.SuggestedActions([Commands.AskQuestion, Commands.CheckPost, Commands.Help], BotText.StartPrompt), cancellationToken)
                .ConfigureAwait(false);
        }

        return await step.BeginDialogAsync(QuestionDialog.DialogId, new QuestionValues { Question = text }, cancellationToken).ConfigureAwait(false);
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
    private async Task<EscalationValues> EscalationStartAsync(ITurnContext turnContext, string text, CancellationToken cancellationToken)
    {
        var memory = await _memory.GetAsync(turnContext, cancellationToken: cancellationToken).ConfigureAwait(false);
        var values = new EscalationValues { Requested = Commands.ContactRole(text) };
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
