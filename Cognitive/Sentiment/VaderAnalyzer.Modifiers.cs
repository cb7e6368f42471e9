namespace WWPS.PolicyBot.Cognitive.Sentiment;

/// <summary>
/// The rules that change a word's valence by what stands around it: boosters and dampeners, negation, idioms,
/// "least", and the "but" that makes the clause after it count more.
/// </summary>
public sealed partial class VaderAnalyzer
{
    private double BoosterScalar(in Token word, double valence, bool capsDiffer)
    {
        if (!_grammar.Boosters.TryGetValue(word.Lower, out var scalar))
        {
            return 0;
        }

        if (valence < 0)
        {
            scalar = -scalar;
        }

        if (word.IsUpper && capsDiffer)
        {
            scalar += valence > 0 ? VaderGrammar.CapsIncrement : -VaderGrammar.CapsIncrement;
        }

        return scalar;
    }

    private double ApplyNegation(Token[] tokens, int i, int distance, double valence)
    {
        var canonical = _grammar.IsCanonical;
        switch (distance)
        {
            case 0:
                return IsNegator(tokens[i - 1]) ? valence * VaderGrammar.NegationScalar : valence;
            case 1:
                if (tokens[i - 2].Key == "never" && tokens[i - 1].Key is "so" or "this")
                {
                    // "never so good" intensifies; the two implementations disagree on by how much.
                    return valence * (canonical ? 1.25 : 1.5);
                }

                if (canonical && tokens[i - 2].Key == "without" && tokens[i - 1].Key == "doubt")
                {
                    return valence;
                }

                return IsNegator(tokens[i - 2]) ? valence * VaderGrammar.NegationScalar : valence;
            default:
                // Both implementations apply 1.25 whenever the word right before is "so"/"this", with or without "never".
                if ((tokens[i - 3].Key == "never" && tokens[i - 2].Key is "so" or "this")
                    || tokens[i - 1].Key is "so" or "this")
                {
                    return valence * 1.25;
                }

                if (canonical && tokens[i - 3].Key == "without" && (tokens[i - 2].Key == "doubt" || tokens[i - 1].Key == "doubt"))
                {
                    return valence;
                }

                return IsNegator(tokens[i - 3]) ? valence * VaderGrammar.NegationScalar : valence;
        }
    }

    private static bool IsNegator(in Token word) =>
        VaderGrammar.Negators.Contains(word.Key) || word.Key.Contains("n't", StringComparison.Ordinal);

    /// <summary>Idioms around the word override its valence; "kind of"/"sort of" before it dampen it. Only reached with i ≥ 3.</summary>
    private double ApplyIdioms(Token[] tokens, int i, double valence)
    {
        var special = _grammar.SpecialCases;
        // Order matters: the first preceding sequence that matches wins, then following sequences override it.
        if (TryMatch(special, tokens, i - 1, 2, out var idiom)
            || TryMatch(special, tokens, i - 2, 3, out idiom)
            || TryMatch(special, tokens, i - 2, 2, out idiom)
            || TryMatch(special, tokens, i - 3, 3, out idiom)
            || TryMatch(special, tokens, i - 3, 2, out idiom))
        {
            valence = idiom;
        }

        if (tokens.Length - 1 > i && TryMatch(special, tokens, i, 2, out idiom))
        {
            valence = idiom;
        }

        if (tokens.Length - 1 > i + 1 && TryMatch(special, tokens, i, 3, out idiom))
        {
            valence = idiom;
        }

        if (TryMatch(_grammar.PhraseBoosters, tokens, i - 3, 2, out var damp)
            || TryMatch(_grammar.PhraseBoosters, tokens, i - 2, 2, out damp))
        {
            valence += damp;
        }

        return valence;
    }

    private static bool TryMatch((string[] Words, double Valence)[] phrases, Token[] tokens, int start, int length, out double valence)
    {
        foreach (var (words, phraseValence) in phrases)
        {
            if (words.Length != length)
            {
                continue;
            }

            var matched = true;
            for (var k = 0; k < length && matched; k++)
            {
                matched = tokens[start + k].Key == words[k];
            }

            if (matched)
            {
                valence = phraseValence;
                return true;
            }
        }

        valence = 0;
        return false;
    }

    /// <summary>"least good" negates; "at least good" and "very least" do not.</summary>
    private static double ApplyLeastRule(Token[] tokens, int i, double valence)
    {
        if (i == 0 || tokens[i - 1].InLexicon || tokens[i - 1].Lower != "least")
        {
            return valence;
        }

        if (i > 1 && tokens[i - 2].Lower is "at" or "very")
        {
            return valence;
        }

        return valence * VaderGrammar.NegationScalar;
    }

    /// <summary>The clause after the first "but" dominates: before ×0.5, after ×1.5.</summary>
    private void ApplyButRule(Token[] tokens, double[] sentiments)
    {
        var butIndex = -1;
        if (_grammar.IsCanonical)
        {
            butIndex = IndexOf(tokens, static t => t.Lower == "but");
        }
        else
        {
            butIndex = IndexOf(tokens, static t => t.Text == "but");
            if (butIndex < 0)
            {
                butIndex = IndexOf(tokens, static t => t.Text == "BUT");
            }
        }

        if (butIndex < 0)
        {
            return;
        }

        if (!_grammar.IsCanonical)
        {
            for (var k = 0; k < sentiments.Length; k++)
            {
                sentiments[k] *= k < butIndex ? 0.5 : k > butIndex ? 1.5 : 1;
            }

            return;
        }

        // The canonical implementation finds each value's position with list.index(value), i.e. the first equal
        // value, so with repeated values it may rescale an earlier slot twice and skip a later one. Reproduced.
        for (var k = 0; k < sentiments.Length; k++)
        {
            var value = sentiments[k];
            var first = Array.IndexOf(sentiments, value);
            if (first < butIndex)
            {
                sentiments[first] = value * 0.5;
            }
            else if (first > butIndex)
            {
                sentiments[first] = value * 1.5;
            }
        }
    }

    private static int IndexOf(Token[] tokens, Func<Token, bool> match)
    {
        for (var i = 0; i < tokens.Length; i++)
        {
            if (match(tokens[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
