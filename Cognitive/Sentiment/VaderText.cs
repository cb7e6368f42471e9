using System.Buffers;
using System.Collections.Frozen;
using System.Text;

namespace WWPS.PolicyBot.Cognitive.Sentiment;

/// <summary>
/// Text preparation for VADER: emoji substitution and the two published tokenisers. Kept separate from scoring
/// because this is where the two reference implementations differ most, and it is easy to test on its own.
/// </summary>
internal static class VaderText
{
    // Python's string.punctuation; the JavaScript port's punctuation regex is the same 32 characters.
    private const string AsciiPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    private static readonly SearchValues<char> s_asciiPunctuation = SearchValues.Create(AsciiPunctuation);

    // The JavaScript port only strips punctuation that is exactly one of these before or after a word.
    private static readonly FrozenSet<string> s_npmPunctuationAffixes = FrozenSet.ToFrozenSet(
        [".", "!", "?", ",", ";", ":", "-", "'", "\"", "!!", "!!!", "??", "???", "?!?", "!?!", "?!?!", "!?!?"],
        StringComparer.Ordinal);

    /// <summary>
    /// Replaces each emoji code point by its description, spaced from preceding text but not from following
    /// text (the canonical implementation's exact behaviour: "😀abc" becomes "grinning faceabc"), then trims.
    /// </summary>
    public static string ReplaceEmojis(string text, FrozenDictionary<int, string> emojis)
    {
        var firstNonAscii = text.AsSpan().IndexOfAnyExceptInRange('\0', '\u007f');
        if (firstNonAscii < 0)
        {
            return TrimPython(text);
        }

        var builder = new StringBuilder(text.Length + 32);
        builder.Append(text, 0, firstNonAscii);
        var previousWasSpace = firstNonAscii == 0 || text[firstNonAscii - 1] == ' ';
        for (var i = firstNonAscii; i < text.Length; i++)
        {
            var c = text[i];
            var width = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            var codePoint = width == 2 ? char.ConvertToUtf32(c, text[i + 1]) : c;
            if (emojis.TryGetValue(codePoint, out var description))
            {
                if (!previousWasSpace)
                {
                    builder.Append(' ');
                }

                builder.Append(description);
                previousWasSpace = false;
            }
            else
            {
                builder.Append(text, i, width);
                previousWasSpace = c == ' ';
            }

            i += width - 1;
        }

        return TrimPython(builder.ToString());
    }

    /// <summary>vaderSentiment 3.3: split on whitespace; strip surrounding punctuation unless that leaves ≤ 2 characters (keeps ":)", "ok").</summary>
    public static List<string> TokenizeCanonical(string text)
    {
        var tokens = new List<string>(text.Length / 5 + 1);
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && IsPythonWhitespace(text[i]))
            {
                i++;
            }

            var start = i;
            while (i < text.Length && !IsPythonWhitespace(text[i]))
            {
                i++;
            }

            if (i > start)
            {
                tokens.Add(StripPunctuationIfWord(text, start, i - start));
            }
        }

        return tokens;
    }

    /// <summary>
    /// vader-sentiment 1.1.3: split on whitespace, drop tokens of one UTF-16 unit, and remove a punctuation prefix or
    /// suffix only when it is one of the listed affixes and what remains is a punctuation-free word of 2+ characters.
    /// </summary>
    public static List<string> TokenizeNpm(string text)
    {
        var tokens = new List<string>(text.Length / 5 + 1);
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && IsJavaScriptWhitespace(text[i]))
            {
                i++;
            }

            var start = i;
            while (i < text.Length && !IsJavaScriptWhitespace(text[i]))
            {
                i++;
            }

            if (i - start > 1)
            {
                tokens.Add(StripNpmAffix(text.Substring(start, i - start)));
            }
        }

        return tokens;
    }

    private static string StripPunctuationIfWord(string text, int start, int length)
    {
        var token = text.AsSpan(start, length);
        var stripped = token.Trim(AsciiPunctuation);
        // Python counts code points, not UTF-16 units.
        var codePoints = stripped.Length;
        foreach (var c in stripped)
        {
            if (char.IsLowSurrogate(c))
            {
                codePoints--;
            }
        }

        return codePoints <= 2 ? token.ToString() : stripped.ToString();
    }

    private static string StripNpmAffix(string token)
    {
        var lead = 0;
        while (lead < token.Length && IsAsciiPunctuation(token[lead]))
        {
            lead++;
        }

        if (lead == token.Length)
        {
            return token;
        }

        var trail = 0;
        while (IsAsciiPunctuation(token[token.Length - 1 - trail]))
        {
            trail++;
        }

        if ((lead > 0) == (trail > 0))
        {
            return token;
        }

        var core = lead > 0 ? token.AsSpan(lead) : token.AsSpan(0, token.Length - trail);
        var affix = lead > 0 ? token.AsSpan(0, lead) : token.AsSpan(token.Length - trail);
        if (core.Length < 2 || core.ContainsAny(s_asciiPunctuation))
        {
            return token;
        }

        return s_npmPunctuationAffixes.GetAlternateLookup<ReadOnlySpan<char>>().Contains(affix) ? core.ToString() : token;
    }

    private static bool IsAsciiPunctuation(char c) => s_asciiPunctuation.Contains(c);

    private static string TrimPython(string text)
    {
        var start = 0;
        var end = text.Length;
        while (start < end && IsPythonWhitespace(text[start]))
        {
            start++;
        }

        while (end > start && IsPythonWhitespace(text[end - 1]))
        {
            end--;
        }

        return start == 0 && end == text.Length ? text : text[start..end];
    }

    // str.isspace(): .NET's Unicode whitespace plus the four ASCII separators U+001C..U+001F.
    private static bool IsPythonWhitespace(char c) => char.IsWhiteSpace(c) || c is >= '\u001c' and <= '\u001f';

    // JavaScript's \s: .NET's Unicode whitespace, minus NEL (U+0085), plus the BOM (U+FEFF).
    private static bool IsJavaScriptWhitespace(char c) => c == '\ufeff' || (c != '\u0085' && char.IsWhiteSpace(c));
}
