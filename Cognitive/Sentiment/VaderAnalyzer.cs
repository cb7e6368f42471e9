using System.Collections.Frozen;
using WWPS.PolicyBot.Cognitive.Analysis;

namespace WWPS.PolicyBot.Cognitive.Sentiment;

/// <summary>
/// Offline VADER sentiment (Hutto &amp; Gilbert, 2014), ported rule for rule. Immutable and thread-safe; the
/// factory methods return shared instances because the lexicons are loaded once per process.
/// </summary>
public sealed partial class VaderAnalyzer : ISentimentAnalyzer
{
    // README thresholds of the reference implementation.
    private const double LabelThreshold = 0.05;

    // Normalisation constant: approximates the largest raw sum seen in practice.
    private const double Alpha = 15;

    private static readonly Lazy<VaderAnalyzer> s_default = new(() =>
        new VaderAnalyzer(VaderGrammar.Canonical, VaderLexicons.Tuned, VaderLexicons.Emojis, normalizeApostrophes: true));

    private static readonly Lazy<VaderAnalyzer> s_plainNpm = new(() =>
        new VaderAnalyzer(VaderGrammar.NpmPort, VaderLexicons.Reference, emojis: null, normalizeApostrophes: false));

    private static readonly Lazy<VaderAnalyzer> s_plainCanonical = new(() =>
        new VaderAnalyzer(VaderGrammar.Canonical, VaderLexicons.Reference, VaderLexicons.Emojis, normalizeApostrophes: false));

    private readonly VaderGrammar _grammar;
    private readonly FrozenDictionary<string, double> _lexicon;
    private readonly FrozenDictionary<int, string>? _emojis;
    private readonly bool _normalizeApostrophes;

    internal VaderAnalyzer(
        VaderGrammar grammar,
        FrozenDictionary<string, double> lexicon,
        FrozenDictionary<int, string>? emojis,
        bool normalizeApostrophes)
    {
        _grammar = grammar;
        _lexicon = lexicon;
        _emojis = emojis;
        _normalizeApostrophes = normalizeApostrophes;
    }

    public VaderRules Rules => _grammar.Rules;

    /// <summary>
    /// Tuned for the preschool: canonical rules, the reference lexicon plus <c>domain-lexicon.tsv</c>, and typographic
    /// apostrophes read as ASCII ones (phones type "don’t", which VADER would otherwise not see as a negation).
    /// </summary>
    public static VaderAnalyzer CreateDefault() => s_default.Value;

    /// <summary>The reference lexicon only, with the chosen rules. <see cref="VaderRules.NpmPort"/> reproduces npm <c>vader-sentiment</c> 1.1.3.</summary>
    public static VaderAnalyzer CreatePlain(VaderRules rules = VaderRules.NpmPort) => rules switch
    {
        VaderRules.NpmPort => s_plainNpm.Value,
        VaderRules.Canonical => s_plainCanonical.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(rules), rules, null),
    };

    /// <summary>"positive" at compound ≥ 0.05, "negative" at ≤ −0.05, otherwise "neutral".</summary>
    public static string LabelFor(double compound) =>
        compound >= LabelThreshold ? "positive" : compound <= -LabelThreshold ? "negative" : "neutral";

    public SentimentResult Analyze(string text)
    {
        var scores = PolarityScores(text);
        return new SentimentResult(
            LabelFor(scores.Compound),
            scores.Compound,
            new SentimentScores(scores.Positive, scores.Neutral, scores.Negative));
    }

    public VaderScores PolarityScores(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_normalizeApostrophes)
        {
            text = text.Replace('\u2019', '\'').Replace('\u2018', '\'');
        }

        if (_emojis is not null)
        {
            text = VaderText.ReplaceEmojis(text, _emojis);
        }

        var words = _grammar.IsCanonical ? VaderText.TokenizeCanonical(text) : VaderText.TokenizeNpm(text);
        var tokens = new Token[words.Count];
        var upperCount = 0;
        for (var i = 0; i < tokens.Length; i++)
        {
            tokens[i] = MakeToken(words[i]);
            if (tokens[i].IsUpper)
            {
                upperCount++;
            }
        }

        // Caps only signal emphasis when the text mixes ALL-CAPS and other words.
        var capsDiffer = upperCount > 0 && upperCount < tokens.Length;
        var sentiments = new double[tokens.Length];
        for (var i = 0; i < tokens.Length; i++)
        {
            var lower = tokens[i].Lower;
            var isModifier = _grammar.Boosters.ContainsKey(lower)
                || (lower == "kind" && i < tokens.Length - 1 && tokens[i + 1].Lower == "of");
            sentiments[i] = isModifier ? 0 : Valence(tokens, i, capsDiffer);
        }

        ApplyButRule(tokens, sentiments);
        return Score(sentiments, text);
    }

    private Token MakeToken(string text)
    {
        var lower = text.ToLowerInvariant();
        var inLexicon = _lexicon.TryGetValue(lower, out var valence);
        var isUpper = _grammar.IsCanonical ? IsUpperPython(text) : IsUpperAscii(text);
        // The npm port compares several cue words ("never", "but", negators, idioms) case-sensitively.
        var key = _grammar.IsCanonical ? lower : text;
        return new Token(text, lower, key, inLexicon, valence, isUpper);
    }

    private double Valence(Token[] tokens, int i, bool capsDiffer)
    {
        ref readonly var token = ref tokens[i];
        if (!token.InLexicon)
        {
            return 0;
        }

        var valence = token.Valence;
        if (_grammar.IsCanonical)
        {
            // "no" before a sentiment word negates it instead of counting as a negative word itself.
            if (token.Lower == "no" && i != tokens.Length - 1 && tokens[i + 1].InLexicon)
            {
                valence = 0;
            }

            if ((i > 0 && tokens[i - 1].Lower == "no")
                || (i > 1 && tokens[i - 2].Lower == "no")
                || (i > 2 && tokens[i - 3].Lower == "no" && tokens[i - 1].Lower is "or" or "nor"))
            {
                valence = token.Valence * VaderGrammar.NegationScalar;
            }
        }

        if (token.IsUpper && capsDiffer)
        {
            valence += valence > 0 ? VaderGrammar.CapsIncrement : -VaderGrammar.CapsIncrement;
        }

        for (var distance = 0; distance < 3; distance++)
        {
            var j = i - distance - 1;
            if (j < 0 || tokens[j].InLexicon)
            {
                continue;
            }

            var scalar = BoosterScalar(tokens[j], valence, capsDiffer);
            if (scalar != 0)
            {
                // A booster further away counts for less.
                scalar *= distance switch { 1 => 0.95, 2 => 0.9, _ => 1 };
            }

            valence += scalar;
            valence = ApplyNegation(tokens, i, distance, valence);
            if (distance == 2)
            {
                valence = ApplyIdioms(tokens, i, valence);
            }
        }

        return ApplyLeastRule(tokens, i, valence);
    }

    private static VaderScores Score(double[] sentiments, string text)
    {
        if (sentiments.Length == 0)
        {
            return new VaderScores(0, 0, 0, 0);
        }

        var sum = 0.0;
        foreach (var s in sentiments)
        {
            sum += s;
        }

        var emphasis = PunctuationEmphasis(text);
        if (sum > 0)
        {
            sum += emphasis;
        }
        else if (sum < 0)
        {
            sum -= emphasis;
        }

        var compound = Math.Clamp(sum / Math.Sqrt(sum * sum + Alpha), -1, 1);

        // Each sentiment word counts its valence plus one, so that it weighs against neutral words counted as one.
        double positive = 0, negative = 0;
        var neutral = 0;
        foreach (var s in sentiments)
        {
            if (s > 0)
            {
                positive += s + 1;
            }
            else if (s < 0)
            {
                negative += s - 1;
            }
            else
            {
                neutral++;
            }
        }

        if (positive > Math.Abs(negative))
        {
            positive += emphasis;
        }
        else if (positive < Math.Abs(negative))
        {
            negative -= emphasis;
        }

        var total = positive + Math.Abs(negative) + neutral;
        return new VaderScores(
            Round(Math.Abs(negative / total), 3),
            Round(Math.Abs(neutral / total), 3),
            Round(Math.Abs(positive / total), 3),
            Round(compound, 4));
    }

    /// <summary>Up to four '!' add 0.292 each; two or three '?' add 0.18 each, more add 0.96.</summary>
    private static double PunctuationEmphasis(string text)
    {
        var span = text.AsSpan();
        var exclamations = Math.Min(span.Count('!'), 4);
        var questions = span.Count('?');
        var questionEmphasis = questions <= 1 ? 0 : questions <= 3 ? questions * 0.18 : 0.96;
        return exclamations * 0.292 + questionEmphasis;
    }

    // The references round half away from zero on the magnitude (JavaScript's toFixed).
    private static double Round(double value, int digits) => Math.Round(value, digits, MidpointRounding.AwayFromZero);

    /// <summary>The JavaScript port's test: no a–z and at least one A–Z (so ":)" is not upper case, ":)WORD" is).</summary>
    private static bool IsUpperAscii(string word)
    {
        var hasUpper = false;
        foreach (var c in word)
        {
            if (char.IsAsciiLetterLower(c))
            {
                return false;
            }

            hasUpper |= char.IsAsciiLetterUpper(c);
        }

        return hasUpper;
    }

    /// <summary>Python's str.isupper(): at least one cased letter and none lower- or title-case.</summary>
    private static bool IsUpperPython(string word)
    {
        var hasUpper = false;
        foreach (var c in word)
        {
            if (char.IsLower(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.TitlecaseLetter)
            {
                return false;
            }

            hasUpper |= char.IsUpper(c);
        }

        return hasUpper;
    }

    private readonly record struct Token(string Text, string Lower, string Key, bool InLexicon, double Valence, bool IsUpper);
}
