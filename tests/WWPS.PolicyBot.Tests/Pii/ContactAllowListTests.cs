using WWPS.PolicyBot.Cognitive.Analysis;
using WWPS.PolicyBot.Cognitive.Pii;

namespace WWPS.PolicyBot.Tests.Pii;

public sealed class ContactAllowListTests
{
    // The contacts the Social Networking Policy itself publishes.
    private static readonly ContactAllowList Allowed = new(["wwpspg@gmail.com"], ["01494 438996"]);
    private static readonly LocalPiiAnalyzer Analyzer = new();

    [Theory]
    [InlineData("01494438996")]
    [InlineData("01494 438996")]
    [InlineData("(01494) 438996")]
    [InlineData("01494-438-996")]
    [InlineData("+44 1494 438996")]
    [InlineData("+441494438996")]
    [InlineData("0044 1494 438996")]
    public void AllowsThePublishedPhoneInAnyForm(string written)
    {
        var found = Analyzer.Recognize($"call {written} to book").Single(e => e.Category == PiiCategories.PhoneNumber);
        Assert.Equal(written, found.Text);
        Assert.True(Allowed.IsAllowed(found));
    }

    [Theory]
    [InlineData("wwpspg@gmail.com")]
    [InlineData("WWPSPG@Gmail.com")]
    public void AllowsThePublishedEmailInAnyCase(string written)
    {
        var found = Analyzer.Recognize($"Questions? Contact {written}").Single(e => e.Category == PiiCategories.Email);
        Assert.True(Allowed.IsAllowed(found));
    }

    [Theory]
    [InlineData(PiiCategories.PhoneNumber, "07700 900300")]
    [InlineData(PiiCategories.PhoneNumber, "01494 438997")]
    [InlineData(PiiCategories.Email, "wwpspg@gmail.co.uk")]
    [InlineData(PiiCategories.Email, "jo.b@yahoo.com")]
    [InlineData(PiiCategories.Person, "wwpspg@gmail.com")]
    [InlineData(PiiCategories.PhoneNumber, "not a number")]
    public void RejectsEverythingElse(string category, string text) =>
        Assert.False(Allowed.IsAllowed(new PiiEntity(category, text, 0, text.Length, 1.0)));

    [Fact]
    public void RejectsAnUnreadableConfiguredNumber() =>
        Assert.Throws<ArgumentException>(() => new ContactAllowList([], ["call me"]));
}
