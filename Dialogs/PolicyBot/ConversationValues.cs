using System.Text.Json.Serialization;
using WWPS.PolicyBot.Cognitive.Drafts;

namespace WWPS.PolicyBot.Dialogs.PolicyBot;

/// <summary>
/// What the bot remembers between turns of one conversation, outside any dialog: the last question answered and
/// the clauses it cited, so a short follow-up is answered in its context. Expires with conversation state.
/// </summary>
internal sealed record ConversationMemory
{
    public string? LastQuestion { get; set; }

    public List<string> LastClauses { get; set; } = [];

    /// <summary>The last question the policy did not cover, so "Talk to the Manager or Chair" can pass it on.</summary>
    public string? LastUnanswered { get; set; }

    /// <summary>What the last "don't post this" check found (the findings, never the draft), for the same offer.</summary>
    public string? LastDraftFindings { get; set; }

    public void Forget()
    {
        LastQuestion = null;
        LastClauses = [];
        LastUnanswered = null;
        LastDraftFindings = null;
    }
}

/// <summary>The router keeps nothing; a waterfall still needs a values type.</summary>
internal sealed record RouteValues;

/// <summary>
/// Null question: ask for one first ("Ask another"). Cleared once answered; the memory keeps it instead. While the bot
/// waits for the answer to "Do you mean …?", Asked is the question and Options the clause ids it offered.
/// </summary>
internal sealed record QuestionValues
{
    public string? Question { get; set; }

    public string? Asked { get; set; }

    public List<string>? Options { get; set; }
}

/// <summary>
/// A draft check in progress. <see cref="Text"/> holds a pasted draft only from the turn it arrives until it is
/// checked (the same turn), so no draft is stored between turns; the previous verdict and count are kept while the
/// user revises, so the next check can say whether it got better. All of it goes when the dialog ends.
/// </summary>
internal sealed record DraftValues
{
    public string? Text { get; set; }

    /// <summary>A photo sent without words, waiting for its caption: its type and name only, never its content.</summary>
    public List<MediaInfo>? Media { get; set; }

    public bool Revising { get; set; }

    public string? PreviousVerdict { get; set; }

    public int? PreviousProblems { get; set; }
}

/// <summary>
/// An escalation being put together. The concern's words stay in conversation state only until it is sent or dropped
/// (and expire with it); roles are stored by name ("manager", "chair").
/// </summary>
internal sealed record EscalationValues
{
    public string Source { get; set; } = "concern";

    /// <summary>Ask first whether to pass it on (the message only read like a concern).</summary>
    public bool Offer { get; set; }

    public bool Editing { get; set; }

    public string? Summary { get; set; }

    public string? Requested { get; set; }

    public string? Role { get; set; }

    public bool KeepDetails { get; set; }
}

internal sealed record MediaInfo(string? ContentType, string? Name)
{
    public DraftAttachment ToDraftAttachment() => new(ContentType, Name);

    public static MediaInfo From(DraftAttachment attachment) => new(attachment.ContentType, attachment.Name);
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ConversationMemory))]
[JsonSerializable(typeof(RouteValues))]
[JsonSerializable(typeof(QuestionValues))]
[JsonSerializable(typeof(DraftValues))]
[JsonSerializable(typeof(EscalationValues))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(HandoffTranscript))]
internal sealed partial class PolicyBotJsonContext : JsonSerializerContext;
