namespace WWPS.PolicyBot.Replies;

internal enum TextStyle
{
    Plain,
    Bold,

    /// <summary>Smaller, greyed: a note beside the message, not the message.</summary>
    Subtle,

    /// <summary>Bold and larger: the title of the whole reply.</summary>
    Heading,
}

/// <summary>One element of a reply drawn as a card: the shapes both Adaptive Cards and Block Kit can show.</summary>
internal abstract record CardElement;

internal sealed record CardText(string Text, TextStyle Style = TextStyle.Plain) : CardElement;

/// <summary>A clause of the policy set apart, so its wording reads as a quotation.</summary>
internal sealed record CardQuote(string Heading, string Text) : CardElement;

internal sealed record CardFacts(IReadOnlyList<Fact> Facts) : CardElement;

/// <summary>
/// The yes/no of "Was this helpful?" in the body, right under the question. A channel with a feedback control of
/// its own (Slack's thumbs in an assistant thread) draws it with that.
/// </summary>
internal sealed record CardFeedback(ReplyButton Positive, ReplyButton Negative) : CardElement;

/// <summary>
/// A reply laid out for channels that draw cards (Adaptive Cards, Block Kit): its body in reading order and the
/// buttons under it. Built once from the reply's records; each channel maps the elements to its own format.
/// </summary>
internal sealed record CardLayout(IReadOnlyList<CardElement> Body, IReadOnlyList<ReplyButton> Buttons)
{
    /// <returns>Null for a reply that is drawn as text with quick replies everywhere (an escalation's summary).</returns>
    public static CardLayout? Of(Reply reply) => reply switch
    {
        AnswerReply answer => Answer(answer),
        ClarifyReply clarify => new([new CardText(clarify.Question, TextStyle.Bold)], [.. clarify.Choices.Append(clarify.SomethingElse).Select(ReplyButton.Say)]),
        ContactReply contact => Contact(contact),
        DraftReviewReply review => DraftReview(review),
        _ => null,
    };

    private static CardLayout Answer(AnswerReply reply)
    {
        var body = new List<CardElement>();
        if (reply.Note is { } note)
        {
            body.Add(new CardText(note, TextStyle.Subtle));
        }

        body.Add(new CardText(reply.Answer, TextStyle.Bold));
        body.AddRange(reply.Clauses.Select(c => new CardQuote(c.Heading, c.Text)));
        if (reply.Feedback is { } feedback)
        {
            body.Add(new CardText(feedback.Question));
            body.Add(new CardFeedback(feedback.Yes, feedback.No));
        }

        return new CardLayout(body, reply.Buttons);
    }

    private static CardLayout Contact(ContactReply reply)
    {
        var body = new List<CardElement> { new CardText(reply.Heading, TextStyle.Heading), new CardText(reply.Lead) };
        if (reply.Facts.Count > 0)
        {
            body.Add(new CardFacts(reply.Facts));
        }

        if (reply.Clause is { } clause)
        {
            body.Add(new CardQuote(clause.Heading, clause.Text));
        }

        return new CardLayout(body, reply.Buttons);
    }

    private static CardLayout DraftReview(DraftReviewReply reply)
    {
        var body = new List<CardElement> { new CardText(reply.Verdict, TextStyle.Heading) };
        if (reply.Progress is { } progress)
        {
            body.Add(new CardText(progress, TextStyle.Subtle));
        }

        body.Add(new CardText(reply.Tone, TextStyle.Subtle));
        if (reply.AllClear is { } allClear)
        {
            body.Add(new CardText(allClear));
        }

        foreach (var broken in reply.Broken)
        {
            body.AddRange(broken.Problems.Select(p => new CardText("• " + p)));
            body.Add(new CardQuote("Breaks " + broken.Clause.Heading, broken.Clause.Text));
        }

        if (reply.Redacted is { } redacted)
        {
            body.Add(new CardText(DraftReviewReply.RedactedLabel, TextStyle.Bold));
            body.Add(new CardText(redacted));
        }

        if (reply.Suggestion is { } suggestion)
        {
            body.Add(new CardText(DraftReviewReply.SuggestionLabel, TextStyle.Bold));
            body.Add(new CardText(suggestion));
        }

        if (reply.Notice is { } notice)
        {
            body.Add(new CardText(notice, TextStyle.Subtle));
        }

        return new CardLayout(body, reply.Buttons);
    }
}
