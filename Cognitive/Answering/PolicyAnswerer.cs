using System.Globalization;
using WWPS.PolicyBot.Cognitive.Policy;
using WWPS.PolicyBot.Cognitive.Retrieval;
using WWPS.PolicyBot.Cognitive.Understanding;

namespace WWPS.PolicyBot.Cognitive.Answering;

public sealed record Citation(string Clause, string Title, string Text, double Score);

/// <summary>
/// What the bot says to a question: a short verdict, then the clauses it rests on, best first. With Clarify the bot is
/// torn between a few clauses and asks "Do you mean …?"; Citations are then the options it offers, best first.
/// </summary>
public sealed record PolicyAnswer(string Question, bool Abstained, string Answer, IReadOnlyList<Citation> Citations, bool EscalationOffered, bool Clarify = false);

/// <summary>
/// Answers questions from the policy alone. For the bundled policy a learned model reads the question
/// (<see cref="QuestionModel"/>): it answers, asks "Do you mean …?" when torn between clauses, or says the policy does
/// not cover it. For any other policy the retriever ranks the clauses and below the threshold the bot says the policy
/// does not cover the question. Either way it never guesses, and offers a person instead.
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

    /// <summary>The most the recent answers may hold, keys included: 4,096 everyday questions fit many times over.</summary>
    internal const long RecentAnswerBytes = 8L * 1024 * 1024;

    private readonly PolicyDocument _policy;
    private readonly IClauseSearch _retriever;
    private readonly TimeProvider _time;
    private readonly double _threshold;
    private readonly QuestionModel? _model;

    // People ask the same few things: an answer is a pure function of the question and the day (the review date), so
    // recent ones are kept rather than searched for again.
    // Bounded by bytes too: a question may be 20,000 characters. An answer's own strings are policy text, shared
    // with the policy; the question is counted, with a little for the answer's objects.
    private readonly LruCache<string, (DateOnly Day, PolicyAnswer Answer)> _recent =
        new(RecentAnswers, RecentAnswerBytes, static (question, _) => (question.Length * 2L) + 512, StringComparer.Ordinal);

    public PolicyAnswerer(PolicyDocument policy, TimeProvider time, double threshold = DefaultThreshold)
        : this(policy, time, threshold, new ClauseRetriever(policy))
    {
    }

    /// <summary>An answerer over another retriever, e.g. <see cref="SemanticClauseRetriever"/> with its own threshold.</summary>
    /// <param name="model">The learned reading of questions; null to rank by <paramref name="retriever"/> alone.</param>
    public PolicyAnswerer(PolicyDocument policy, TimeProvider time, double threshold, IClauseSearch retriever, QuestionModel? model = null)
    {
        _policy = policy;
        _retriever = retriever;
        _time = time;
        _threshold = threshold;
        _model = model;
    }

    /// <summary>What the recent answers hold now, in bytes as they are counted.</summary>
    internal long RecentBytes => _recent.Weight;

    /// <summary>Whether questions are read by the learned model (false: by retrieval alone).</summary>
    public bool Learned => _model is not null;

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

        if (_model is not null)
        {
            return FromModel(question, _model.Read(trimmed));
        }

        var matches = _retriever.Search(trimmed);
        if (matches.Count == 0 || matches[0].Score < _threshold)
        {
            return Abstain(question);
        }

        var cited = new List<(PolicyClause, double)> { (matches[0].Clause, matches[0].Score) };
        if (matches.Count > 1 && matches[1].Score >= matches[0].Score * CiteBothRatio)
        {
            cited.Add((matches[1].Clause, matches[1].Score));
        }

        return Cite(question, cited);
    }

    /// <summary>
    /// The answer from one clause the user chose (after "Do you mean …?"). Null when the policy has no such clause.
    /// </summary>
    public PolicyAnswer? AnswerFrom(string question, string clauseId)
    {
        ArgumentNullException.ThrowIfNull(question);
        return _policy.Find(clauseId) is { } clause ? Cite(question, [(clause, 1.0)]) : null;
    }

    private PolicyAnswer FromModel(string question, QuestionReading reading)
    {
        var clauses = reading.Clauses
            .Select(c => (Clause: _policy.Find(c.ClauseId), c.Probability))
            .Where(c => c.Clause is not null)
            .Select(c => (c.Clause!, c.Probability))
            .ToList();
        switch (reading.Outcome)
        {
            case QuestionOutcome.Answer when clauses.Count > 0:
                var cited = clauses.Count > 1 && clauses[1].Probability >= clauses[0].Probability * CiteBothRatio ? clauses[..2] : clauses[..1];
                return Cite(question, cited);
            case QuestionOutcome.Clarify when clauses.Count > 1:
                var options = string.Join(", ", clauses.Select(c => $"\u201c{c.Item1.Title}\u201d"));
                return new PolicyAnswer(
                    question,
                    false,
                    $"I'm not sure which part of the policy you mean. Do you mean {options}, or something else?",
                    [.. clauses.Select(c => Citation(c.Item1, c.Probability))],
                    false,
                    Clarify: true);
            default:
                return Abstain(question);
        }
    }

    private PolicyAnswer Cite(string question, List<(PolicyClause Clause, double Score)> cited) =>
        new(question, false, Compose([.. cited.Select(c => c.Clause)]), [.. cited.Select(c => Citation(c.Clause, c.Score))], false);

    private static Citation Citation(PolicyClause clause, double score) => new(clause.Id, clause.Title, clause.Text, Math.Round(score, 3));

    /// <summary>The candidate clauses and what they matched, for tuning.</summary>
    public IReadOnlyList<ClauseMatch> Explain(string question) => _retriever.Search(question, take: 5);

    private PolicyAnswer Abstain(string question) => new(
        question,
        true,
        $"The {_policy.Metadata.Title} doesn't cover that, so I won't guess. I can pass your question to the Manager or the Chair of the committee"
            + (_policy.Metadata.ContactEmail is { } email ? $", or you can email the preschool at {email}." : "."),
        [],
        true);

    private string Compose(List<PolicyClause> cited)
    {
        var top = cited[0];
        var verdict = top.Id == "review" ? AboutThePolicy() : top.Summary ?? $"Here is what the {_policy.Metadata.Title} says.";
        if (cited.Count > 1 && cited[1].Summary is { } second && top.Id != "review")
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
