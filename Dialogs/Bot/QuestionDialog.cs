using WWPS.PolicyBot.Cognitive;
using WWPS.PolicyBot.Dialogs.Cards;
using WWPS.PolicyBot.Dialogs.Engine;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Dialogs.Bot;

/// <summary>
/// Answers one question (asking for it first after "Ask another") with an answer card, then listens for "Was this
/// helpful?". Anything else the user says next is handed back to the router, which may treat it as a follow-up.
/// </summary>
internal sealed class QuestionDialog : ComponentDialog
{
    public const string DialogId = "question";

    private const string StepsId = "question-steps";
    private const string AskPromptId = "question-text";

    private static readonly HashSet<string> YesWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "yes", "y", "yep", "yeah", "yup", "it did", "it helped", "that helped", "helpful", "very helpful", "yes it did", "yes thanks",
        "yes thank you", "👍",
    };

    private static readonly HashSet<string> NoWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "no", "n", "nope", "nah", "not really", "it didn't", "it did not", "didn't help", "not helpful", "no it didn't", "👎",
    };

    private readonly CognitiveServices _services;
    private readonly StateProperty<ConversationMemory> _memory;

    public QuestionDialog(CognitiveServices services, StateProperty<ConversationMemory> memory) : base(DialogId)
    {
        _services = services;
        _memory = memory;
        AddDialog(new WaterfallDialog<QuestionValues>(StepsId, PolicyBotJsonContext.Default.QuestionValues, AskAsync, AnswerAsync, FeedbackAsync));
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
        var result = FollowUps.Answer(_services.Answerer, question, memory.LastQuestion, memory.LastClauses);
        memory.LastQuestion = result.Remember;
        memory.LastClauses = result.Remember is null ? [] : [.. result.Answer.Citations.Select(c => c.Clause)];
        memory.LastUnanswered = result.Answer.Abstained ? question : null;

        if (result.Answer.Abstained)
        {
            await step.Context.SendActivityAsync(
                PolicyCards.Abstain(result.Answer, Commands.AskAnother, Commands.Contact), cancellationToken).ConfigureAwait(false);
            return await step.EndDialogAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        await step.Context.SendActivityAsync(
            PolicyCards.Answer(result.Answer, result.FollowingOn, Commands.Helpful, Commands.NotHelpful, Commands.AskAnother, Commands.Contact),
            cancellationToken).ConfigureAwait(false);

        // Wait without a prompt: the next message is either feedback or something new for the router.
        return DialogTurnResult.Waiting;
    }

    private static async Task<DialogTurnResult> FeedbackAsync(WaterfallStepContext<QuestionValues> step, CancellationToken cancellationToken)
    {
        var text = Commands.Clean(step.Result as string);
        if (Commands.IsHelpful(text) || YesWords.Contains(text))
        {
            await step.Context.SendActivityAsync(BotText.Thanks, cancellationToken: cancellationToken).ConfigureAwait(false);
            return await step.EndDialogAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        if (Commands.IsNotHelpful(text) || NoWords.Contains(text))
        {
            await step.Context.SendActivityAsync(NotHelpfulOffer(), cancellationToken).ConfigureAwait(false);
            return await step.EndDialogAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return await step.EndDialogAsync(Reroute.Instance, cancellationToken).ConfigureAwait(false);
    }

    internal static Activity NotHelpfulOffer() =>
        MessageFactory.SuggestedActions([Commands.Contact, Commands.AskAnother], BotText.NotHelpful);
}

/// <summary>A dialog's answer to its parent: "this message was not for me; route it afresh".</summary>
internal sealed record Reroute
{
    public static Reroute Instance { get; } = new();
}
