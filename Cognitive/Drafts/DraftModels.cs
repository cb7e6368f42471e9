using WWPS.PolicyBot.Cognitive.Analysis;

namespace WWPS.PolicyBot.Cognitive.Drafts;

/// <summary>A file sent with the draft; only its type and name are known (the bot never looks inside an image).</summary>
public sealed record DraftAttachment(string? ContentType, string? Name = null)
{
    public bool IsPhotoOrVideo =>
        ContentType is { } type
            ? type.StartsWith("image/", StringComparison.OrdinalIgnoreCase) || type.StartsWith("video/", StringComparison.OrdinalIgnoreCase)
            : Name is { } name && MediaExtensions.Contains(Path.GetExtension(name).ToLowerInvariant());

    private static readonly HashSet<string> MediaExtensions =
        [".jpg", ".jpeg", ".png", ".gif", ".heic", ".webp", ".bmp", ".mp4", ".mov", ".avi", ".m4v", ".webm"];
}

public sealed record DraftInput(string Text, IReadOnlyList<DraftAttachment> Attachments);

/// <summary>Where a finding is in the draft: UTF-16 offsets into the text as given.</summary>
public sealed record TextSpan(int Start, int Length, string Text);

/// <summary>
/// One problem with a draft and the clause it breaks. Kind is one of: pii, photo, work-info, criticism, confidential,
/// private-contact, harm.
/// </summary>
public sealed record DraftFinding(string Kind, string Clause, string ClauseText, string Message, TextSpan? Span);

public static class DraftVerdicts
{
    public const string Ok = "ok";
    public const string Revise = "revise";
    public const string DoNotPost = "do-not-post";
}

/// <summary>
/// The check of one draft. Verdict: ok (fine to post), revise (fixable: take out the personal data or the photo, use the
/// preschool's contacts), do-not-post (the post itself breaks the policy). Suggestion says what to change, a line per
/// problem (null when the post is fine).
/// </summary>
public sealed record DraftReview(
    bool Allowed,
    string Verdict,
    IReadOnlyList<DraftFinding> Findings,
    IReadOnlyList<PiiEntity> Pii,
    SentimentResult Sentiment,
    string Redacted,
    string? Suggestion,
    string? Notice);
