using System.Collections.Concurrent;
using System.Text;
using WWPS.PolicyBot.Cognitive.Answering;
using WWPS.PolicyBot.Cognitive.Drafts;
using WWPS.PolicyBot.Cognitive.Policy;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Dialogs.Cards;

/// <summary>
/// The bot's cards. Each activity carries the card and, in <c>text</c>, the same content as readable Markdown-ish
/// text: channels and clients that cannot draw cards (Slack, the command line, screen readers reading a
/// notification, transcripts) get every word, and the card's <c>fallbackText</c> is that same text.
/// </summary>
internal static class PolicyCards
{
    public const string HelpfulQuestion = "Was this helpful?";

    // Answer and abstain cards hold policy text only, never what the user wrote, and there are only so many of them (a
    // few per clause): each is serialised once, keyed by its full text rendering, which determines it.
    private const int MaxCachedCards = 1_024;
    private static readonly ConcurrentDictionary<string, Attachment> PolicyOnlyCards = new(StringComparer.Ordinal);

    /// <param name="followingOn">The answer takes in the user's earlier question; say so, so a surprising answer is explained.</param>
    /// <param name="about">What a follow-up asked about by name ("Instagram"): the answer says it applies there.</param>
    public static Activity Answer(PolicyAnswer answer, bool followingOn, string helpful, string notHelpful, string askAnother, string contact, string? about = null)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var note = about is null ? "Following on from your earlier question:" : $"Following on from your earlier question, on {about} too:";
        var text = new StringBuilder();
        if (followingOn)
        {
            text.Append(note).Append("\n\n");
        }

        text.Append(answer.Answer);
        foreach (var citation in answer.Citations)
        {
            text.Append("\n\n**").Append(citation.Title).Append("** [").Append(citation.Clause).Append("]\n> ").Append(citation.Text);
        }

        text.Append("\n\n").Append(HelpfulQuestion).Append(" (yes / no) · ").Append(askAnother).Append(" · ").Append(contact);
        return WithPolicyOnlyCard(text.ToString(), () =>
        {
            var card = new AdaptiveCard();
            if (followingOn)
            {
                card.Text(note, subtle: true);
            }

            card.Text(answer.Answer, bold: true);
            foreach (var citation in answer.Citations)
            {
                card.Quote(ClauseHeading(citation.Title, citation.Clause), citation.Text);
            }

            return card.Text(HelpfulQuestion)
                .Feedback(CardButton.Submit("Yes", helpful), CardButton.Submit("No", notHelpful))
                .Buttons(CardButton.Submit(askAnother, askAnother), CardButton.Submit(contact, contact));
        });
    }

    /// <summary>
    /// "Do you mean …?": the bot is torn between a few clauses, so it names them in plain words, one button each (the
    /// button posts the clause's title), and offers "Something else", which leads to a person.
    /// </summary>
    public static Activity Clarify(PolicyAnswer answer, string somethingElse)
    {
        ArgumentNullException.ThrowIfNull(answer);
        const string Lead = "I'm not sure which part of the policy you mean. Do you mean:";
        var text = new StringBuilder(Lead);
        var buttons = new List<CardButton>();
        for (var i = 0; i < answer.Citations.Count; i++)
        {
            var title = answer.Citations[i].Title;
            text.Append('\n').Append(i + 1).Append(". ").Append(title);
            buttons.Add(CardButton.Submit(title, title));
        }

        text.Append("\n\nOr: ").Append(somethingElse);
        buttons.Add(CardButton.Submit(somethingElse, somethingElse));
        return WithPolicyOnlyCard(text.ToString(), () => new AdaptiveCard().Text(Lead, bold: true).Buttons(buttons));
    }

    /// <summary>The policy does not cover the question: say so plainly and put a person one click away.</summary>
    public static Activity Abstain(PolicyAnswer answer, string askAnother, string contact)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return WithPolicyOnlyCard($"{answer.Answer}\n\n{contact} · {askAnother}", () => new AdaptiveCard()
            .Text(answer.Answer, bold: true)
            .Buttons(CardButton.Submit(contact, contact), CardButton.Submit(askAnother, askAnother)));
    }

    /// <summary>
    /// How to raise something with a person, from the policy itself: the clause that says concerns are discussed
    /// privately with the Manager or the Chair, and the preschool's own email and phone from the policy's metadata.
    /// </summary>
    public static Activity Contact(PolicyDocument policy, string concernsClauseId, string askAnother)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var meta = policy.Metadata;
        const string Lead =
            "Concerns are discussed privately with the Manager or the Chair of the committee, not online. " +
            "To reach them, contact the preschool:";
        var card = new AdaptiveCard().Text("Talk to the Manager or Chair", bold: true, size: "Medium").Text(Lead);
        var text = new StringBuilder("**Talk to the Manager or Chair**\n\n").Append(Lead);
        var facts = new List<(string, string)>();
        if (meta.ContactEmail is { } email)
        {
            facts.Add(("Email", email));
            text.Append("\n- Email: ").Append(email);
        }

        if (meta.ContactPhone is { } phone)
        {
            facts.Add(("Phone", phone));
            text.Append("\n- Phone: ").Append(phone);
        }

        if (facts.Count > 0)
        {
            card.Facts(facts);
        }

        if (policy.Find(concernsClauseId) is { } clause)
        {
            card.Quote(ClauseHeading(clause.Title, clause.Id), clause.Text);
            text.Append("\n\n**").Append(clause.Title).Append("** [").Append(clause.Id).Append("]\n> ").Append(clause.Text);
        }

        var buttons = new List<CardButton>();
        if (meta.ContactEmail is { } address && Uri.TryCreate("mailto:" + address, UriKind.Absolute, out var mailto))
        {
            buttons.Add(CardButton.Link("Email the preschool", mailto));
        }

        buttons.Add(CardButton.Submit(askAnother, askAnother));
        card.Buttons(buttons);
        return WithCard(text.ToString(), card);
    }

    /// <summary>The draft's tone as the command line reports it, with a short reason a person can act on.</summary>
    internal static string Tone(Cognitive.Analysis.SentimentResult sentiment)
    {
        ArgumentNullException.ThrowIfNull(sentiment);
        var score = sentiment.Compound.ToString("+0.00;-0.00;0.00", System.Globalization.CultureInfo.InvariantCulture);
        var reason = sentiment.Label switch
        {
            "positive" => "it reads as warm and upbeat",
            "negative" => "it reads as unhappy or critical, which readers may take as being about the preschool or its people",
            "mixed" => "it mixes praise and complaint",
            _ => "it reads as matter-of-fact",
        };
        return $"Tone: {sentiment.Label} ({score}): {reason}.";
    }

    /// <summary>
    /// A draft's check: the verdict, each problem under the clause it breaks (quoted once per clause), the redacted
    /// version when anything was taken out, and what to change.
    /// </summary>
    public static Activity DraftReview(DraftReview review, PolicyDocument policy, string? progress, string checkAgain, string askQuestion, string? contact = null)
    {
        ArgumentNullException.ThrowIfNull(review);
        ArgumentNullException.ThrowIfNull(policy);
        var card = new AdaptiveCard();
        var text = new StringBuilder();
        var verdict = Verdict(review.Verdict);
        card.Text(verdict, bold: true, size: "Medium");
        text.Append("**").Append(verdict).Append("**");
        if (progress is not null)
        {
            card.Text(progress, subtle: true);
            text.Append("\n\n").Append(progress);
        }

        var tone = Tone(review.Sentiment);
        card.Text(tone, subtle: true);
        text.Append("\n\n").Append(tone);

        if (review.Findings.Count == 0)
        {
            const string Fine = "I found nothing in it that the policy doesn't allow. Remember that nothing online is completely private.";
            card.Text(Fine);
            text.Append("\n\n").Append(Fine);
        }

        foreach (var group in review.Findings.GroupBy(f => f.Clause))
        {
            var clause = policy.Find(group.Key);
            var heading = ClauseHeading(clause?.Title ?? "Policy clause", group.Key);
            var problems = group.Select(Problem).Distinct(StringComparer.Ordinal).ToList();
            foreach (var problem in problems)
            {
                card.Text("• " + problem);
                text.Append("\n\n- ").Append(problem);
            }

            var quoted = clause?.Text ?? group.First().ClauseText;
            card.Quote("Breaks " + heading, quoted);
            text.Append("\n\nBreaks **").Append(clause?.Title ?? "Policy clause").Append("** [").Append(group.Key).Append("]\n> ").Append(quoted);
        }

        if (review.Pii.Count > 0)
        {
            card.Text("With the personal details taken out:", bold: true).Text(review.Redacted);
            text.Append("\n\nWith the personal details taken out:\n> ").Append(review.Redacted);
        }

        if (review.Suggestion is { } suggestion)
        {
            card.Text("What to change:", bold: true).Text(suggestion);
            text.Append("\n\nWhat to change:\n").Append(suggestion);
        }

        if (review.Notice is { } notice)
        {
            card.Text(notice, subtle: true);
            text.Append("\n\n").Append(notice);
        }

        // After "don't post this", the person it is about may need to hear of it: offer the Manager or the Chair.
        if (contact is not null && review.Verdict == DraftVerdicts.DoNotPost)
        {
            card.Buttons(CardButton.Submit(checkAgain, checkAgain), CardButton.Submit(askQuestion, askQuestion), CardButton.Submit(contact, contact));
            text.Append("\n\n").Append(checkAgain).Append(" · ").Append(askQuestion).Append(" · ").Append(contact);
            return WithCard(text.ToString(), card);
        }

        card.Buttons(CardButton.Submit(checkAgain, checkAgain), CardButton.Submit(askQuestion, askQuestion));
        text.Append("\n\n").Append(checkAgain).Append(" · ").Append(askQuestion);
        return WithCard(text.ToString(), card);
    }

    internal static string Verdict(string verdict) => verdict switch
    {
        DraftVerdicts.Ok => "✅ Fine to post",
        DraftVerdicts.Revise => "✏️ Change this first",
        _ => "⛔ Don't post this",
    };

    private static string ClauseHeading(string title, string id) => $"{title} [{id}]";

    // The flagged words help find the problem in a long post; a whole-post span would only repeat it.
    private static string Problem(DraftFinding finding) =>
        finding.Span is { Text.Length: > 0 and <= 60 } span ? $"\"{span.Text}\": {finding.Message}" : finding.Message;

    private static Activity WithPolicyOnlyCard(string text, Func<AdaptiveCard> build)
    {
        if (!PolicyOnlyCards.TryGetValue(text, out var attachment))
        {
            attachment = build().ToAttachment(text);
            if (PolicyOnlyCards.Count < MaxCachedCards)
            {
                PolicyOnlyCards.TryAdd(text, attachment);
            }
        }

        return Message(text, attachment);
    }

    private static Activity WithCard(string text, AdaptiveCard card) => Message(text, card.ToAttachment(text));

    private static Activity Message(string text, Attachment card) => new()
    {
        Type = ActivityTypes.Message,
        Text = text,
        TextFormat = TextFormats.Markdown,
        Attachments = [card],
    };
}
