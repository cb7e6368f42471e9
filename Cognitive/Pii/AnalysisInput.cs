using System.Collections.Frozen;

namespace WWPS.PolicyBot.Cognitive.Pii;

/// <summary>A word of the input: letters or digits, with apostrophes and hyphens allowed between letters ("Leo's", "Smith-Jones").</summary>
internal readonly record struct Token(int Start, int Length)
{
    public int End => Start + Length;
}

/// <summary>
/// The text plus its words, computed once per call and shared by every recognizer so that context look-ups
/// ("a context word within five words before") cost a binary search and a set probe, not a re-scan.
/// </summary>
internal sealed class AnalysisInput
{
    private readonly List<Token> _tokens;

    public AnalysisInput(string text)
    {
        Text = text;
        _tokens = Tokenize(text);
    }

    public string Text { get; }

    public IReadOnlyList<Token> Tokens => _tokens;

    public ReadOnlySpan<char> Span(Token token) => Text.AsSpan(token.Start, token.Length);

    /// <summary>Index of the first token that starts at or after <paramref name="position"/>.</summary>
    public int TokenIndexAtOrAfter(int position)
    {
        int lo = 0, hi = _tokens.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_tokens[mid].Start < position) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /// <summary>True when one of the <paramref name="window"/> words before <paramref name="start"/> is in <paramref name="words"/> (case-insensitive set).</summary>
    public bool HasContextBefore(int start, FrozenSet<string> words, int window = Scoring.ContextWindow)
    {
        var lookup = words.GetAlternateLookup<ReadOnlySpan<char>>();
        int i = TokenIndexAtOrAfter(start) - 1;
        for (int seen = 0; i >= 0 && seen < window; i--, seen++)
        {
            if (lookup.Contains(WithoutPossessive(Span(_tokens[i])))) return true;
        }
        return false;
    }

    /// <summary>True when the text contains any of <paramref name="words"/> as a whole word.</summary>
    public bool ContainsWord(FrozenSet<string> words)
    {
        var lookup = words.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var token in _tokens)
        {
            if (lookup.Contains(WithoutPossessive(Span(token)))) return true;
        }
        return false;
    }

    /// <summary>"Leo's" and "James'" look up as "Leo" and "James"; both apostrophe forms occur in pasted text.</summary>
    public static ReadOnlySpan<char> WithoutPossessive(ReadOnlySpan<char> word)
    {
        if (word.Length > 2 && (word[^1] is 's' or 'S') && IsApostrophe(word[^2])) return word[..^2];
        if (word.Length > 1 && IsApostrophe(word[^1])) return word[..^1];
        return word;
    }

    public static bool IsApostrophe(char c) => c is '\'' or '\u2019';

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>(text.Length / 4 + 4);
        int i = 0;
        while (i < text.Length)
        {
            if (!char.IsLetterOrDigit(text[i])) { i++; continue; }
            int start = i++;
            while (i < text.Length)
            {
                char c = text[i];
                if (char.IsLetterOrDigit(c)) { i++; continue; }
                // Joiners only between letters, so "Leo's" is one word but "Leo - " is not.
                if ((IsApostrophe(c) || c == '-') && i + 1 < text.Length && char.IsLetter(text[i + 1]) && char.IsLetter(text[i - 1])) { i++; continue; }
                break;
            }
            // A trailing apostrophe after s is a plural possessive ("James'") and belongs to the word.
            if (i < text.Length && IsApostrophe(text[i]) && text[i - 1] is 's' && (i + 1 == text.Length || !char.IsLetter(text[i + 1]))) i++;
            tokens.Add(new Token(start, i - start));
        }
        return tokens;
    }
}
