using System.Text.RegularExpressions;

namespace WWPS.PolicyBot.Dialogs.PolicyBot;

/// <summary>
/// The words the bot's buttons post, and the other ways people say the same thing. A button's title can be short
/// ("Yes") because the words it posts are not ("Yes, that helped"): a stray click on an old card still means
/// something on its own.
/// </summary>
internal static partial class Commands
{
    public const string AskAnother = "Ask another";
    public const string AskQuestion = "Ask a question";
    public const string Contact = "Talk to the Manager or Chair";
    public const string CheckPost = "Check my post";
    public const string CheckAgain = "Check again";
    public const string Helpful = "Yes, that helped";
    public const string NotHelpful = "No, that didn't help";
    public const string Help = "Help";
    public const string SomethingElse = "Something else";

    private static readonly HashSet<string> SomethingElseWords = new(StringComparer.OrdinalIgnoreCase)
    {
        SomethingElse, "none of these", "none of them", "neither", "none", "something different", "not those", "no, something else",
    };

    private static readonly HashSet<string> AskWords = new(StringComparer.OrdinalIgnoreCase)
    {
        AskAnother, AskQuestion, "ask another question", "another question", "i have a question", "i've got a question", "question",
    };

    private static readonly HashSet<string> ContactWords = new(StringComparer.OrdinalIgnoreCase)
    {
        Contact, "talk to the manager", "talk to the chair", "talk to a person", "talk to someone", "speak to someone",
        "speak to a person", "speak to the manager", "speak to the chair", "contact the manager", "contact the chair",
        "contact the preschool", "human", "a person", "real person", "manager or chair", "talk to the manager or the chair",
    };

    private static readonly HashSet<string> CheckWords = new(StringComparer.OrdinalIgnoreCase)
    {
        CheckPost, "check", "check a post", "check this post", "check my draft", "check a draft", "check this", "check post",
        "is this ok to post", "is this okay to post", "is this ok to post?", "can i post this", "can i post this?", "check my draft post",
        "review my post", "check my facebook post",
    };

    // Said before the draft on the same line: "check my post: Lovely day at…".
    private static readonly string[] CheckPrefixes =
    [
        "check my post", "check this post", "check my draft", "check this", "check", "is this ok to post", "is this okay to post", "can i post this",
    ];

    private static readonly HashSet<string> GreetingWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "hi", "hello", "hey", "hiya", "good morning", "good afternoon", "good evening", "hi there", "hello there",
    };

    private static readonly HashSet<string> ThanksWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "thanks", "thank you", "cheers", "ta", "thanks a lot", "thank you very much", "great thanks", "ok thanks", "brilliant thanks",
    };

    public static bool IsAsk(string? text) => AskWords.Contains(Clean(text));

    private static readonly HashSet<string> ConcernWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "i want to raise a concern", "raise a concern", "i'd like to raise a concern", "i would like to raise a concern", "i have a concern",
        "i've got a concern", "i want to complain", "i want to make a complaint", "make a complaint", "i have a complaint", "complaint", "concern",
        "report a concern", "i'd like to make a complaint",
    };

    public static bool IsContact(string? text) => ContactWords.Contains(Clean(text)) || ConcernWords.Contains(Clean(text)) || AskForRole().IsMatch(Clean(text));

    /// <summary>"I need to talk to the manager about a post" names whom they want; "talk to someone" does not.</summary>
    public static string? ContactRole(string? text)
    {
        var cleaned = Clean(text);
        return AskForRole().Match(cleaned) is { Success: true } match && !cleaned.Contains(" or ", StringComparison.OrdinalIgnoreCase)
            ? (match.Groups["role"].Value.StartsWith("chair", StringComparison.OrdinalIgnoreCase) ? "chair" : "manager")
            : ContactWords.Contains(cleaned) && !cleaned.Contains(" or ", StringComparison.OrdinalIgnoreCase)
                ? cleaned.Contains("manager", StringComparison.OrdinalIgnoreCase) ? "manager" : cleaned.Contains("chair", StringComparison.OrdinalIgnoreCase) ? "chair" : null
                : null;
    }

    /// <summary>
    /// A message that reads like a worry or a complaint rather than a question or a post ("I'm upset that…"): the bot
    /// offers to pass it on. Questions ("what if I'm worried about…?") are answered instead.
    /// </summary>
    public static bool ReadsLikeConcern(string? text)
    {
        var cleaned = Clean(text);
        return cleaned.Length > 0 && !PostDetector.IsQuestion(cleaned) && ConcernTone().IsMatch(cleaned);
    }

    [GeneratedRegex(@"^(?:(?:i|we)\s+(?:need|want|would like|'d like|wish)\s+to\s+|can\s+i\s+|please\s+(?:let\s+me\s+)?)?(?:talk|speak|chat)\s+(?:to|with)\s+(?:the\s+)?(?<role>manager|chair(?:man|woman|person)?)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AskForRole();

    [GeneratedRegex(@"\b(?:i'm|i am|we're|we are|i feel|i was|we were)\s+(?:really\s+|very\s+|quite\s+|so\s+)?(?:worried|concerned|upset|unhappy|not happy|angry|annoyed|uncomfortable|distressed)\b|\b(?:i want to|i'd like to|i wish to)\s+(?:complain|report)\b|\bcomplaint about\b|\bconcern about\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ConcernTone();

    public static bool IsCheck(string? text) => CheckWords.Contains(Clean(text)) || CheckWords.Contains(Clean(text) + "?");

    public static bool IsCheckAgain(string? text) => string.Equals(Clean(text), CheckAgain, StringComparison.OrdinalIgnoreCase);

    public static bool IsGreeting(string? text) => GreetingWords.Contains(Clean(text));

    public static bool IsThanks(string? text) => ThanksWords.Contains(Clean(text));

    public static bool IsSomethingElse(string? text) => SomethingElseWords.Contains(Clean(text));

    public static bool IsHelpful(string? text) => string.Equals(Clean(text), Helpful, StringComparison.OrdinalIgnoreCase);

    public static bool IsNotHelpful(string? text) => string.Equals(Clean(text), NotHelpful, StringComparison.OrdinalIgnoreCase);

    /// <summary>"check my post: Sports day was…" gives the draft after the command; null when there is none.</summary>
    public static string? DraftAfterCheck(string? text)
    {
        var trimmed = (text ?? string.Empty).Trim();
        foreach (var prefix in CheckPrefixes)
        {
            if (trimmed.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                // Punctuation or a new line must come between: "check again" and "checking in" are not drafts.
                var after = trimmed[prefix.Length..].TrimStart(' ', '\t');
                var separated = after.Length > 0 && after[0] is '?' or ':' or '-' or '—' or '\n' or '\r';
                var rest = after.TrimStart('?', ':', '-', '—', ' ', '\n', '\r', '\t');
                return separated && rest.Length > 0 ? rest : null;
            }
        }

        return null;
    }

    /// <summary>Trimmed, closing punctuation and repeated spaces gone, so "Thanks!" and "thanks" are the same.</summary>
    /// <remarks>One pass, no allocation when the text is clean already: every message is tested against several commands.</remarks>
    internal static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        Span<char> buffer = text.Length <= 512 ? stackalloc char[text.Length] : new char[text.Length];
        var length = 0;
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = length > 0;
                continue;
            }

            if (pendingSpace)
            {
                buffer[length++] = ' ';
                pendingSpace = false;
            }

            buffer[length++] = c;
        }

        while (length > 0 && buffer[length - 1] is '.' or '!' or ',' or ' ')
        {
            length--;
        }

        var cleaned = buffer[..length];
        return cleaned.SequenceEqual(text) ? text : new string(cleaned);
    }
}
