using System.Text.RegularExpressions;
using WWPS.PolicyBot.Cognitive.Drafts;

namespace WWPS.PolicyBot.Dialogs.PolicyBot;

/// <summary>
/// Tells a pasted draft post from a question, so someone who pastes their post without saying "check my post"
/// still gets it checked. Posts announce, thank and tag; questions ask. Each post-like sign scores a point or two
/// and a question needs none, so a short or asking message stays a question: wrongly checking a question costs a
/// confusing card, while wrongly answering a post would leave a risky post unchecked, so a photo alone is enough.
/// </summary>
internal static partial class PostDetector
{
    /// <summary>Points needed when the message does not look like a question.</summary>
    internal const int PostScore = 2;

    /// <summary>Points needed even with a question mark: "Who's coming to the fair? 🎉 #wwps" is still a post.</summary>
    internal const int PostScoreDespiteQuestion = 4;

    internal const int LongText = 120;

    private static readonly HashSet<string> QuestionStarts = new(StringComparer.OrdinalIgnoreCase)
    {
        "can", "could", "may", "might", "should", "shall", "must", "is", "are", "am", "was", "were", "do", "does", "did",
        "what", "whats", "what's", "when", "where", "who", "whom", "whose", "why", "how", "will", "would", "which",
        "if", "any", "anything", "tell", "explain", "please", "question",
        // The ways people misspell them in a hurry ("cn i add parnts on fb").
        "cn", "cani", "shld", "shud", "wat", "wot", "wht", "hw", "y", "r", "wen", "wer", "cld", "wld",
    };

    public static bool LooksLikePost(string? text, IReadOnlyList<DraftAttachment> attachments)
    {
        ArgumentNullException.ThrowIfNull(attachments);
        if (attachments.Any(a => a.IsPhotoOrVideo))
        {
            return true;
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var score = Score(text);
        return IsQuestion(text) ? score >= PostScoreDespiteQuestion : score >= PostScore;
    }

    internal static bool IsQuestion(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Contains('?', StringComparison.Ordinal))
        {
            return true;
        }

        var first = FirstWord().Match(trimmed);
        return first.Success && QuestionStarts.Contains(first.Value)
            || trimmed.StartsWith("i want to know", StringComparison.OrdinalIgnoreCase)
            || trimmed.StartsWith("i'd like to know", StringComparison.OrdinalIgnoreCase)
            || trimmed.StartsWith("i wonder", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The post-like signs in the text; see the class summary for why they weigh what they do.</summary>
    internal static int Score(string text)
    {
        var score = 0;
        if (Hashtag().IsMatch(text))
        {
            score += 2;
        }

        if (Emoji().IsMatch(text))
        {
            score += 2;
        }

        if (Mention().IsMatch(text) || Link().IsMatch(text))
        {
            score++;
        }

        if (text.Contains('!', StringComparison.Ordinal))
        {
            score++;
        }

        if (text.Length >= LongText)
        {
            score++;
        }

        if (Sentences().IsMatch(text))
        {
            score++;
        }

        // Posts speak as "we/our/my little one" or to "you/everyone"; questions about the policy speak as "I".
        if (Voice().IsMatch(text))
        {
            score++;
        }

        if (ContactDetails().IsMatch(text))
        {
            score++;
        }

        return score;
    }

    [GeneratedRegex(@"^[\w']+", RegexOptions.CultureInvariant)]
    private static partial Regex FirstWord();

    [GeneratedRegex(@"(?<![\w&])#[A-Za-z]\w*", RegexOptions.CultureInvariant)]
    private static partial Regex Hashtag();

    // Most emoji are outside the Basic Multilingual Plane (a surrogate pair in UTF-16); the rest are dingbats and symbols.
    [GeneratedRegex(@"\p{Cs}|[\u2600-\u27BF\u2B50\u2764]", RegexOptions.CultureInvariant)]
    private static partial Regex Emoji();

    [GeneratedRegex(@"(?<![\w.])@[A-Za-z]\w+", RegexOptions.CultureInvariant)]
    private static partial Regex Mention();

    [GeneratedRegex(@"https?://|www\.", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Link();

    // A full stop, exclamation or question mark with more text after it: more than one sentence.
    // A full stop, "!" or "?" with more words after it: more than one sentence, which questions rarely are.
    [GeneratedRegex(@"[.!?]+\s+(?=\S)", RegexOptions.CultureInvariant)]
    private static partial Regex Sentences();

    [GeneratedRegex(@"\b(we|we're|we've|we'll|our|ours|us|me|my little|little one|you|your|you're|everyone|everybody|anyone|thank you|thanks to|come along|join us|don't miss|today|tonight|this morning|yesterday)\b",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Voice();

    [GeneratedRegex(@"\b0\d{2,4}[ ]?\d{3}[ ]?\d{3,4}\b|\+44|\b[\w.+-]+@[\w-]+\.[\w.]+\b", RegexOptions.CultureInvariant)]
    private static partial Regex ContactDetails();
}
