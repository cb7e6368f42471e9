using System.Security.Cryptography;
using System.Text;

namespace WWPS.PolicyBot.Dialogs.Insights;

/// <summary>
/// How "the same question" is recognised: its words in lower case, apostrophes dropped, punctuation and spacing
/// ignored, and each placeholder the redaction left ([PHONE], [NAME]…) standing for whatever personal detail was
/// there. "Can I give parents my number 07700 900123?" and "can i give parents my number: 07700 900 456" are one
/// question; "can I give parents my mobile number?" is another.
/// </summary>
/// <remarks>
/// Chosen over sentence similarity (MiniLM) on purpose: a Manager who says "covered by clause X" is answering the
/// question she read, and an exact rule never stretches her decision to a question she did not see. The placeholders
/// make it work on redacted text: the key is built from what is stored (personal data taken out), yet it matches the
/// question as the next person types it, with their own number or child's name in it, without running the personal
/// data recogniser on every question.
/// </remarks>
internal static class QuestionKey
{
    /// <summary>A placeholder in a key: one to <see cref="MaxWildcardWords"/> words of the question asked.</summary>
    public const string Wildcard = "[*]";

    /// <summary>
    /// The most words one placeholder stands for: a phone number is two or three, an email three or four, an address
    /// with its postcode five or six.
    /// </summary>
    internal const int MaxWildcardWords = 8;

    /// <summary>The key of a (redacted) question: its words joined by single spaces, placeholders as <see cref="Wildcard"/>.</summary>
    public static string Of(string text) => string.Join(' ', Words(text));

    /// <summary>
    /// A short id for a key, for addresses and forms: questions never go in a URL, which servers and proxies log.
    /// </summary>
    public static string Id(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];
    }

    public static bool HasWildcard(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Contains(Wildcard, StringComparison.Ordinal);
    }

    /// <summary>
    /// True when <paramref name="words"/> (a question's <see cref="Words"/>) is <paramref name="key"/> with each
    /// placeholder standing for one to <see cref="MaxWildcardWords"/> words.
    /// </summary>
    public static bool Matches(string[] key, IReadOnlyList<string> words)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(words);

        // reachable[j]: the first i key words can match the first j question words. A key is a few dozen words.
        var reachable = new bool[words.Count + 1];
        reachable[0] = true;
        foreach (var part in key)
        {
            var next = new bool[words.Count + 1];
            for (var j = 0; j < words.Count; j++)
            {
                if (!reachable[j])
                {
                    continue;
                }

                if (part == Wildcard)
                {
                    for (var take = 1; take <= MaxWildcardWords && j + take <= words.Count; take++)
                    {
                        next[j + take] = true;
                    }
                }
                else if (string.Equals(part, words[j], StringComparison.Ordinal))
                {
                    next[j + 1] = true;
                }
            }

            reachable = next;
        }

        return reachable[words.Count];
    }

    /// <summary>
    /// The words of a text as a key reads them. A placeholder is one word, together with anything written onto it
    /// ("[CHILD]'s" is one, as "Leo's" is one word).
    /// </summary>
    public static List<string> Words(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        var word = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (PlaceholderAt(text, i) is { } end)
            {
                i = end;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || IsApostrophe(text[i])))
                {
                    i++;
                }

                words.Add(Wildcard);
                continue;
            }

            var c = text[i++];
            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
                if (i < text.Length && (char.IsLetterOrDigit(text[i]) || IsApostrophe(text[i])))
                {
                    continue;
                }
            }
            else if (IsApostrophe(c) && word.Length > 0 && i < text.Length && char.IsLetterOrDigit(text[i]))
            {
                continue;
            }

            if (word.Length > 0)
            {
                words.Add(word.ToString());
                word.Clear();
            }
        }

        return words;
    }

    /// <summary>Where a redaction placeholder ("[PHONE]", "[DATE OF BIRTH]") starting at <paramref name="start"/> ends.</summary>
    private static int? PlaceholderAt(string text, int start)
    {
        if (text[start] != '[')
        {
            return null;
        }

        var i = start + 1;
        while (i < text.Length && (char.IsAsciiLetterUpper(text[i]) || text[i] == ' '))
        {
            i++;
        }

        return i > start + 1 && i < text.Length && text[i] == ']' && text[start + 1] != ' ' ? i + 1 : null;
    }

    private static bool IsApostrophe(char c) => c is '\'' or '\u2019';
}
