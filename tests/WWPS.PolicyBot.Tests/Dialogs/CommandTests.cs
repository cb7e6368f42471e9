using WWPS.PolicyBot.Dialogs.PolicyBot;

namespace WWPS.PolicyBot.Tests.Dialogs;

/// <summary>What people type for a button or a command is recognised however it is spaced, cased and punctuated.</summary>
public sealed class CommandTests
{
    [Theory]
    [InlineData("Thanks!", "thanks")]
    [InlineData("  talk   to the\tmanager  ", "talk to the manager")]
    [InlineData("help.", "help")]
    [InlineData("help . ! ,", "help")]
    [InlineData("check my post?", "check my post")]
    [InlineData("Don’t send", "dont send")]
    [InlineData("Yes, that helped", "yes that helped")]
    [InlineData("\u00A0cancel\u00A0", "cancel")]
    [InlineData("", "")]
    [InlineData("   ", "")]
    [InlineData("!!!", "")]
    [InlineData("line one\r\nline two", "line one line two")]
    [InlineData("what about Instagram? #wwps", "what about instagram? #wwps")]
    public void NormalizeIgnoresCaseSpacingApostrophesAndClosingPunctuation(string typed, string expected) =>
        Assert.Equal(expected, Commands.Normalize(typed));

    [Fact]
    public void AVeryLongMessageIsNormalizedWithoutLosingWords()
    {
        var text = string.Join("  ", Enumerable.Repeat("Word", 2_000)) + "!";
        Assert.Equal(string.Join(' ', Enumerable.Repeat("word", 2_000)), Commands.Normalize(text));
    }

    /// <summary>The command table, read as people type: every phrase here works in a conversation somewhere.</summary>
    [Theory]
    // Interruptions, wherever the user is.
    [InlineData("Help!", Command.Help)]
    [InlineData("help?", Command.Help)]
    [InlineData("What can you do?", Command.Help)]
    [InlineData("cancel", Command.Cancel)]
    [InlineData("Never mind.", Command.Cancel)]
    [InlineData("start  over", Command.StartOver)]
    [InlineData("Restart", Command.StartOver)]
    // Starting something.
    [InlineData("Ask another", Command.Ask)]
    [InlineData("I've got a question", Command.Ask)]
    [InlineData("ive got a question", Command.Ask)]
    [InlineData("Check my post", Command.Check)]
    [InlineData("can I post this?", Command.Check)]
    [InlineData("Is this OK to post?", Command.Check)]
    [InlineData("Check again", Command.CheckAgain)]
    [InlineData("Talk to the Manager or Chair", Command.Contact)]
    [InlineData("  talk to the   manager or chair! ", Command.Contact)]
    [InlineData("TALK TO THE MANAGER.", Command.Contact)]
    [InlineData("I need to talk to the manager about a post", Command.Contact)]
    [InlineData("I want to raise a concern", Command.Contact)]
    // Buttons and small talk.
    [InlineData("Yes, that helped", Command.Helpful)]
    [InlineData("No, that didn't help", Command.NotHelpful)]
    [InlineData("yep", Command.Yes)]
    [InlineData("👍", Command.Yes)]
    [InlineData("nope", Command.No)]
    [InlineData("Something else", Command.SomethingElse)]
    [InlineData("no, something else", Command.SomethingElse)]
    [InlineData("Hi there!", Command.Greeting)]
    [InlineData("thank you very much!", Command.Thanks)]
    // One phrase, two meanings: the listener decides.
    [InlineData("yes", Command.Yes | Command.Send)]
    [InlineData("No", Command.No | Command.DontSend)]
    // A concern about to be sent.
    [InlineData("Send", Command.Send)]
    [InlineData("yes send it", Command.Send)]
    [InlineData("OK", Command.Send)]
    [InlineData("ok?", Command.None)]
    [InlineData("yes?", Command.Yes)]
    [InlineData("send it?", Command.None)]
    [InlineData("Send without my name", Command.SendAnonymously)]
    [InlineData("anonymous", Command.SendAnonymously)]
    [InlineData("Edit", Command.Edit)]
    [InlineData("Don't send", Command.DontSend)]
    [InlineData("don't send it", Command.DontSend)]
    [InlineData("dont send", Command.DontSend)]
    [InlineData("Do not send.", Command.DontSend)]
    [InlineData("keep details", Command.KeepDetails)]
    // Escalations.
    [InlineData("whoami", Command.WhoAmI)]
    [InlineData("Who am I?", Command.WhoAmI)]
    [InlineData("list", Command.List)]
    [InlineData("Escalations", Command.List)]
    [InlineData("my concerns", Command.Mine)]
    [InlineData("cancel my concern", Command.Withdraw)]
    [InlineData("back to the bot", Command.Withdraw)]
    // Not commands: only a whole message is one.
    [InlineData("how do I cancel a session?", Command.None)]
    [InlineData("check again later", Command.None)]
    [InlineData("can I add a parent on facebook?", Command.None)]
    [InlineData("", Command.None)]
    // Typed as Enum because Command is internal to the Dialogs project and a test method is public.
    public void ReadsEachUtteranceAsItsCommand(string typed, Enum expected) => Assert.Equal(expected, Commands.Of(typed));

    [Theory]
    [InlineData("reply 12 thanks, I'll look at it today", "reply", 12L, "thanks, I'll look at it today")]
    [InlineData("Accept #3", "accept", 3L, "")]
    [InlineData("show 7", "show", 7L, "")]
    public void ReadsTheManagersCommandsKeepingTheReplyAsTyped(string typed, string verb, long id, string text) =>
        Assert.Equal(new EscalationCommand(verb, id, text), Commands.EscalationCommandOf(typed));

    [Theory]
    [InlineData("accept")]
    [InlineData("reply to the parent")]
    public void WordsWithoutANumberAreNotTheManagersCommands(string typed) => Assert.Null(Commands.EscalationCommandOf(typed));
}
