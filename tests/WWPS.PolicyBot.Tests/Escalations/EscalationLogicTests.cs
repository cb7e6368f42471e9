using WWPS.PolicyBot.Dialogs.PolicyBot;

namespace WWPS.PolicyBot.Tests.Escalations;

public sealed class EscalationLogicTests
{
    [Theory]
    [InlineData("Talk to the Manager or Chair", true, null)]
    [InlineData("talk to the manager", true, "manager")]
    [InlineData("I need to talk to the manager about a post", true, "manager")]
    [InlineData("can I speak to the chair please", true, "chair")]
    [InlineData("I want to raise a concern", true, null)]
    [InlineData("make a complaint", true, null)]
    [InlineData("can I add a parent on facebook", false, null)]
    [InlineData("the manager posted a photo", false, null)]
    public void RecognisesAskingForAPerson(string text, bool contact, string? role)
    {
        Assert.Equal(contact, Commands.IsContact(text));
        Assert.Equal(role, Commands.ContactRole(text));
    }

    [Theory]
    [InlineData("I'm really upset that another parent posted a video of my daughter's class online", true)]
    [InlineData("We are worried about a post on the village page", true)]
    [InlineData("I want to complain about a comment on Facebook", true)]
    [InlineData("what should I do if I'm worried about a post?", false)]
    [InlineData("can I add a parent on facebook", false)]
    [InlineData("Lovely day at the fair, thank you all!", false)]
    public void TellsAConcernFromAQuestion(string text, bool concern) => Assert.Equal(concern, Commands.ReadsLikeConcern(text));

    [Theory]
    [InlineData("The manager shared a photo of the children.", "Manager")]
    [InlineData("Jane posted about my son", "Manager")]
    [InlineData("Sam Brown was rude to me online", "Chair")]
    [InlineData("Please tell the manager a photo is online", "")]
    [InlineData("A parent shared a photo", "")]
    [InlineData("The manager and the chairman both commented", "Manager,Chair")]
    public void FindsWhichOfTheTwoAConcernIsAbout(string text, string expected)
    {
        var about = EscalationDialog.About(text, EscalationWorld.Options);
        Assert.Equal(expected, string.Join(',', about.Order()));
    }
}
