using System.Text.RegularExpressions;
using WWPS.PolicyBot.Cognitive.Answering;

namespace WWPS.PolicyBot.Dialogs.PolicyBot;

/// <summary>
/// Short follow-ups ("what about Instagram?", "and on snapchat?", "what if they ask first?") mean nothing alone; they
/// are answered together with the question before them, and stay with its clauses unless their own words clearly
/// point at another clause ("what about photos of the kids?").
/// </summary>
internal static partial class FollowUps
{
    /// <summary>Longer than this and a message carries its own context.</summary>
    internal const int MaxWords = 8;

    /// <summary>
    /// How sure a follow-up read alone must be of a different clause to leave the earlier question behind. Set
    /// between what a topic word scores alone ("what about photos of the kids?" finds the photos clause at 0.49) and
    /// what a platform name picks up by chance ("what about Instagram?" finds "own insta" at 0.32).
    /// </summary>
    internal const double ElsewhereScore = 0.45;

    private static readonly string[] Cues =
    [
        "what about", "how about", "what if", "what happens if", "and what", "and if", "and on", "and for", "and ",
        "but what", "but if", "but ", "or ", "also", "same for", "same with", "same on", "same goes", "even if", "even when",
        "does that", "does it", "does this", "is that", "is it the same", "would that", "would it", "what else", "ok and", "ok what",
        "okay and", "what about if", "how about if", "then what", "and then",
    ];

    private static readonly HashSet<string> Prepositions = new(StringComparer.OrdinalIgnoreCase)
    {
        "on", "in", "for", "with", "via", "by", "at", "over", "through",
    };

    // Platforms are what people swap in a follow-up; a platform alone never moves an answer to another clause. Each with
    // the name the answer calls it by ("what about insta?" is answered "on Instagram").
    private static readonly Dictionary<string, string> Platforms = new(StringComparer.OrdinalIgnoreCase)
    {
        ["facebook"] = "Facebook", ["fb"] = "Facebook", ["instagram"] = "Instagram", ["insta"] = "Instagram", ["ig"] = "Instagram",
        ["snapchat"] = "Snapchat", ["snap"] = "Snapchat", ["tiktok"] = "TikTok", ["twitter"] = "Twitter", ["x"] = "X",
        ["whatsapp"] = "WhatsApp", ["linkedin"] = "LinkedIn", ["youtube"] = "YouTube", ["threads"] = "Threads", ["bluesky"] = "Bluesky",
        ["messenger"] = "Messenger", ["pinterest"] = "Pinterest", ["reddit"] = "Reddit", ["mumsnet"] = "Mumsnet", ["telegram"] = "Telegram",
        ["signal"] = "Signal", ["nextdoor"] = "Nextdoor", ["bereal"] = "BeReal",
    };

    private static readonly HashSet<string> Filler = new(StringComparer.OrdinalIgnoreCase)
    {
        "what", "about", "how", "and", "on", "for", "with", "via", "or", "but", "also", "same", "the", "a", "an", "is", "it",
        "that", "does", "do", "too", "then", "ok", "okay", "if", "in", "my", "their", "own",
    };

    public static bool IsFollowUp(string? text)
    {
        var words = Words(text);
        if (words.Count == 0 || words.Count > MaxWords)
        {
            return false;
        }

        var lower = string.Join(' ', words).ToLowerInvariant();
        if (Cues.Any(cue => cue.EndsWith(' ') ? lower.StartsWith(cue, StringComparison.Ordinal) : StartsWithWords(lower, cue)))
        {
            return true;
        }

        // "on snapchat?", "Instagram?": a bare place or platform is only ever said about the question before.
        return words.Count <= 3 && (Prepositions.Contains(words[0]) || words.All(Platforms.ContainsKey));
    }

    /// <summary>True when the words besides the cue are all platform names ("what about Instagram?").</summary>
    internal static bool OnlyPlatforms(string text)
    {
        var content = Words(text).Where(w => !Filler.Contains(w)).ToList();
        return content.Count > 0 && content.All(Platforms.ContainsKey);
    }

    /// <summary>The platforms a message names, as the answer should call them ("insta" → "Instagram"), or null.</summary>
    internal static string? PlatformsNamed(string text)
    {
        var named = Words(text).Select(w => Platforms.GetValueOrDefault(w)).OfType<string>().Distinct().ToList();
        return named.Count switch
        {
            0 => null,
            1 => named[0],
            _ => string.Join(", ", named[..^1]) + " and " + named[^1],
        };
    }

    /// <summary>
    /// Answers a question in the light of the one before. Returns the answer, whether it leans on the earlier
    /// question, and what to remember as "the last question" for the next follow-up.
    /// </summary>
    public static FollowUpAnswer Answer(PolicyAnswerer answerer, string text, string? previousQuestion, IReadOnlyList<string> previousClauses)
    {
        ArgumentNullException.ThrowIfNull(answerer);
        ArgumentNullException.ThrowIfNull(previousClauses);
        if (previousQuestion is null || previousClauses.Count == 0 || !IsFollowUp(text))
        {
            var fresh = answerer.Answer(text);
            return new FollowUpAnswer(fresh, FollowingOn: false, Remember: fresh.Abstained ? null : text);
        }

        var alone = answerer.Answer(text);
        if (!alone.Abstained
            && !alone.Clarify
            && !previousClauses.Contains(alone.Citations[0].Clause, StringComparer.Ordinal)
            && alone.Citations[0].Score >= ElsewhereScore
            && !OnlyPlatforms(text))
        {
            return new FollowUpAnswer(alone, FollowingOn: false, Remember: text);
        }

        var combined = answerer.Answer(previousQuestion + " " + text);
        if (!combined.Abstained && !combined.Clarify && combined.Citations.Any(c => previousClauses.Contains(c.Clause, StringComparer.Ordinal)))
        {
            return new FollowUpAnswer(combined, FollowingOn: true, Remember: previousQuestion, About: PlatformsNamed(text));
        }

        // The extra words pulled the reading somewhere they do not clearly mean; the earlier clauses still answer it
        // (the clause the user chose, after "Do you mean …?").
        var earlier = answerer.Answer(previousQuestion);
        if (earlier.Abstained || earlier.Clarify)
        {
            earlier = answerer.AnswerFrom(previousQuestion, previousClauses[0]) ?? earlier;
        }

        return new FollowUpAnswer(earlier, FollowingOn: true, Remember: previousQuestion, About: PlatformsNamed(text));
    }

    /// <summary>The message's words. Runs on every message, so it enumerates matches without allocating them.</summary>
    private static List<string> Words(string? text)
    {
        var words = new List<string>();
        if (string.IsNullOrEmpty(text))
        {
            return words;
        }

        foreach (var match in WordPattern().EnumerateMatches(text))
        {
            words.Add(text.Substring(match.Index, match.Length));
        }

        return words;
    }

    private static bool StartsWithWords(string text, string cue) =>
        text.StartsWith(cue, StringComparison.Ordinal) && (text.Length == cue.Length || text[cue.Length] == ' ');

    [GeneratedRegex(@"[\w']+", RegexOptions.CultureInvariant)]
    private static partial Regex WordPattern();
}

/// <param name="FollowingOn">The answer took the earlier question into account.</param>
/// <param name="Remember">The question a next follow-up builds on; null forgets it (the policy did not cover it).</param>
/// <param name="About">The platforms the follow-up named, for the answer to name them back ("on Instagram").</param>
internal sealed record FollowUpAnswer(PolicyAnswer Answer, bool FollowingOn, string? Remember, string? About = null);
