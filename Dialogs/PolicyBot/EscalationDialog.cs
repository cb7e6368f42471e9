using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using WWPS.PolicyBot.Cognitive;
using WWPS.PolicyBot.Dialogs.Engine;
using WWPS.PolicyBot.Dialogs.Escalations;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Replies;

namespace WWPS.PolicyBot.Dialogs.PolicyBot;

/// <summary>
/// Passes a concern privately to the Manager or the Chair (methods-9): asks what it is and to whom (sending it to the
/// other one when it is about the one chosen, and saying why), shows the summary it will pass on with personal data
/// trimmed, and sends it only when the user says so; then says who has it and when to expect a reply.
/// </summary>
internal sealed partial class EscalationDialog : ComponentDialog
{
    public const string DialogId = "escalation";

    internal const string Send = "Send";
    internal const string SendAnonymously = "Send without my name";
    internal const string Edit = "Edit";
    internal const string DontSend = "Don't send";
    internal const string KeepDetails = "keep details";
    internal const string YesPassOn = "Yes, pass it on";
    internal const string NoThanks = "No thanks";
    internal const string ToManager = "The Manager";
    internal const string ToChair = "The Chair";

    private const string StepsId = "escalation-steps";
    private const string TextPromptId = "escalation-text";
    private const string ChoicePromptId = "escalation-choice";

    private readonly CognitiveServices _services;
    private readonly EscalationService _escalations;

    public EscalationDialog(CognitiveServices services, EscalationService escalations) : base(DialogId)
    {
        _services = services;
        _escalations = escalations;
        AddDialog(new WaterfallDialog<EscalationValues>(
            StepsId, PolicyBotJsonContext.Default.EscalationValues, StartAsync, ConcernAsync, WhomAsync, ReviewAsync, DecideAsync));
        AddDialog(new TextPrompt(TextPromptId) { DefaultMaxAttempts = 2 });
        AddDialog(new ChoicePrompt(ChoicePromptId) { DefaultMaxAttempts = 2 });
    }

    private EscalationOptions Options => _escalations.Options;

    private async Task<DialogTurnResult> StartAsync(WaterfallStepContext<EscalationValues> step, CancellationToken cancellationToken)
    {
        if (PartyId.From(step.Context.Activity) is { } party
            && (await _escalations.Store.ListAsync(new EscalationFilter(User: party, Statuses: EscalationFilter.Open), cancellationToken).ConfigureAwait(false)).FirstOrNull() is { } open)
        {
            await step.Context.SendActivityAsync(
                $"You already have a concern with {Options.Person(open.Role).Title} ({Number(open.Id)}, {EscalationText.Name(open.Status)}). " +
                "I'll tell you here when they pick it up; you can raise something new once it's closed.",
                cancellationToken: cancellationToken).ConfigureAwait(false);
            return await step.EndDialogAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        if (step.Values.Offer)
        {
            return await step.PromptAsync(ChoicePromptId, PromptOptions.For(
                "That sounds like a concern. The policy asks for concerns to be discussed privately with the Manager or the Chair of the committee, " +
                "not online. Shall I pass it on to one of them?",
                $"Say \"{YesPassOn}\" or \"{NoThanks}\".",
                Choice.From(YesPassOn, NoThanks)), cancellationToken).ConfigureAwait(false);
        }

        return await step.NextAsync(null, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<DialogTurnResult> ConcernAsync(WaterfallStepContext<EscalationValues> step, CancellationToken cancellationToken)
    {
        if (step.Values.Offer)
        {
            step.Values.Offer = false;
            if (!step.TryGetResult<FoundChoice>(out var choice) || choice.Index != 0)
            {
                await step.Context.SendActivityAsync("OK, I won't pass anything on. Ask me about the policy any time.", cancellationToken: cancellationToken).ConfigureAwait(false);
                return await step.EndDialogAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }

        if (step.Values.Summary is { } summary)
        {
            return await step.NextAsync(summary, cancellationToken).ConfigureAwait(false);
        }

        var prompt = step.Values.Editing
            ? "What should it say instead? Write it as you'd like them to read it."
            : "What would you like to raise? A sentence or two is enough. I'll show you exactly what I'll pass on before anything is sent.";
        return await step.PromptAsync(TextPromptId, PromptOptions.For(prompt, "Tell me in a sentence or two, or say \"cancel\"."), cancellationToken).ConfigureAwait(false);
    }

    private async Task<DialogTurnResult> WhomAsync(WaterfallStepContext<EscalationValues> step, CancellationToken cancellationToken)
    {
        if (!step.TryGetResult<string>(out var summary) || string.IsNullOrWhiteSpace(summary))
        {
            await step.Context.SendActivityAsync("Let's leave it there; nothing was sent. Say \"talk to the Manager or Chair\" when you're ready.", cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            return await step.EndDialogAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        step.Values.Summary = summary.Trim();
        step.Values.Editing = false;
        if (step.Values.Requested is not null)
        {
            return await step.NextAsync(null, cancellationToken).ConfigureAwait(false);
        }

        return await step.PromptAsync(ChoicePromptId, new PromptOptions
        {
            Prompt = MessageFactory.Text($"Who should it go to: {Options.Person(EscalationRole.Manager).Title} or {Options.Person(EscalationRole.Chair).Title}?", inputHint: InputHints.Expecting),
            RetryPrompt = MessageFactory.Text($"Say \"{ToManager}\" or \"{ToChair}\".", inputHint: InputHints.Expecting),
            Choices =
            [
                new Choice(ToManager) { Synonyms = ["manager", Options.Person(EscalationRole.Manager).DisplayName] },
                new Choice(ToChair) { Synonyms = ["chair", "chairperson", "the committee", Options.Person(EscalationRole.Chair).DisplayName] },
            ],
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<DialogTurnResult> ReviewAsync(WaterfallStepContext<EscalationValues> step, CancellationToken cancellationToken)
    {
        if (step.Values.Requested is null)
        {
            if (!step.TryGetResult<FoundChoice>(out var choice))
            {
                await step.Context.SendActivityAsync("Let's leave it there; nothing was sent.", cancellationToken: cancellationToken).ConfigureAwait(false);
                return await step.EndDialogAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            step.Values.Requested = choice.Index == 0 ? EscalationText.Name(EscalationRole.Manager) : EscalationText.Name(EscalationRole.Chair);
        }

        var requested = EscalationText.ParseRole(step.Values.Requested);
        var summary = step.Values.Summary!;
        if (step.Values.Role is null)
        {
            var about = About(summary, Options);
            var role = about.Contains(requested) && !about.Contains(EscalationText.Other(requested)) ? EscalationText.Other(requested) : requested;
            step.Values.Role = EscalationText.Name(role);
            if (role != requested)
            {
                await step.Context.SendActivityAsync(
                    $"Your concern is about {Options.Person(requested).Title}, so I'll send it to {Options.Person(role).Title} instead: " +
                    "a concern should go to someone it isn't about.",
                    cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }

        var person = Options.Person(EscalationText.ParseRole(step.Values.Role));
        var shown = step.Values.KeepDetails ? summary : await _services.Reviewer.RedactAsync(summary, cancellationToken).ConfigureAwait(false);
        var trimmed = !string.Equals(shown, summary, StringComparison.Ordinal);
        var summaryReply = new EscalationSummaryReply(
            $"Here's what I'll send to {person.Title}:",
            shown,
            trimmed ? $"I've hidden personal details in it. Say \"{KeepDetails}\" to send it as you wrote it." : null,
            $"Shall I send it? \u201c{SendAnonymously}\u201d keeps your name from them: they reply through me without knowing who you are.",
            [Send, SendAnonymously, Edit, DontSend]);
        await step.Context.SendActivityAsync(summaryReply.ToActivity(), cancellationToken).ConfigureAwait(false);
        return DialogTurnResult.Waiting;
    }

    private async Task<DialogTurnResult> DecideAsync(WaterfallStepContext<EscalationValues> step, CancellationToken cancellationToken)
    {
        var answer = Recognizer.Of(step.Context);
        if (answer.Is(Command.Edit))
        {
            return await step.ReplaceDialogAsync(StepsId, step.Values with { Summary = null, Editing = true, KeepDetails = false, Role = null }, cancellationToken)
                .ConfigureAwait(false);
        }

        if (answer.Is(Command.KeepDetails))
        {
            return await step.ReplaceDialogAsync(StepsId, step.Values with { KeepDetails = true }, cancellationToken).ConfigureAwait(false);
        }

        if (answer.Is(Command.DontSend))
        {
            await step.Context.SendActivityAsync("OK, I haven't sent anything. Ask me about the policy any time.", cancellationToken: cancellationToken).ConfigureAwait(false);
            return await step.EndDialogAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        var anonymous = answer.Is(Command.SendAnonymously);
        if (!answer.Is(Command.Send) && !anonymous)
        {
            await step.Context.SendActivityAsync($"Nothing has been sent yet. Say \"{Send}\", \"{SendAnonymously}\", \"{Edit}\" or \"{DontSend}\".", cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            return await step.ReplaceDialogAsync(StepsId, step.Values, cancellationToken).ConfigureAwait(false);
        }

        await RaiseAsync(step.Context, step.Values, anonymous, cancellationToken).ConfigureAwait(false);
        return await step.EndDialogAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private async Task RaiseAsync(ITurnContext turnContext, EscalationValues values, bool anonymous, CancellationToken cancellationToken)
    {
        var activity = turnContext.Activity;
        var summary = values.KeepDetails ? values.Summary! : await _services.Reviewer.RedactAsync(values.Summary!, cancellationToken).ConfigureAwait(false);

        // "Send" again after a crash between saving the escalation and saving this dialog: the concern is already
        // there, so it is not raised twice.
        var sent = (await _escalations.Store.ListAsync(new EscalationFilter(User: PartyId.From(activity), Statuses: EscalationFilter.Open), cancellationToken)
                .ConfigureAwait(false))
            .FirstOrDefault(e => string.Equals(e.Summary, summary, StringComparison.Ordinal));
        if (sent is not null)
        {
            KeptDespiteFailure(turnContext, sent);
            await turnContext.SendActivityAsync(
                $"That's already with {Options.Person(sent.Role).Title} ({Number(sent.Id)}). When they pick it up I'll tell you here.",
                cancellationToken: cancellationToken).ConfigureAwait(false);
            return;
        }

        var now = _escalations.Time.GetUtcNow();
        var request = new NewEscalation(
            EscalationText.ParseRole(values.Requested!),
            EscalationText.ParseRole(values.Role!),
            values.Source,
            summary,
            PartyId.From(activity)!,
            anonymous ? Escalation.AnonymousName : activity.From?.Name,
            EscalationRoutes.ProactiveReference(activity),
            _escalations.DeadlineFor(now));
        var result = await _escalations.RaiseAsync(request, cancellationToken).ConfigureAwait(false);
        var escalation = result.Escalation;
        var person = Options.Person(escalation.Role);
        KeptDespiteFailure(turnContext, escalation);

        if (Options.HandoffEvents)
        {
            await turnContext.SendActivityAsync(HandoffInitiate(activity, escalation), cancellationToken).ConfigureAwait(false);
            await _escalations.Store.AuditAsync(escalation.Id, "bot", AuditActions.HandoffInitiated, cancellationToken).ConfigureAwait(false);
        }

        var told = result.ChatSent
            ? $"Sent to {person.Title} ({Number(escalation.Id)}). I've let them know in their chat with me{(result.EmailSent == true ? " and by email" : string.Empty)}."
            : person.HasConsole
            ? $"Sent to {person.Title} ({Number(escalation.Id)}). It's waiting for them in their escalation console{(result.EmailSent == true ? ", and I've emailed them" : string.Empty)}."
            : $"I've saved your concern ({Number(escalation.Id)}) for {person.Title}, but I couldn't reach them in their chat just now" +
              $"{(result.EmailSent == true ? " (I have emailed them)" : string.Empty)}. I'll keep trying, and tell you here if I can't.";
        var hours = Options.Hours;
        var when = hours.IsOpen(now)
            ? $"They usually pick concerns up within {Duration(Options.AcceptTimeout)} in working hours ({hours.Describe()})."
            : $"It's outside working hours ({hours.Describe()}), so they'll see it from {hours.DescribeOpening(hours.NextOpen(now))}. " +
              $"If it can't wait, contact the preschool{EscalationService.Words.Contacts(_escalations.Policy)}.";
        await turnContext.SendActivityAsync(
            $"{told} {when} When they pick it up I'll tell you here, and what you write will go to them. If nobody can, I'll tell you that too.",
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The concern is stored (and its person told) before this dialog's state is saved; if that save fails the replies
    /// are dropped (<c>AgentApplication</c>), and the apology must not say the concern was not sent. "Send" again then
    /// finds it (above) instead of raising it twice.
    /// </summary>
    private void KeptDespiteFailure(ITurnContext turnContext, Escalation escalation) =>
        turnContext.TurnState.Set(
            BotAdapter.NotSavedMessageKey,
            $"Your concern is with {Options.Person(escalation.Role).Title} ({Number(escalation.Id)}), but I couldn't save the rest just now. " +
            "Please try again in a moment.");

    /// <summary>
    /// The Bot Framework hand-off event (as botbuilder's EventFactory builds it) for a hub in front of the bot: the
    /// escalation as context, the confirmed summary as a one-message transcript, related to the user's message.
    /// </summary>
    internal static Activity HandoffInitiate(Activity userMessage, Escalation escalation)
    {
        var transcriptMessage = new Activity
        {
            Type = ActivityTypes.Message,
            Text = escalation.Summary,
            From = userMessage.From,
            Timestamp = escalation.Created,
        };
        var context = new Dictionary<string, string>
        {
            ["escalationId"] = escalation.Id.ToString(CultureInfo.InvariantCulture),
            ["role"] = EscalationText.Name(escalation.Role),
            ["source"] = escalation.Source,
        };
        return new Activity
        {
            Type = ActivityTypes.Event,
            Name = "handoff.initiate",
            Id = Guid.NewGuid().ToString("N"),
            Timestamp = escalation.Created,
            Value = JsonSerializer.SerializeToElement(context, PolicyBotJsonContext.Default.DictionaryStringString),
            RelatesTo = userMessage.GetConversationReference(),
            ReplyToId = userMessage.Id,
            Attachments =
            [
                new Attachment
                {
                    ContentType = "application/json",
                    Name = "Transcript",
                    Content = JsonSerializer.SerializeToElement(
                        new HandoffTranscript([transcriptMessage]), PolicyBotJsonContext.Default.HandoffTranscript),
                },
            ],
        };
    }

    /// <summary>Which of the two a concern is about: named, or called by role ("the manager posted…", not "tell the manager").</summary>
    internal static HashSet<EscalationRole> About(string text, EscalationOptions options)
    {
        var found = new HashSet<EscalationRole>();
        foreach (var role in new[] { EscalationRole.Manager, EscalationRole.Chair })
        {
            var person = options.Person(role);
            var names = person.DisplayName.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(n => n.Length >= 3).Select(Regex.Escape);
            var roleWords = role == EscalationRole.Manager ? "manager" : "chair(?:man|woman|person)?";
            var pattern = $@"(?<!\b(?:to|tell|ask|with|for|contact)\s+(?:the\s+)?)\b(?:{roleWords}|{string.Join('|', names)})\b";
            if (Regex.IsMatch(text, pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)))
            {
                found.Add(role);
            }
        }

        return found;
    }

    private static string Number(long id) => "#" + id.ToString(CultureInfo.InvariantCulture);

    private static string Duration(TimeSpan span) =>
        span.TotalMinutes < 120 ? $"{span.TotalMinutes.ToString("0", CultureInfo.InvariantCulture)} minutes"
        : span.TotalHours < 48 ? $"{span.TotalHours.ToString("0.#", CultureInfo.InvariantCulture)} hours"
        : $"{span.TotalDays.ToString("0.#", CultureInfo.InvariantCulture)} days";
}

/// <summary>The transcript attachment's content: <c>{"activities":[…]}</c>.</summary>
internal sealed record HandoffTranscript(List<Activity> Activities);
