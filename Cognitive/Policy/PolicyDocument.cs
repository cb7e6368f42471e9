namespace WWPS.PolicyBot.Cognitive.Policy;

/// <summary>
/// One clause of a policy. <see cref="Text"/> is the policy's own wording, never edited;
/// <see cref="Summary"/> and <see cref="Keywords"/> are ours (a plain-English answer and the words people ask with).
/// </summary>
public sealed record PolicyClause(
    string Id,
    string Title,
    string Section,
    string Text,
    string? Summary = null,
    IReadOnlyList<string>? Keywords = null);

/// <summary>
/// What the policy says about itself. Adopted and LastReviewed are months (day 1) when the document states them;
/// ReviewEveryMonths is 12 for "reviewed on a yearly basis", 0 when the document names no cycle.
/// </summary>
public sealed record PolicyMetadata(
    string Title,
    string? Setting,
    DateOnly? Adopted,
    DateOnly? LastReviewed,
    int ReviewEveryMonths,
    string? ContactEmail,
    string? ContactPhone,
    string Source)
{
    /// <summary>When the next review falls due, counted from the last recorded review or else from adoption.</summary>
    public DateOnly? ReviewDue =>
        (LastReviewed ?? Adopted) is { } from && ReviewEveryMonths > 0 ? from.AddMonths(ReviewEveryMonths) : null;

    public bool IsPastReview(DateOnly today) => ReviewDue is { } due && due < today;
}

public sealed record PolicyDocument(PolicyMetadata Metadata, IReadOnlyList<PolicyClause> Clauses)
{
    public PolicyClause? Find(string id) => Clauses.FirstOrDefault(c => string.Equals(c.Id, id, StringComparison.OrdinalIgnoreCase));
}
