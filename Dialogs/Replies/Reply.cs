using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Replies;

/// <summary>
/// What the bot says, in its own words and structure but in no channel's format. A dialog sends one with
/// <see cref="ToActivity"/>; the adapter that delivers it draws it for its channel (<see cref="ReplyRendering"/>:
/// an Adaptive Card with its text as summary, Slack's Block Kit, or plain Markdown text). Renderers choose layout only;
/// every word is chosen here or by the dialog.
/// </summary>
internal abstract record Reply : INeutralReply
{
    /// <summary>
    /// True when the reply holds policy text only, never what the user wrote: its card may be kept and reused (there
    /// are only so many, a few per clause).
    /// </summary>
    public virtual bool PolicyOnly => false;

    /// <summary>A message carrying this reply, to be rendered by the adapter that delivers it.</summary>
    public Activity ToActivity() => new() { Type = ActivityTypes.Message, Reply = this };
}

/// <summary>
/// A button. A submit button stands for <see cref="Command"/>, the words the bot reads when it is pressed (or typed);
/// a link opens <see cref="Url"/>.
/// </summary>
internal sealed record ReplyButton(string Title, string? Command = null, Uri? Url = null)
{
    /// <summary>A button whose title is also the words it posts.</summary>
    public static ReplyButton Say(string words) => new(words, words);

    public static ReplyButton Submit(string title, string command) => new(title, command);

    public static ReplyButton Link(string title, Uri url) => new(title, Url: url);

    public string Words => Command ?? Title;
}

/// <summary>A clause of the policy, quoted under its title and id.</summary>
internal sealed record QuotedClause(string Title, string Id, string Text)
{
    public string Heading => $"{Title} [{Id}]";
}

internal sealed record Fact(string Title, string Value);

/// <summary>"Was this helpful?": <paramref name="Typed"/> says what to type where there are no buttons ("yes / no").</summary>
internal sealed record FeedbackRequest(string Question, string Typed, ReplyButton Yes, ReplyButton No);

/// <summary>
/// An answer from the policy: an optional note on how it was read, the answer, the clauses it rests on, "was this
/// helpful?", and what to do next. Also "the policy does not cover that" (no clauses, no feedback).
/// </summary>
internal sealed record AnswerReply(string? Note, string Answer, IReadOnlyList<QuotedClause> Clauses, FeedbackRequest? Feedback, IReadOnlyList<ReplyButton> Buttons)
    : Reply
{
    public override bool PolicyOnly => true;
}

/// <summary>"Do you mean …?": a few clauses by title, one button each, and a way out.</summary>
internal sealed record ClarifyReply(string Question, IReadOnlyList<string> Choices, string SomethingElse) : Reply
{
    public override bool PolicyOnly => true;
}

/// <summary>How to reach a person: a heading, a lead, contact facts, the clause that says so, buttons.</summary>
internal sealed record ContactReply(string Heading, string Lead, IReadOnlyList<Fact> Facts, QuotedClause? Clause, IReadOnlyList<ReplyButton> Buttons) : Reply;

/// <summary>The problems found that break one clause, quoted once under them.</summary>
internal sealed record BrokenClause(IReadOnlyList<string> Problems, QuotedClause Clause);

/// <summary>
/// A draft's check: the verdict, progress since the last check, its tone, "all clear" when nothing was found, each
/// broken clause with its problems, the draft with personal details taken out, what to change, a notice, buttons.
/// </summary>
internal sealed record DraftReviewReply(
    string Verdict,
    string? Progress,
    string Tone,
    string? AllClear,
    IReadOnlyList<BrokenClause> Broken,
    string? Redacted,
    string? Suggestion,
    string? Notice,
    IReadOnlyList<ReplyButton> Buttons) : Reply
{
    public const string RedactedLabel = "With the personal details taken out:";
    public const string SuggestionLabel = "What to change:";
}

/// <summary>
/// An escalation as it will be passed on, for the user to confirm: who it goes to (<paramref name="Lead"/>), the
/// summary quoted, a note (details hidden), the question, and the answers as quick replies.
/// </summary>
internal sealed record EscalationSummaryReply(string Lead, string Summary, string? Note, string Question, IReadOnlyList<string> Choices) : Reply;
