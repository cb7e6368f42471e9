using System.Text.Json.Serialization;
using WWPS.PolicyBot.Cognitive.Policy;
using WWPS.PolicyBot.Cognitive.Retrieval;

namespace WWPS.PolicyBot.Cognitive.Understanding;

/// <summary>What the question model makes of a question.</summary>
public enum QuestionOutcome
{
    /// <summary>One clause answers it.</summary>
    Answer,

    /// <summary>Torn between two or three clauses: ask "Do you mean …?" rather than guess.</summary>
    Clarify,

    /// <summary>The policy does not cover it.</summary>
    NotCovered,
}

/// <summary>The outcome and the clauses behind it, best first, each with the model's probability.</summary>
public sealed record QuestionReading(QuestionOutcome Outcome, IReadOnlyList<ClauseProbability> Clauses);

public sealed record ClauseProbability(string ClauseId, double Probability);

/// <summary>
/// The learned reading of a question: a classifier over the bundled policy's twelve clauses and "not covered", trained
/// on a corpus written in many voices (Training/README.md), over the shared sentence vector and the clauses' keyword
/// scores. Its thresholds were chosen
/// on persona-fold predictions by the training script, which writes them beside the model; the rule that
/// applies them is <see cref="Decide"/>, mirrored by <c>decide()</c> in train.py.
/// </summary>
public sealed class QuestionModel : IDisposable
{
    private const string Resource = "questions";
    private const string NotCoveredLabel = "none";

    private readonly LearnedHead<QuestionModelInfo> _head;
    private readonly SentenceEmbedder _embedder;
    private readonly PolicyDocument _policy;
    private readonly ClauseRetriever _lexical;
    private readonly int _none;

    private QuestionModel(LearnedHead<QuestionModelInfo> head, SentenceEmbedder embedder, PolicyDocument policy, ClauseRetriever lexical)
    {
        _head = head;
        _embedder = embedder;
        _policy = policy;
        _lexical = lexical;
        _none = Array.IndexOf(head.Info.Labels, NotCoveredLabel);
    }

    internal QuestionModelInfo Info => _head.Info;

    /// <summary>
    /// The bundled model, when <paramref name="policy"/> is the policy it was trained for (the same clauses, word for
    /// word); null for another policy, which is then answered by retrieval alone.
    /// </summary>
    public static QuestionModel? For(PolicyDocument policy, SentenceEmbedder embedder, ClauseRetriever lexical)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (!IsBundledPolicy(policy))
        {
            return null;
        }

        return new QuestionModel(LearnedHead<QuestionModelInfo>.LoadBundled(Resource, UnderstandingJsonContext.Default.QuestionModelInfo), embedder, policy, lexical);
    }

    public QuestionReading Read(string question) =>
        Decide(_head.Width > SentenceEmbedder.Dimensions
            ? _head.Run(_embedder.Embed(question), LexicalFeatures(_lexical, _policy, question))
            : _head.Run(_embedder.Embed(question)));

    /// <summary>
    /// The keyword scores (BM25 over the clause text, our summaries and keywords, with the synonym map) of every clause of
    /// <paramref name="policy"/>, in policy order: what the first design of the bot answered from, given to the
    /// learned model beside the sentence vector so it can weigh a telling word the vector blurs.
    /// </summary>
    public static float[] LexicalFeatures(ClauseRetriever lexical, PolicyDocument policy, string text)
    {
        var scores = lexical.Search(text, policy.Clauses.Count).ToDictionary(m => m.Clause.Id, m => m.Score, StringComparer.Ordinal);
        return [.. policy.Clauses.Select(c => (float)scores.GetValueOrDefault(c.Id))];
    }

    /// <summary>The calibrated rule over the model's probabilities (labels in <see cref="QuestionModelInfo.Labels"/> order).</summary>
    internal QuestionReading Decide(float[] probabilities)
    {
        var t = Info.Thresholds;
        var ranked = Enumerable.Range(0, probabilities.Length)
            .Where(i => i != _none)
            .OrderByDescending(i => probabilities[i])
            .Take(3)
            .Select(i => new ClauseProbability(Info.Labels[i], probabilities[i]))
            .ToList();
        var (p1, p2) = (ranked[0].Probability, ranked[1].Probability);

        // "Not covered" must win outright, or no clause be even plausible: the model is never made to guess.
        if (probabilities[_none] >= t.None || p1 < t.Floor)
        {
            return new QuestionReading(QuestionOutcome.NotCovered, []);
        }

        if (p1 >= t.Answer || p1 - p2 >= t.Margin)
        {
            return new QuestionReading(QuestionOutcome.Answer, ranked);
        }

        var options = ranked.Where(c => c.Probability >= t.Option).ToList();
        return options.Count >= 2
            ? new QuestionReading(QuestionOutcome.Clarify, options)
            : new QuestionReading(QuestionOutcome.Answer, ranked);
    }

    public void Dispose() => _head.Dispose();

    /// <summary>Whether <paramref name="policy"/> has the bundled policy's clauses, word for word: what the models know.</summary>
    internal static bool IsBundledPolicy(PolicyDocument policy) => SamePolicy(policy, Bundled.Value);

    private static readonly Lazy<PolicyDocument> Bundled = new(PolicyLoader.LoadBundled);

    private static bool SamePolicy(PolicyDocument a, PolicyDocument b) =>
        a.Clauses.Count == b.Clauses.Count
        && a.Clauses.Zip(b.Clauses).All(p => p.First.Id == p.Second.Id && Words(p.First.Text) == Words(p.Second.Text));

    private static string Words(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}

/// <summary>questions.json, as train.py writes it.</summary>
internal sealed record QuestionModelInfo : LearnedHeadInfo
{
    /// <summary>The output classes: clause ids of the bundled policy, then "none".</summary>
    public required string[] Labels { get; init; }

    public required QuestionThresholds Thresholds { get; init; }
}

/// <param name="None">"Not covered" at or above this: abstain.</param>
/// <param name="Floor">The best clause below this: abstain.</param>
/// <param name="Answer">The best clause at or above this: answer.</param>
/// <param name="Margin">The best clause this far ahead of the next: answer.</param>
/// <param name="Option">Otherwise ask, offering the clauses at or above this.</param>
internal sealed record QuestionThresholds(double None, double Floor, double Answer, double Margin, double Option);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(QuestionModelInfo))]
[JsonSerializable(typeof(DraftModelInfo))]
internal sealed partial class UnderstandingJsonContext : JsonSerializerContext;
