using WWPS.PolicyBot.Dialogs.PolicyBot;

namespace WWPS.PolicyBot.Tests.Dialogs;

public sealed class FollowUpTests
{
    [Theory]
    [InlineData("what about Instagram?", true)]
    [InlineData("and on snapchat?", true)]
    [InlineData("what if they ask first?", true)]
    [InlineData("How about TikTok", true)]
    [InlineData("on whatsapp?", true)]
    [InlineData("Instagram?", true)]
    [InlineData("is that the same for volunteers?", true)]
    [InlineData("even if my account is private?", true)]
    [InlineData("and videos?", true)]
    [InlineData("can I friend a parent on facebook?", false)]
    [InlineData("who runs the preschool facebook page", false)]
    [InlineData("what about the summer fair poster, can I share it on my own page or not?", false)]
    [InlineData("android phones", false)]
    [InlineData("", false)]
    public void RecognisesShortFollowUps(string text, bool isFollowUp) =>
        Assert.Equal(isFollowUp, FollowUps.IsFollowUp(text));

    [Theory]
    [InlineData("can I friend a parent on facebook?", "what about Instagram?", "methods-5", true)]
    [InlineData("can I friend a parent on facebook?", "and on snapchat?", "methods-5", true)]
    [InlineData("can I friend a parent on facebook?", "what if they ask first?", "methods-5", true)]
    [InlineData("can I friend a parent on facebook?", "what about tiktok?", "methods-5", true)]
    [InlineData("can i post pics of the kids on my story?", "what about instagram?", "methods-3", true)]
    [InlineData("can i post pics of the kids on my story?", "and if their faces are blurred?", "methods-3", true)]
    // The follow-up's own words clearly name another clause's subject.
    [InlineData("can I friend a parent on facebook?", "what about photos of the kids?", "methods-3", false)]
    // Not a follow-up at all: answered on its own.
    [InlineData("can I friend a parent on facebook?", "who runs the preschool facebook page?", "methods-6", false)]
    public void AnswersFollowUpsInTheContextOfTheLastQuestion(string previous, string followUp, string clause, bool followingOn)
    {
        var answerer = PolicyBot.Services.Answerer;
        var first = answerer.Answer(previous);

        var result = FollowUps.Answer(answerer, followUp, previous, [.. first.Citations.Select(c => c.Clause)]);

        Assert.Equal(clause, result.Answer.Citations[0].Clause);
        Assert.Equal(followingOn, result.FollowingOn);
    }

    [Fact]
    public void WithoutAnEarlierQuestionAFollowUpStandsAlone()
    {
        var result = FollowUps.Answer(PolicyBot.Services.Answerer, "what if they ask first?", null, []);

        Assert.True(result.Answer.Abstained);
        Assert.False(result.FollowingOn);
        Assert.Null(result.Remember);
    }

    [Fact]
    public void AChainOfFollowUpsStaysAnchoredToTheOriginalQuestion()
    {
        var answerer = PolicyBot.Services.Answerer;
        const string Original = "can I friend a parent on facebook?";

        var first = FollowUps.Answer(answerer, "what about Instagram?", Original, ["methods-5"]);
        var second = FollowUps.Answer(answerer, "and on snapchat?", first.Remember, [.. first.Answer.Citations.Select(c => c.Clause)]);

        Assert.Equal(Original, second.Remember);
        Assert.Equal("methods-5", second.Answer.Citations[0].Clause);
    }
}
