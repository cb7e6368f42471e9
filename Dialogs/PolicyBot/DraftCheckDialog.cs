using System.Globalization;
using WWPS.PolicyBot.Cognitive;
using WWPS.PolicyBot.Cognitive.Drafts;
using WWPS.PolicyBot.Dialogs.Engine;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Dialogs.PolicyBot;

/// <summary>
/// Checks a draft post: takes it pasted or asks for it, shows the review card, then offers "Check again" for a
/// revised version. A photo sent alone is kept (its type and name only) until its caption arrives. The draft's
/// words are never kept past the turn that checks them.
/// </summary>
internal sealed class DraftCheckDialog : ComponentDialog
{
    public const string DialogId = "draft-check";

    private const string StepsId = "draft-steps";
    private const string DraftPromptId = "draft-text";

    private readonly CognitiveServices _services;
    private readonly StateProperty<ConversationMemory>? _memory;

    /// <param name="memory">With it, a "don't post this" verdict offers the Manager or the Chair and remembers the findings for them.</param>
    public DraftCheckDialog(CognitiveServices services, StateProperty<ConversationMemory>? memory = null) : base(DialogId)
    {
        _services = services;
        _memory = memory;
        AddDialog(new WaterfallDialog<DraftValues>(StepsId, PolicyBotJsonContext.Default.DraftValues, CollectAsync, ReviewAsync, AfterReviewAsync));
        AddDialog(new DraftPrompt(DraftPromptId) { DefaultMaxAttempts = 2 });
    }

    private static Task<DialogTurnResult> CollectAsync(WaterfallStepContext<DraftValues> step, CancellationToken cancellationToken)
    {
        if (step.Values.Text is { } pasted)
        {
            step.Values.Text = null;
            return step.NextAsync(new DraftMessage(pasted), cancellationToken);
        }

        var prompt = step.Values.Media is { Count: > 0 } ? BotText.PhotoNeedsText
            : step.Values.Revising ? BotText.RevisedPrompt
            : BotText.DraftPrompt;
        return step.PromptAsync(DraftPromptId, PromptOptions.For(prompt, BotText.DraftRetry), cancellationToken);
    }

    private async Task<DialogTurnResult> ReviewAsync(WaterfallStepContext<DraftValues> step, CancellationToken cancellationToken)
    {
        if (!step.TryGetResult<DraftMessage>(out var draft))
        {
            await step.Context.SendActivityAsync(BotText.DraftGaveUp, cancellationToken: cancellationToken).ConfigureAwait(false);
            return await step.EndDialogAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        // The photo can come with the words, or before them (kept in Media until now).
        List<DraftAttachment> media =
        [
            .. (step.Values.Media?.Select(m => m.ToDraftAttachment()) ?? []).Concat(MediaOf(step.Context.Activity)).Distinct(),
        ];
        if (string.IsNullOrWhiteSpace(draft.Text))
        {
            step.Values.Media = [.. media.Select(MediaInfo.From)];
            return await step.ReplaceDialogAsync(StepsId, step.Values, cancellationToken).ConfigureAwait(false);
        }

        if (DraftReviewer.Validate(draft.Text) is { } problem)
        {
            await step.Context.SendActivityAsync(problem, cancellationToken: cancellationToken).ConfigureAwait(false);
            return await step.ReplaceDialogAsync(StepsId, step.Values with { Media = null }, cancellationToken).ConfigureAwait(false);
        }

        var review = await _services.Reviewer.ReviewAsync(new DraftInput(draft.Text, media), cancellationToken).ConfigureAwait(false);
        var progress = Progress(step.Values.PreviousVerdict, step.Values.PreviousProblems, review);
        step.Values.Media = null;
        step.Values.PreviousVerdict = review.Verdict;
        step.Values.PreviousProblems = review.Findings.Count;
        if (_memory is not null)
        {
            var memory = (await _memory.GetAsync(step.Context, () => new ConversationMemory(), cancellationToken).ConfigureAwait(false))!;
            memory.LastDraftFindings = review.Verdict == DraftVerdicts.DoNotPost ? DraftFindings(review) : null;
        }

        await step.Context.SendActivityAsync(
            PolicyReplies.DraftReview(review, _services.Policy, progress, offerContact: _memory is not null).ToActivity(),
            cancellationToken).ConfigureAwait(false);

        // Wait without a prompt: "Check again", a revised post pasted straight in, or something for the router.
        return DialogTurnResult.Waiting;
    }

    private static Task<DialogTurnResult> AfterReviewAsync(WaterfallStepContext<DraftValues> step, CancellationToken cancellationToken)
    {
        var recognized = Recognizer.Of(step.Context);
        var next = new DraftValues { Revising = true, PreviousVerdict = step.Values.PreviousVerdict, PreviousProblems = step.Values.PreviousProblems };
        if (recognized.Is(Command.CheckAgain))
        {
            return step.ReplaceDialogAsync(StepsId, next, cancellationToken);
        }

        if (recognized.LooksLikePost)
        {
            return step.ReplaceDialogAsync(StepsId, next with { Text = step.Result as string ?? string.Empty }, cancellationToken);
        }

        return step.EndDialogAsync(Reroute.Instance, cancellationToken);
    }

    /// <summary>What an escalation passes on about a draft: the verdict and what was found, never the draft's words.</summary>
    internal static string DraftFindings(DraftReview review) =>
        "I checked a draft post and was told not to post it. What the check found:\n" +
        string.Join('\n', review.Findings.Select(f => $"- {f.Message} [{f.Clause}]").Distinct(StringComparer.Ordinal));

    /// <summary>After "Check again": whether the revision fixed things, so the user sees their change counted.</summary>
    internal static string? Progress(string? previousVerdict, int? previousProblems, DraftReview review)
    {
        if (previousVerdict is null || previousProblems is not { } before)
        {
            return null;
        }

        var now = review.Findings.Count;
        return now switch
        {
            0 when before > 0 => "That fixes everything I found last time.",
            _ when now < before => $"Better: {Problems(now)} left, down from {before.ToString(CultureInfo.InvariantCulture)}.",
            _ when now == before && now > 0 => $"Still {Problems(now)}, as last time.",
            _ when now > before => $"{Problems(now)} this time, up from {before.ToString(CultureInfo.InvariantCulture)}.",
            _ => null,
        };

        static string Problems(int n) => n == 1 ? "1 problem" : $"{n.ToString(CultureInfo.InvariantCulture)} problems";
    }

    /// <summary>
    /// The photos and videos sent with a message, by type and name. Teams sends its own <c>text/html</c> copy of
    /// every message as an attachment, and files as a download-info attachment whose name carries the type.
    /// </summary>
    internal static List<DraftAttachment> MediaOf(Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        return
        [
            .. (activity.Attachments ?? [])
                .Select(a => string.Equals(a.ContentType, TeamsFileDownload, StringComparison.OrdinalIgnoreCase)
                    ? new DraftAttachment(null, a.Name)
                    : new DraftAttachment(a.ContentType, a.Name))
                .Where(a => a.IsPhotoOrVideo),
        ];
    }

    private const string TeamsFileDownload = "application/vnd.microsoft.teams.file.download.info";
}

/// <summary>A draft's words as they arrived (the photos are read from the activity). Lives only within a turn.</summary>
internal sealed record DraftMessage(string Text);

/// <summary>Waits for a draft: words, a photo, or both. A plain text prompt would refuse a photo sent on its own.</summary>
internal sealed class DraftPrompt(string id) : Prompt<DraftMessage>(id, validator: null)
{
    protected override Task<PromptRecognizerResult<DraftMessage>> OnRecognizeAsync(ITurnContext turnContext, PromptOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        var text = turnContext.Activity.Text?.Trim() ?? string.Empty;
        return Task.FromResult(text.Length > 0 || DraftCheckDialog.MediaOf(turnContext.Activity).Count > 0
            ? PromptRecognizerResult.Ok(new DraftMessage(text))
            : PromptRecognizerResult.Fail<DraftMessage>());
    }
}
