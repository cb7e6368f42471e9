using WWPS.PolicyBot.Cognitive.Policy;

namespace WWPS.PolicyBot.Dialogs.PolicyBot;

/// <summary>What the bot says outside the answer and check cards. Kept together so the voice stays the same.</summary>
internal static class BotText
{
    public static string Welcome(PolicyMetadata policy) =>
        $"Hello! I'm the {Setting(policy)} policy assistant. I can:\n\n" +
        $"- answer questions about the {policy.Title}, quoting the clause the answer rests on (try \"can I friend a parent on Facebook?\");\n" +
        "- check a draft social-media post before you share it: say \"check my post\" or just paste it;\n" +
        "- tell you how to raise a concern with the Manager or the Chair.\n\n" +
        "Say \"help\" at any time.";

    public static string Help(PolicyMetadata policy) =>
        $"Ask me anything about the {policy.Title} in your own words and I'll answer with the clause it rests on; " +
        "ask a short follow-up (\"what about Instagram?\") and I'll keep your last question in mind. " +
        "Say \"check my post\", or paste a draft, and I'll check it for personal details, photos of children and anything " +
        "the policy doesn't allow. Say \"talk to the Manager or Chair\" for how to raise a concern, and \"cancel\" or " +
        "\"start over\" to stop what we're doing.";

    /// <summary>Also the heading over Slack's suggested prompts when someone opens the assistant panel.</summary>
    public const string StartQuestion = "What would you like to do?";

    public const string StartPrompt = StartQuestion + " Ask me a question about the policy, or say \"check my post\".";

    /// <summary>Concerns go privately to the Manager or the Chair (methods-9), so never in a group chat or channel.</summary>
    public const string ConcernsInPrivate =
        "Concerns are discussed privately with the Manager or the Chair, so I won't take one here where others can read it. " +
        "Send me a direct message (a one-to-one chat with me) and say it there.";

    public const string CancelText = "OK, I've stopped. Ask me a question or say \"check my post\" whenever you're ready.";

    public const string StartOverText = "OK, let's start again.";

    public const string AskPrompt = "Go ahead: what would you like to know about the policy?";

    public const string Thanks = "Thanks for letting me know. Glad it helped!";

    public const string SomethingElse =
        "Then the policy may not cover it, and I won't guess. The Manager or the Chair of the committee can help: " +
        "I can pass your question to them, or you can ask it another way.";

    public const string NotHelpful =
        "Sorry that didn't help. The Manager or the Chair of the committee can answer what the policy leaves unclear. " +
        "Would you like their contact details, or to ask the question another way?";

    public const string YouAreWelcome = "You're welcome! Ask me anything else about the policy whenever you like.";

    public const string DraftPrompt = "Paste the text of your draft post (you can attach the photo too) and I'll check it against the policy.";

    public const string RevisedPrompt = "Paste your revised post and I'll check it again.";

    public const string DraftRetry = "I need the words of the post to check it. Paste the text, or say \"cancel\".";

    public const string DraftGaveUp = "Let's leave the check there. Say \"check my post\" when you have a draft ready.";

    public const string PhotoNeedsText =
        "I've got the photo, but I can only check the words of a post: paste the caption you plan to use (or a line saying what the photo shows).";

    private static string Setting(PolicyMetadata policy) =>
        policy.Setting is { Length: > 0 } setting
            // "West Wycombe Preschool (WWPS)" reads better without its abbreviation in a sentence.
            ? setting.Split(" (", 2)[0]
            : "preschool";
}
