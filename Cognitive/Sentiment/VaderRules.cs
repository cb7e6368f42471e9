using System.Collections.Frozen;

namespace WWPS.PolicyBot.Cognitive.Sentiment;

/// <summary>Which published VADER the analyser reproduces. The two disagree on about 6% of review sentences.</summary>
public enum VaderRules
{
    /// <summary>
    /// npm <c>vader-sentiment</c> 1.1.3. The only reference we can run offline and in CI, so the port is proven
    /// against it sentence by sentence. It predates the "no" rule and emoji handling, drops one-character tokens,
    /// and its negation and "but" checks are case-sensitive.
    /// </summary>
    NpmPort,

    /// <summary>
    /// <c>vaderSentiment</c> 3.3.x (Python, the authors' own): emoji descriptions, the "no" rule, "without doubt",
    /// a longer booster list, case-insensitive checks. More accurate on the labelled review sets, so the tuned
    /// analyser uses it.
    /// </summary>
    Canonical,
}

/// <summary>The word lists and switches that differ between the two published VADERs.</summary>
internal sealed class VaderGrammar
{
    // Empirical constants from the VADER paper; both implementations share them.
    internal const double BoosterIncrement = 0.293;
    internal const double BoosterDecrement = -0.293;
    internal const double CapsIncrement = 0.733;
    internal const double NegationScalar = -0.74;

    private VaderGrammar(
        VaderRules rules,
        FrozenDictionary<string, double> boosters,
        (string[] Words, double Valence)[] specialCases,
        (string[] Words, double Valence)[] phraseBoosters)
    {
        Rules = rules;
        Boosters = boosters;
        SpecialCases = specialCases;
        PhraseBoosters = phraseBoosters;
    }

    public VaderRules Rules { get; }

    public bool IsCanonical => Rules == VaderRules.Canonical;

    /// <summary>Single-word intensifiers and dampeners.</summary>
    public FrozenDictionary<string, double> Boosters { get; }

    /// <summary>Idioms that override the valence of a lexicon word next to them ("the bomb", "yeah right").</summary>
    public (string[] Words, double Valence)[] SpecialCases { get; }

    /// <summary>Multi-word dampeners ("kind of"); a token never contains a space, so they are matched word by word.</summary>
    public (string[] Words, double Valence)[] PhraseBoosters { get; }

    public static FrozenSet<string> Negators { get; } = FrozenSet.ToFrozenSet(
    [
        "aint", "arent", "cannot", "cant", "couldnt", "darent", "didnt", "doesnt",
        "ain't", "aren't", "can't", "couldn't", "daren't", "didn't", "doesn't",
        "dont", "hadnt", "hasnt", "havent", "isnt", "mightnt", "mustnt", "neither",
        "don't", "hadn't", "hasn't", "haven't", "isn't", "mightn't", "mustn't",
        "neednt", "needn't", "never", "none", "nope", "nor", "not", "nothing", "nowhere",
        "oughtnt", "shant", "shouldnt", "uhuh", "wasnt", "werent",
        "oughtn't", "shan't", "shouldn't", "uh-uh", "wasn't", "weren't",
        "without", "wont", "wouldnt", "won't", "wouldn't", "rarely", "seldom", "despite",
    ], StringComparer.Ordinal);

    public static VaderGrammar NpmPort { get; } = new(
        VaderRules.NpmPort,
        BoosterMap(
            ["absolutely", "amazingly", "awfully", "completely", "considerably", "decidedly", "deeply", "effing",
             "enormously", "entirely", "especially", "exceptionally", "extremely", "fabulously", "flipping", "flippin",
             "fricking", "frickin", "frigging", "friggin", "fully", "fucking", "greatly", "hella", "highly", "hugely",
             "incredibly", "intensely", "majorly", "more", "most", "particularly", "purely", "quite", "really",
             "remarkably", "so", "substantially", "thoroughly", "totally", "tremendously", "uber", "unbelievably",
             "unusually", "utterly", "very"],
            ["almost", "barely", "hardly", "kinda", "kindof", "kind-of", "less", "little", "marginally",
             "occasionally", "partly", "scarcely", "slightly", "somewhat", "sorta", "sortof", "sort-of"]),
        [
            (["the", "shit"], 3), (["the", "bomb"], 3), (["bad", "ass"], 1.5), (["yeah", "right"], -2),
            (["cut", "the", "mustard"], 2), (["kiss", "of", "death"], -1.5), (["hand", "to", "mouth"], -2),
        ],
        [(["just", "enough"], BoosterDecrement), (["kind", "of"], BoosterDecrement), (["sort", "of"], BoosterDecrement)]);

    public static VaderGrammar Canonical { get; } = new(
        VaderRules.Canonical,
        BoosterMap(
            ["absolutely", "amazingly", "awfully", "completely", "considerable", "considerably", "decidedly", "deeply",
             "effing", "enormous", "enormously", "entirely", "especially", "exceptional", "exceptionally", "extreme",
             "extremely", "fabulously", "flipping", "flippin", "frackin", "fracking", "fricking", "frickin", "frigging",
             "friggin", "fully", "fuckin", "fucking", "fuggin", "fugging", "greatly", "hella", "highly", "hugely",
             "incredible", "incredibly", "intensely", "major", "majorly", "more", "most", "particularly", "purely",
             "quite", "really", "remarkably", "so", "substantially", "thoroughly", "total", "totally", "tremendous",
             "tremendously", "uber", "unbelievably", "unusually", "utter", "utterly", "very"],
            ["almost", "barely", "hardly", "kinda", "kindof", "kind-of", "less", "little", "marginal", "marginally",
             "occasional", "occasionally", "partly", "scarce", "scarcely", "slight", "slightly", "somewhat", "sorta",
             "sortof", "sort-of"]),
        [
            (["the", "shit"], 3), (["the", "bomb"], 3), (["bad", "ass"], 1.5), (["badass"], 1.5), (["bus", "stop"], 0),
            (["yeah", "right"], -2), (["kiss", "of", "death"], -1.5), (["to", "die", "for"], 3),
            (["beating", "heart"], 3.1), (["broken", "heart"], -2.9),
        ],
        [(["just", "enough"], BoosterDecrement), (["kind", "of"], BoosterDecrement), (["sort", "of"], BoosterDecrement)]);

    public static VaderGrammar For(VaderRules rules) => rules switch
    {
        VaderRules.NpmPort => NpmPort,
        VaderRules.Canonical => Canonical,
        _ => throw new ArgumentOutOfRangeException(nameof(rules), rules, null),
    };

    private static FrozenDictionary<string, double> BoosterMap(string[] increments, string[] decrements)
    {
        var map = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var word in increments)
        {
            map[word] = BoosterIncrement;
        }

        foreach (var word in decrements)
        {
            map[word] = BoosterDecrement;
        }

        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
