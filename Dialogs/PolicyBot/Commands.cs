using System.Collections.Frozen;
using System.Text;
using System.Text.RegularExpressions;

namespace WWPS.PolicyBot.Dialogs.PolicyBot;

/// <summary>
/// What a whole message can mean on its own. One phrase may mean more than one thing ("yes" is feedback on an answer
/// and also "send it" when a concern is waiting to go): the dialog or route that is listening decides which applies.
/// </summary>
[Flags]
internal enum Command
{
    None = 0,
    Help = 1 << 0,
    Cancel = 1 << 1,
    StartOver = 1 << 2,
    Ask = 1 << 3,
    Contact = 1 << 4,
    Check = 1 << 5,
    CheckAgain = 1 << 6,
    Helpful = 1 << 7,
    NotHelpful = 1 << 8,
    Yes = 1 << 9,
    No = 1 << 10,
    SomethingElse = 1 << 11,
    Greeting = 1 << 12,
    Thanks = 1 << 13,
    WhoAmI = 1 << 14,
    List = 1 << 15,
    Mine = 1 << 16,
    Withdraw = 1 << 17,
    Send = 1 << 18,
    SendAnonymously = 1 << 19,
    Edit = 1 << 20,
    DontSend = 1 << 21,
    KeepDetails = 1 << 22,
}

/// <summary>
/// The one table of command words: the words the bot's buttons post, and the other ways people say the same thing.
/// A button's title can be short ("Yes") because the words it posts are not ("Yes, that helped"): a stray click on
/// an old card still means something on its own. Only a whole message is a command: "how do I cancel a session?"
/// is a question.
/// </summary>
/// <remarks>
/// Words that help read text rather than name a command stay with what reads it: <see cref="PostDetector"/>'s
/// question starts, <see cref="FollowUps"/>' cues, prepositions and filler, a choice prompt's synonyms.
/// </remarks>
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

    /// <summary>Written as people type them; each is looked up through <see cref="Normalize"/>, as messages are.</summary>
    private static readonly (Command Command, string[] Phrases)[] Table =
    [
        (Command.Help, [Help, "what can you do"]),
        (Command.Cancel, ["cancel", "stop", "quit", "exit", "never mind", "nevermind"]),
        (Command.StartOver, ["start over", "start again", "restart"]),
        (Command.Ask, [AskAnother, AskQuestion, "ask another question", "another question", "i have a question", "i've got a question", "question"]),
        (Command.Contact,
        [
            Contact, "talk to the manager", "talk to the chair", "talk to a person", "talk to someone", "speak to someone",
            "speak to a person", "speak to the manager", "speak to the chair", "contact the manager", "contact the chair",
            "contact the preschool", "human", "a person", "real person", "manager or chair", "talk to the manager or the chair",
            // Raising a concern is asking for them too.
            "i want to raise a concern", "raise a concern", "i'd like to raise a concern", "i would like to raise a concern", "i have a concern",
            "i've got a concern", "i want to complain", "i want to make a complaint", "make a complaint", "i have a complaint", "complaint", "concern",
            "report a concern", "i'd like to make a complaint",
        ]),
        (Command.Check,
        [
            CheckPost, "check", "check a post", "check this post", "check my draft", "check a draft", "check this", "check post",
            "is this ok to post", "is this okay to post", "can i post this", "check my draft post", "review my post", "check my facebook post",
        ]),
        (Command.CheckAgain, [CheckAgain]),
        (Command.Helpful, [Helpful]),
        (Command.NotHelpful, [NotHelpful]),
        (Command.Yes,
        [
            "yes", "y", "yep", "yeah", "yup", "it did", "it helped", "that helped", "helpful", "very helpful", "yes it did", "yes thanks",
            "yes thank you", "👍",
        ]),
        (Command.No, ["no", "n", "nope", "nah", "not really", "it didn't", "it did not", "didn't help", "not helpful", "no it didn't", "👎"]),
        (Command.SomethingElse, [SomethingElse, "none of these", "none of them", "neither", "none", "something different", "not those", "no, something else"]),
        (Command.Greeting, ["hi", "hello", "hey", "hiya", "good morning", "good afternoon", "good evening", "hi there", "hello there"]),
        (Command.Thanks, ["thanks", "thank you", "cheers", "ta", "thanks a lot", "thank you very much", "great thanks", "ok thanks", "brilliant thanks"]),
        (Command.WhoAmI, ["whoami", "who am i"]),
        (Command.List, ["escalations", "list", "list escalations", "concerns", "show escalations", "waiting"]),
        (Command.Mine, ["my concerns", "my concern", "my escalations", "my escalation"]),
        (Command.Withdraw,
        [
            "withdraw", "withdraw my concern", "withdraw it", "cancel my concern", "end the conversation", "end conversation", "end chat", "back to the bot",
        ]),
        (Command.Send, [EscalationDialog.Send, "send it", "yes", "yes send it", "ok", "confirm", "go ahead"]),
        (Command.SendAnonymously, [EscalationDialog.SendAnonymously, "send anonymously", "anonymously", "anonymous", "without my name"]),
        (Command.Edit, [EscalationDialog.Edit, "edit it", "change it", "change"]),
        (Command.DontSend, [EscalationDialog.DontSend, "dont send", "do not send", "no", "don't send it"]),
        (Command.KeepDetails, [EscalationDialog.KeepDetails, "keep the details", "keep", "keep personal details"]),
    ];

    private static readonly FrozenDictionary<string, Command> ByPhrase = Table
        .SelectMany(row => row.Phrases.Select(phrase => (Key: Normalize(phrase), row.Command)))
        .GroupBy(p => p.Key, StringComparer.Ordinal)
        .ToFrozenDictionary(g => g.Key, g => g.Aggregate(Command.None, (all, p) => all | p.Command), StringComparer.Ordinal);

    // Said before the draft on the same line: "check my post: Lovely day at…".
    private static readonly string[] CheckPrefixes =
    [
        "check my post", "check this post", "check my draft", "check this", "check", "is this ok to post", "is this okay to post", "can i post this",
    ];

    /// <summary>Every command a whole message stands for; <see cref="Command.None"/> for anything else.</summary>
    public static Command Of(string? text)
    {
        var normalized = Normalize(text);
        var found = ByPhrase.GetValueOrDefault(normalized);
        if (text.AsSpan().TrimEnd().EndsWith("?", StringComparison.Ordinal))
        {
            // A question is not consent: "ok?" or "yes?" at "Shall I send it?" asks something; it must not send a concern.
            found &= ~(Command.Send | Command.SendAnonymously);
        }

        return AskForRole().IsMatch(normalized) ? found | Command.Contact : found;
    }

    public static bool IsContact(string? text) => Of(text).HasFlag(Command.Contact);

    /// <summary>"I need to talk to the manager about a post" names whom they want; "talk to someone" does not.</summary>
    public static string? ContactRole(string? text)
    {
        var normalized = Normalize(text);
        if (normalized.Contains(" or ", StringComparison.Ordinal))
        {
            return null;
        }

        if (AskForRole().Match(normalized) is { Success: true } match)
        {
            return match.Groups["role"].Value.StartsWith("chair", StringComparison.Ordinal) ? "chair" : "manager";
        }

        return !ByPhrase.GetValueOrDefault(normalized).HasFlag(Command.Contact) ? null
            : normalized.Contains("manager", StringComparison.Ordinal) ? "manager"
            : normalized.Contains("chair", StringComparison.Ordinal) ? "chair"
            : null;
    }

    /// <summary>
    /// A message that reads like a worry or a complaint rather than a question or a post ("I'm upset that…"): the bot
    /// offers to pass it on. Questions ("what if I'm worried about…?") are answered instead.
    /// </summary>
    public static bool ReadsLikeConcern(string? text) =>
        !string.IsNullOrWhiteSpace(text) && !PostDetector.IsQuestion(text) && ConcernTone().IsMatch(text);

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

    /// <summary>The Manager's and Chair's "accept 12", "reply 12 thank you…" (the reply's words kept as typed); null for anything else.</summary>
    public static EscalationCommand? EscalationCommandOf(string? text) =>
        StaffCommand().Match(text?.Trim() ?? string.Empty) is { Success: true } m
            ? new EscalationCommand(m.Groups["verb"].Value.ToLowerInvariant(), long.Parse(m.Groups["id"].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups["text"].Value.Trim())
            : null;

    /// <summary>
    /// The one normalisation of a message for the table: case, spacing, apostrophes ("dont" is "don't", curly or
    /// straight) and commas do not matter, nor closing punctuation, a question mark included: "who am i?" and "Help!"
    /// are commands said with feeling, and only a whole message is ever a command.
    /// </summary>
    internal static string Normalize(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var sb = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (c is '\'' or '\u2019' or '\u2018')
            {
                continue;
            }

            if (char.IsWhiteSpace(c) || c == ',')
            {
                pendingSpace = sb.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                sb.Append(' ');
                pendingSpace = false;
            }

            sb.Append(char.ToLowerInvariant(c));
        }

        var length = sb.Length;
        while (length > 0 && sb[length - 1] is '.' or '!' or '?' or ' ')
        {
            length--;
        }

        return sb.ToString(0, length);
    }

    // Applied to the normalised text, so "I need to talk to the manager about…" matches however it is typed.
    [GeneratedRegex(@"^(?:(?:i|we)\s+(?:need|want|would like|wish)\s+to\s+|can\s+i\s+|please\s+(?:let\s+me\s+)?)?(?:talk|speak|chat)\s+(?:to|with)\s+(?:the\s+)?(?<role>manager|chair(?:man|woman|person)?)\b", RegexOptions.CultureInvariant)]
    private static partial Regex AskForRole();

    [GeneratedRegex(@"\b(?:i'm|i am|we're|we are|i feel|i was|we were)\s+(?:really\s+|very\s+|quite\s+|so\s+)?(?:worried|concerned|upset|unhappy|not happy|angry|annoyed|uncomfortable|distressed)\b|\b(?:i want to|i'd like to|i wish to)\s+(?:complain|report)\b|\bcomplaint about\b|\bconcern about\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ConcernTone();

    [GeneratedRegex(@"^(?<verb>accept|close|show|read|open|reply)\s+#?(?<id>\d{1,12})\b[\s:,-]*(?<text>.*)$", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex StaffCommand();
}

/// <param name="Verb">accept, close, show, read, open or reply, in lower case.</param>
/// <param name="Text">What follows the number: the reply's words, as typed.</param>
internal sealed record EscalationCommand(string Verb, long Id, string Text);
