using System.Text.Json.Serialization;
using WWPS.PolicyBot.Cognitive.Drafts;

namespace WWPS.PolicyBot.Dialogs.Bot;

/// <summary>
/// What the bot remembers between turns of one conversation, outside any dialog: the last question answered and
/// the clauses it cited, so a short follow-up is answered in its context. Expires with conversation state.
/// </summary>
internal sealed record ConversationMemory
{
    public string? LastQuestion { get; set; }

    public List<string> LastClauses { get; set; } = [];

    public void Forget()
    {
        LastQuestion = null;
        LastClauses = [];
    }
}

/// <summary>The router keeps nothing; a waterfall still needs a values type.</summary>
internal sealed record RouteValues;

/// <summary>Null question: ask for one first ("Ask another"). Cleared once answered; the memory keeps it instead.</summary>
internal sealed record QuestionValues
{
    public string? Question { get; set; }
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
internal sealed partial class PolicyBotJsonContext : JsonSerializerContext;
