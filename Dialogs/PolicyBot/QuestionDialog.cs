using WWPS.PolicyBot.Cognitive;
using WWPS.PolicyBot.Dialogs.Engine;
using WWPS.PolicyBot.Dialogs.Insights;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Dialogs.PolicyBot;

/// <summary>
/// Answers one question (asking for it first after "Ask another") with an answer card, then listens for "Was this
/// helpful?". Anything else the user says next is handed back to the router, which may treat it as a follow-up.
/// A question the Manager has decided about is answered as she decided; questions not covered, answers marked not
/// helpful and the clause chosen after "Do you mean …?" are recorded for her insights.
/// </summary>
internal sealed class QuestionDialog : ComponentDialog
{
    public const string DialogId = "question";

    private const string StepsId = "question-steps";
    private const string AskPromptId = "question-text";

    private readonly CognitiveServices _services;
    private readonly StateProperty<ConversationMemory> _memory;
    private readonly InsightsService? _insights;

    public QuestionDialog(CognitiveServices services, StateProperty<ConversationMemory> memory, InsightsService? insights = null) : base(DialogId)
    {
        _services = services;
        _memory = memory;
        _insights = insights;
        AddDialog(new WaterfallDialog<QuestionValues>(StepsId, PolicyBotJsonContext.Default.QuestionValues, AskAsync, AnswerAsync, FeedbackOrChoiceAsync));
        AddDialog(new TextPrompt(AskPromptId) { DefaultMaxAttempts = 2 });
    }

    private static Task<DialogTurnResult> AskAsync(WaterfallStepContext<QuestionValues> step, CancellationToken cancellationToken) =>
        step.Values.Question is { } question
            ? step.NextAsync(question, cancellationToken)
            : step.PromptAsync(AskPromptId, PromptOptions.For(BotText.AskPrompt), cancellationToken);

    private async Task<DialogTurnResult> AnswerAsync(WaterfallStepContext<QuestionValues> step, CancellationToken cancellationToken)
    {
        step.Values.Question = null;
        if (!step.TryGetResult<string>(out var question))
        {
            return await step.EndDialogAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        var memory = (await _memory.GetAsync(step.Context, () => new ConversationMemory(), cancellationToken).ConfigureAwait(false))!;
        var decided = _insights is null ? null : await _insights.DecidedAnswerAsync(question, _services.Answerer, cancellationToken).ConfigureAwait(false);
        var result = decided is not null
            ? new FollowUpAnswer(decided, FollowingOn: false, Remember: decided.Abstained ? null : question)
            : FollowUps.Answer(_services.Answerer, question, memory.LastQuestion, memory.LastClauses);
        memory.LastQuestion = result.Remember;
        memory.LastClauses = result.Remember is null ? [] : [.. result.Answer.Citations.Select(c => c.Clause)];
        memory.LastUnanswered = result.Answer.Abstained ? question : null;

        if (result.Answer.Clarify)
        {
            // Nothing to follow on from until the user says which clause they meant.
            memory.LastQuestion = null;
            memory.LastClauses = [];
            step.Values.Asked = question;
            step.Values.Options = [.. result.Answer.Citations.Select(c => c.Clause)];
            await step.Context.SendActivityAsync(PolicyReplies.Clarify(result.Answer).ToActivity(), cancellationToken).ConfigureAwait(false);
            return DialogTurnResult.Waiting;
        }

        if (result.Answer.Abstained)
        {
            _insights?.Recorder?.NotCovered(question);
            await step.Context.SendActivityAsync(
                PolicyReplies.Abstain(result.Answer).ToActivity(), cancellationToken).ConfigureAwait(false);
            return await step.EndDialogAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        await step.Context.SendActivityAsync(
            PolicyReplies.Answer(result.Answer, result.FollowingOn, result.About).ToActivity(),
            cancellationToken).ConfigureAwait(false);

        // Wait without a prompt: the next message is either feedback or something new for the router.
        return DialogTurnResult.Waiting;
    }

    /// <summary>After "Do you mean …?": the clause chosen (by its button, its title or its number), or something else.</summary>
    private async Task<DialogTurnResult> FeedbackOrChoiceAsync(WaterfallStepContext<QuestionValues> step, CancellationToken cancellationToken)
    {
        if (step.Values is not { Options: { } options, Asked: { } asked })
        {
            return await FeedbackAsync(step, cancellationToken).ConfigureAwait(false);
        }

        step.Values.Options = null;
        step.Values.Asked = null;
        var recognized = Recognizer.Of(step.Context);
        var memory = (await _memory.GetAsync(step.Context, () => new ConversationMemory(), cancellationToken).ConfigureAwait(false))!;
        if (Chosen(options, recognized.Normalized) is { } clause && _services.Answerer.AnswerFrom(asked, clause) is { } answer)
        {
            _insights?.Recorder?.Clarified(asked, options, clause);
            // Remembered as if the question had named it, so "what about Instagram?" next builds on the clause chosen.
            memory.LastQuestion = asked;
            memory.LastClauses = [clause];
            memory.LastUnanswered = null;
            await step.Context.SendActivityAsync(
                PolicyReplies.Answer(answer, followingOn: false).ToActivity(), cancellationToken).ConfigureAwait(false);
            return await step.EndDialogAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        if (recognized.Is(Command.SomethingElse))
        {
            _insights?.Recorder?.Clarified(asked, options, chosen: null);
            memory.LastUnanswered = asked;
            await step.Context.SendActivityAsync(
                MessageFactory.SuggestedActions([Commands.Contact, Commands.AskAnother], BotText.SomethingElse), cancellationToken).ConfigureAwait(false);
            return await step.EndDialogAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return await step.EndDialogAsync(Reroute.Instance, cancellationToken).ConfigureAwait(false);
    }

    private string? Chosen(List<string> options, string normalized)
    {
        if (int.TryParse(normalized.TrimEnd('.', ')'), out var number) && number >= 1 && number <= options.Count)
        {
            return options[number - 1];
        }

        return options.FirstOrDefault(id =>
            string.Equals(Commands.Normalize(id), normalized, StringComparison.Ordinal)
            || string.Equals(Commands.Normalize(_services.Policy.Find(id)?.Title), normalized, StringComparison.Ordinal));
    }

    private async Task<DialogTurnResult> FeedbackAsync(WaterfallStepContext<QuestionValues> step, CancellationToken cancellationToken)
    {
        var recognized = Recognizer.Of(step.Context);
        if (recognized.Is(Command.Helpful | Command.Yes))
        {
            await step.Context.SendActivityAsync(BotText.Thanks, cancellationToken: cancellationToken).ConfigureAwait(false);
            return await step.EndDialogAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        if (recognized.Is(Command.NotHelpful | Command.No))
        {
            RecordNotHelpful(_insights, await _memory.GetAsync(step.Context, cancellationToken: cancellationToken).ConfigureAwait(false));
            await step.Context.SendActivityAsync(NotHelpfulOffer(), cancellationToken).ConfigureAwait(false);
            return await step.EndDialogAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return await step.EndDialogAsync(Reroute.Instance, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// "Not helpful", about the last answer given: the question it answered (for a follow-up, the question it followed
    /// on from) and the clause it gave first. Nothing when no answer is remembered.
    /// </summary>
    internal static void RecordNotHelpful(InsightsService? insights, ConversationMemory? memory)
    {
        if (insights?.Recorder is { } recorder && memory?.LastQuestion is { } question)
        {
            recorder.NotHelpful(question, memory.LastClauses.FirstOrDefault());
        }
    }

    internal static Activity NotHelpfulOffer() =>
        MessageFactory.SuggestedActions([Commands.Contact, Commands.AskAnother], BotText.NotHelpful);
}

/// <summary>A dialog's answer to its parent: "this message was not for me; route it afresh".</summary>
internal sealed record Reroute
{
    public static Reroute Instance { get; } = new();
}
