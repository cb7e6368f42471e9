using WWPS.PolicyBot.Dialogs.Insights;

namespace WWPS.PolicyBot.Tests.Insights;

/// <summary>Which questions, as typed, a decision about a stored (redacted) question applies to.</summary>
public sealed class QuestionKeyTests
{
    [Theory]
    [InlineData("Can I bring my dog to the fair? Text me on [PHONE]", "can i bring my dog to the fair - text me on 07700 900 456", true)]
    [InlineData("Can I bring my dog to the fair? Text me on [PHONE]", "Can I bring my dog to the fair? Text me on +44 7700 900123", true)]
    [InlineData("Can [CHILD]'s photo go on Facebook?", "can Leo's photo go on facebook", true)]
    [InlineData("Can [CHILD]'s photo go on Facebook?", "can Mary Jane's photo go on facebook", true)]
    [InlineData("Email [EMAIL] about it", "email jo.bloggs@example.com about it", true)]
    [InlineData("Is it OK to friend a parent?", "is it ok to friend a parent", true)]
    [InlineData("I don't want to post it", "I dont want to post it!!", true)]
    [InlineData("I don’t want to post it", "i don't want to post it", true)]
    [InlineData("Is it OK to friend a parent?", "is it ok to friend parents", false)]
    [InlineData("Is it OK to friend a parent?", "is it ok to friend a parent on facebook", false)]
    [InlineData("Text me on [PHONE]", "text me on", false)]
    [InlineData("Text me on [PHONE]", "text me on a b c d e f g h i", false)]
    [InlineData("[NAME] and [NAME] are friends", "Jo and Sam are friends", true)]
    public void ADecisionAppliesToTheSameWordsWithAnyonesDetailsInThePlaceholders(string stored, string asked, bool applies)
    {
        var key = QuestionKey.Of(stored).Split(' ');

        Assert.Equal(applies, QuestionKey.Matches(key, QuestionKey.Words(asked)));
    }

    [Fact]
    public void AnIdNamesAQuestionWithoutItsWords()
    {
        var id = QuestionKey.Id(QuestionKey.Of("Text me on [PHONE]"));

        Assert.Matches("^[0-9a-f]{16}$", id);
        Assert.Equal(id, QuestionKey.Id(QuestionKey.Of("text me on: [PHONE]")));
        Assert.NotEqual(id, QuestionKey.Id(QuestionKey.Of("text me at [PHONE]")));
    }
}
