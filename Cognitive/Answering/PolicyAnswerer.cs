using System.Globalization;
using WWPS.PolicyBot.Cognitive.Policy;
using WWPS.PolicyBot.Cognitive.Retrieval;

namespace WWPS.PolicyBot.Cognitive.Answering;

public sealed record Citation(string Clause, string Title, string Text, double Score);

/// <summary>What the bot says to a question: a short verdict, then the clauses it rests on, best first.</summary>
public sealed record PolicyAnswer(string Question, bool Abstained, string Answer, IReadOnlyList<Citation> Citations, bool EscalationOffered);

/// <summary>
/// Answers questions from the policy alone. Below the threshold it says the policy does not cover the question and offers
/// a person; it never guesses. When the runner-up clause scores close to the best, both are cited.
/// </summary>
public sealed class PolicyAnswerer
{
    /// <summary>Calibrated on the evaluation sets (see tests/…/Retrieval): below this top score the bot abstains.</summary>
    public const double DefaultThreshold = 0.23;

    /// <summary>A second clause is cited when it scores at least this share of the best.</summary>
    public const double CiteBothRatio = 0.85;

    public const int MaxQuestionLength = 2_000;

    /// <summary>How many recent questions' answers are kept.</summary>
    internal const int RecentAnswers = 4_096;

    private readonly PolicyDocument _policy;
    private readonly IClauseSearch _retriever;
    private readonly TimeProvider _time;
    private readonly double _threshold;

    // People ask the same few things: an answer is a pure function of the question and the day (the review date), so
    // recent ones are kept rather than searched for again.
    private readonly LruCache<string, (DateOnly Day, PolicyAnswer Answer)> _recent = new(RecentAnswers, StringComparer.Ordinal);

    public PolicyAnswerer(PolicyDocument policy, TimeProvider time, double threshold = DefaultThreshold)
        : this(policy, time, threshold, new ClauseRetriever(policy))
    {
    }

    /// <summary>An answerer over another retriever, e.g. <see cref="SemanticClauseRetriever"/> with its own threshold.</summary>
    public PolicyAnswerer(PolicyDocument policy, TimeProvider time, double threshold, IClauseSearch retriever)
    {
        _policy = policy;
        _retriever = retriever;
        _time = time;
        _threshold = threshold;
    }

    public PolicyDocument Policy => _policy;

    public PolicyAnswer Answer(string question)
    {
        ArgumentNullException.ThrowIfNull(question);
        var today = Today();
        if (_recent.TryGet(question, out var recent) && recent.Day == today)
        {
            return recent.Answer;
        }

        var answer = Compute(question);
        _recent.Set(question, (today, answer));
        return answer;
    }

    private DateOnly Today() => DateOnly.FromDateTime(_time.GetLocalNow().DateTime);

    /// <summary>The answer worked out afresh, without the recent answers (benchmarks use it).</summary>
    internal PolicyAnswer Compute(string question)
    {
        var trimmed = question.Trim();
        if (trimmed.Length == 0)
        {
            return new PolicyAnswer(question, true, "Ask me a question about the social networking policy, for example \"can I friend a parent on Facebook?\"", [], false);
        }

        if (trimmed.Length > MaxQuestionLength)
        {
            trimmed = trimmed[..MaxQuestionLength];
        }

        var matches = _retriever.Search(trimmed);
        if (matches.Count == 0 || matches[0].Score < _threshold)
        {
            return Abstain(question);
        }

        var cited = new List<ClauseMatch> { matches[0] };
        if (matches.Count > 1 && matches[1].Score >= matches[0].Score * CiteBothRatio)
        {
            cited.Add(matches[1]);
        }

        var citations = cited.Select(m => new Citation(m.Clause.Id, m.Clause.Title, m.Clause.Text, Math.Round(m.Score, 3))).ToList();
        return new PolicyAnswer(question, false, Compose(cited), citations, false);
    }

    /// <summary>The candidate clauses and what they matched, for tuning.</summary>
    public IReadOnlyList<ClauseMatch> Explain(string question) => _retriever.Search(question, take: 5);

    private PolicyAnswer Abstain(string question) => new(
        question,
        true,
        $"The {_policy.Metadata.Title} doesn't cover that, so I won't guess. I can pass your question to the Manager or the Chair of the committee"
            + (_policy.Metadata.ContactEmail is { } email ? $", or you can email the preschool at {email}." : "."),
        [],
        true);

    private string Compose(List<ClauseMatch> cited)
    {
        var top = cited[0].Clause;
        var verdict = top.Id == "review" ? AboutThePolicy() : top.Summary ?? $"Here is what the {_policy.Metadata.Title} says.";
        if (cited.Count > 1 && cited[1].Clause.Summary is { } second && top.Id != "review")
        {
            verdict += " " + second;
        }

        return verdict;
    }

    /// <summary>Adoption and review come from the document's metadata, with a warning when the yearly review is overdue.</summary>
    private string AboutThePolicy()
    {
        var meta = _policy.Metadata;
        var parts = new List<string>();
        if (meta.Adopted is { } adopted)
        {
            parts.Add($"The {meta.Title} was adopted in {Month(adopted)}");
        }

        if (meta.ReviewEveryMonths > 0)
        {
            parts.Add(meta.ReviewEveryMonths == 12 ? "it is reviewed every year" : $"it is reviewed every {meta.ReviewEveryMonths} months");
        }

        var text = parts.Count > 0 ? string.Join(" and ", parts) + "." : $"Here is what the {meta.Title} says about itself.";
        var today = Today();
        if (meta.IsPastReview(today) && meta.ReviewDue is { } due)
        {
            text += $" No later review is recorded in this copy, so its review has been due since {Month(due)}: check with the Manager that you have the current version.";
        }

        return text;
    }

    private static string Month(DateOnly date) => date.ToString("MMMM yyyy", CultureInfo.InvariantCulture);
}
