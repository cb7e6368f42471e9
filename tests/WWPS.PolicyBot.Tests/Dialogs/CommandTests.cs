using WWPS.PolicyBot.Dialogs.PolicyBot;

namespace WWPS.PolicyBot.Tests.Dialogs;

/// <summary>What people type for a button or a command is recognised however it is spaced and punctuated.</summary>
public sealed class CommandTests
{
    [Theory]
    [InlineData("Thanks!", "Thanks")]
    [InlineData("  talk   to the\tmanager  ", "talk to the manager")]
    [InlineData("help.", "help")]
    [InlineData("help . ! ,", "help")]
    [InlineData("check my post?", "check my post?")]
    [InlineData("\u00A0cancel\u00A0", "cancel")]
    [InlineData("", "")]
    [InlineData("   ", "")]
    [InlineData("!!!", "")]
    [InlineData("line one\r\nline two", "line one line two")]
    public void CleanCollapsesSpaceAndDropsClosingPunctuation(string typed, string expected) =>
        Assert.Equal(expected, Commands.Clean(typed));

    [Fact]
    public void CleanReturnsTheSameStringWhenThereIsNothingToClean()
    {
        var text = "ask another";
        Assert.Same(text, Commands.Clean(text));
    }

    [Theory]
    [InlineData("Talk to the Manager or Chair")]
    [InlineData("  talk to the   manager or chair! ")]
    [InlineData("TALK TO THE MANAGER.")]
    public void TheContactButtonIsHeardHoweverItIsTyped(string typed) => Assert.True(Commands.IsContact(typed));

    [Fact]
    public void AVeryLongMessageIsCleanedWithoutLosingWords()
    {
        var text = string.Join("  ", Enumerable.Repeat("word", 2_000)) + "!";
        Assert.Equal(string.Join(' ', Enumerable.Repeat("word", 2_000)), Commands.Clean(text));
    }
}
