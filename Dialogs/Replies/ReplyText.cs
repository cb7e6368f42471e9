using System.Text;

namespace WWPS.PolicyBot.Replies;

/// <summary>
/// A reply as Markdown-ish text: what a channel without cards shows (the command line, text channels), and the
/// summary a card travels with (notifications, screen readers, Slack's <c>text</c>). Buttons become the words they
/// stand for, so a text-only reader can type them.
/// </summary>
internal static class ReplyText
{
    public static string Markdown(Reply reply) => reply switch
    {
        AnswerReply answer => Answer(answer),
        ClarifyReply clarify => Clarify(clarify),
        ContactReply contact => Contact(contact),
        DraftReviewReply review => DraftReview(review),
        EscalationSummaryReply summary => EscalationSummary(summary),
        _ => throw new ArgumentOutOfRangeException(nameof(reply), reply?.GetType().Name, "no text rendering"),
    };

    private static string Answer(AnswerReply reply)
    {
        var text = new StringBuilder();
        if (reply.Note is { } note)
        {
            text.Append(note).Append("\n\n");
        }

        text.Append(reply.Answer);
        foreach (var clause in reply.Clauses)
        {
            AppendClause(text.Append("\n\n"), clause);
        }

        IEnumerable<string> next = reply.Buttons.Select(b => b.Words);
        if (reply.Feedback is { } feedback)
        {
            next = next.Prepend($"{feedback.Question} ({feedback.Typed})");
        }

        return text.Append("\n\n").AppendJoin(" · ", next).ToString();
    }

    private static string Clarify(ClarifyReply reply)
    {
        var text = new StringBuilder(reply.Question);
        for (var i = 0; i < reply.Choices.Count; i++)
        {
            text.Append('\n').Append(i + 1).Append(". ").Append(reply.Choices[i]);
        }

        return text.Append("\n\nOr: ").Append(reply.SomethingElse).ToString();
    }

    // The buttons are left out: the email is in the facts, and "ask another" needs no telling.
    private static string Contact(ContactReply reply)
    {
        var text = new StringBuilder("**").Append(reply.Heading).Append("**\n\n").Append(reply.Lead);
        foreach (var fact in reply.Facts)
        {
            text.Append("\n- ").Append(fact.Title).Append(": ").Append(fact.Value);
        }

        if (reply.Clause is { } clause)
        {
            AppendClause(text.Append("\n\n"), clause);
        }

        return text.ToString();
    }

    private static string DraftReview(DraftReviewReply reply)
    {
        var text = new StringBuilder("**").Append(reply.Verdict).Append("**");
        Paragraph(text, reply.Progress);
        Paragraph(text, reply.Tone);
        Paragraph(text, reply.AllClear);
        foreach (var broken in reply.Broken)
        {
            foreach (var problem in broken.Problems)
            {
                text.Append("\n\n- ").Append(problem);
            }

            AppendClause(text.Append("\n\nBreaks "), broken.Clause);
        }

        if (reply.Redacted is { } redacted)
        {
            text.Append("\n\n").Append(DraftReviewReply.RedactedLabel).Append("\n> ").Append(redacted);
        }

        if (reply.Suggestion is { } suggestion)
        {
            text.Append("\n\n").Append(DraftReviewReply.SuggestionLabel).Append('\n').Append(suggestion);
        }

        Paragraph(text, reply.Notice);
        return text.Append("\n\n").AppendJoin(" · ", reply.Buttons.Select(b => b.Words)).ToString();
    }

    private static string EscalationSummary(EscalationSummaryReply reply)
    {
        var text = new StringBuilder(reply.Lead).Append("\n\n> ").Append(reply.Summary.Replace("\n", "\n> ", StringComparison.Ordinal)).Append("\n\n");
        if (reply.Note is { } note)
        {
            text.Append(note).Append("\n\n");
        }

        return text.Append(reply.Question).ToString();
    }

    private static void Paragraph(StringBuilder text, string? paragraph)
    {
        if (paragraph is not null)
        {
            text.Append("\n\n").Append(paragraph);
        }
    }

    private static void AppendClause(StringBuilder text, QuotedClause clause) =>
        text.Append("**").Append(clause.Title).Append("** [").Append(clause.Id).Append("]\n> ").Append(clause.Text);
}
