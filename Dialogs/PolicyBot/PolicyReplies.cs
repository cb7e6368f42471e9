using System.Globalization;
using WWPS.PolicyBot.Cognitive.Analysis;
using WWPS.PolicyBot.Cognitive.Answering;
using WWPS.PolicyBot.Cognitive.Drafts;
using WWPS.PolicyBot.Cognitive.Policy;
using WWPS.PolicyBot.Replies;

namespace WWPS.PolicyBot.Dialogs.PolicyBot;

/// <summary>
/// The bot's structured replies, in its words, from what the policy and the checks found. Each channel draws them
/// its own way (<see cref="ReplyRendering"/>, Slack's blocks); none of that is decided here.
/// </summary>
internal static class PolicyReplies
{
    public const string HelpfulQuestion = "Was this helpful?";

    /// <param name="followingOn">The answer takes in the user's earlier question; say so, so a surprising answer is explained.</param>
    /// <param name="about">What a follow-up asked about by name ("Instagram"): the answer says it applies there.</param>
    public static AnswerReply Answer(PolicyAnswer answer, bool followingOn, string? about = null)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var note = !followingOn ? null
            : about is null ? "Following on from your earlier question:"
            : $"Following on from your earlier question, on {about} too:";
        return new AnswerReply(
            note,
            answer.Answer,
            [.. answer.Citations.Select(c => new QuotedClause(c.Title, c.Clause, c.Text))],
            new FeedbackRequest(HelpfulQuestion, "yes / no", ReplyButton.Submit("Yes", Commands.Helpful), ReplyButton.Submit("No", Commands.NotHelpful)),
            [ReplyButton.Say(Commands.AskAnother), ReplyButton.Say(Commands.Contact)]);
    }

    /// <summary>
    /// "Do you mean …?": the bot is torn between a few clauses, so it names them in plain words, one button each (the
    /// button posts the clause's title), and offers "Something else", which leads to a person.
    /// </summary>
    public static ClarifyReply Clarify(PolicyAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return new ClarifyReply(
            "I'm not sure which part of the policy you mean. Do you mean:", [.. answer.Citations.Select(c => c.Title)], Commands.SomethingElse);
    }

    /// <summary>The policy does not cover the question: say so plainly and put a person one click away.</summary>
    public static AnswerReply Abstain(PolicyAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return new AnswerReply(null, answer.Answer, [], null, [ReplyButton.Say(Commands.Contact), ReplyButton.Say(Commands.AskAnother)]);
    }

    /// <summary>
    /// How to raise something with a person, from the policy itself: the clause that says concerns are discussed
    /// privately with the Manager or the Chair, and the preschool's own email and phone from the policy's metadata.
    /// </summary>
    public static ContactReply Contact(PolicyDocument policy, string concernsClauseId)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var meta = policy.Metadata;
        var facts = new List<Fact>();
        if (meta.ContactEmail is { } email)
        {
            facts.Add(new Fact("Email", email));
        }

        if (meta.ContactPhone is { } phone)
        {
            facts.Add(new Fact("Phone", phone));
        }

        var buttons = new List<ReplyButton>();
        if (meta.ContactEmail is { } address && Uri.TryCreate("mailto:" + address, UriKind.Absolute, out var mailto))
        {
            buttons.Add(ReplyButton.Link("Email the preschool", mailto));
        }

        buttons.Add(ReplyButton.Say(Commands.AskQuestion));
        return new ContactReply(
            "Talk to the Manager or Chair",
            "Concerns are discussed privately with the Manager or the Chair of the committee, not online. To reach them, contact the preschool:",
            facts,
            policy.Find(concernsClauseId) is { } clause ? new QuotedClause(clause.Title, clause.Id, clause.Text) : null,
            buttons);
    }

    /// <summary>
    /// A draft's check: the verdict, each problem under the clause it breaks (quoted once per clause), the redacted
    /// version when anything was taken out, and what to change. With <paramref name="offerContact"/>, "don't post
    /// this" offers the Manager or the Chair: the person it is about may need to hear of it.
    /// </summary>
    public static DraftReviewReply DraftReview(DraftReview review, PolicyDocument policy, string? progress, bool offerContact)
    {
        ArgumentNullException.ThrowIfNull(review);
        ArgumentNullException.ThrowIfNull(policy);
        var broken = review.Findings.GroupBy(f => f.Clause).Select(group =>
        {
            var clause = policy.Find(group.Key);
            return new BrokenClause(
                [.. group.Select(Problem).Distinct(StringComparer.Ordinal)],
                new QuotedClause(clause?.Title ?? "Policy clause", group.Key, clause?.Text ?? group.First().ClauseText));
        });
        List<ReplyButton> buttons = [ReplyButton.Say(Commands.CheckAgain), ReplyButton.Say(Commands.AskQuestion)];
        if (offerContact && review.Verdict == DraftVerdicts.DoNotPost)
        {
            buttons.Add(ReplyButton.Say(Commands.Contact));
        }

        return new DraftReviewReply(
            Verdict(review.Verdict),
            progress,
            Tone(review.Sentiment),
            review.Findings.Count == 0 ? "I found nothing in it that the policy doesn't allow. Remember that nothing online is completely private." : null,
            [.. broken],
            review.Pii.Count > 0 ? review.Redacted : null,
            review.Suggestion,
            review.Notice,
            buttons);
    }

    /// <summary>The draft's tone, with a short reason a person can act on.</summary>
    internal static string Tone(SentimentResult sentiment)
    {
        ArgumentNullException.ThrowIfNull(sentiment);
        var score = sentiment.Compound.ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture);
        var reason = sentiment.Label switch
        {
            "positive" => "it reads as warm and upbeat",
            "negative" => "it reads as unhappy or critical, which readers may take as being about the preschool or its people",
            "mixed" => "it mixes praise and complaint",
            _ => "it reads as matter-of-fact",
        };
        return $"Tone: {sentiment.Label} ({score}): {reason}.";
    }

    internal static string Verdict(string verdict) => verdict switch
    {
        DraftVerdicts.Ok => "✅ Fine to post",
        DraftVerdicts.Revise => "✏️ Change this first",
        _ => "⛔ Don't post this",
    };

    // The flagged words help find the problem in a long post; a whole-post span would only repeat it.
    private static string Problem(DraftFinding finding) =>
        finding.Span is { Text.Length: > 0 and <= 60 } span ? $"\"{span.Text}\": {finding.Message}" : finding.Message;
}
