using WWPS.PolicyBot.Cognitive.Analysis;

namespace WWPS.PolicyBot.Cognitive.Pii;

/// <summary>
/// Offline personal-data recognition for UK text in the Presidio style: each recognizer finds candidates, validates
/// them (checksums, libphonenumber) and scores them with context words; overlaps keep the best, then the longest.
/// Thread-safe and allocation-light: built once, shared by every turn.
/// </summary>
public sealed class LocalPiiAnalyzer : IPiiAnalyzer
{
    /// <summary>
    /// Presidio's default threshold is 0, which keeps every bare pattern hit. We choose 0.4 because Presidio's context
    /// enhancer floors a boosted score at 0.4: so a weak pattern (loose postcode 0.1, an ambiguous name like "May"
    /// 0.15, a lower-case name 0.1, a bare street name 0.3) passes only with a context word or cue, while validated
    /// hits (1.0), strict patterns (0.5–0.75) and capitalised gazetteer names (0.5–0.6) pass alone. For a draft check a miss costs more
    /// than a false alarm, so the line sits just where an uncorroborated weak hit stops counting.
    /// </summary>
    public const double DefaultScoreThreshold = 0.4;

    private readonly IPiiRecognizer[] _recognizers;
    private readonly double _threshold;

    public LocalPiiAnalyzer()
        : this(DefaultScoreThreshold)
    {
    }

    public LocalPiiAnalyzer(double scoreThreshold)
        : this(scoreThreshold, NameGazetteer.Default)
    {
    }

    internal LocalPiiAnalyzer(double scoreThreshold, NameGazetteer gazetteer)
    {
        _threshold = scoreThreshold;
        _recognizers =
        [
            new EmailRecognizer(),
            new SocialHandleRecognizer(),
            new PhoneRecognizer(),
            new NhsNumberRecognizer(),
            new NationalInsuranceRecognizer(),
            new PostcodeRecognizer(),
            new AddressRecognizer(gazetteer),
            new AgeRecognizer(gazetteer),
            new PersonNameRecognizer(gazetteer),
        ];
    }

    public IReadOnlyList<PiiEntity> Recognize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0) return [];

        var input = new AnalysisInput(text);
        var candidates = new List<PiiCandidate>();
        foreach (var recognizer in _recognizers) recognizer.Recognize(input, candidates);

        candidates.RemoveAll(c => c.Score < _threshold);
        if (candidates.Count == 0) return [];

        // Best score first, then longest, then leftmost; a candidate overlapping one already kept is dropped.
        // So a validated phone number beats a name inside it, and "Sophie Turner" beats "Sophie".
        candidates.Sort(static (a, b) =>
        {
            int byScore = b.Score.CompareTo(a.Score);
            if (byScore != 0) return byScore;
            int byLength = b.Length.CompareTo(a.Length);
            return byLength != 0 ? byLength : a.Start.CompareTo(b.Start);
        });

        var kept = new List<PiiCandidate>(candidates.Count);
        foreach (var candidate in candidates)
        {
            bool overlaps = false;
            foreach (var k in kept)
            {
                if (candidate.Start < k.End && k.Start < candidate.End) { overlaps = true; break; }
            }
            if (!overlaps) kept.Add(candidate);
        }

        kept.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        var result = new PiiEntity[kept.Count];
        for (int i = 0; i < kept.Count; i++)
        {
            var c = kept[i];
            result[i] = new PiiEntity(c.Category, text.Substring(c.Start, c.Length), c.Start, c.Length, Math.Round(c.Score, 2), c.Subcategory);
        }
        return result;
    }
}
