using WWPS.PolicyBot.Cognitive.Sentiment;

namespace WWPS.PolicyBot.Tests.Sentiment;

public sealed class VaderRulesTests
{
    // Expected scores published with the Python vaderSentiment README and NLTK's VADER tests.
    [Theory]
    [InlineData("VADER is smart, handsome, and funny.", 0.8316, 0.0, 0.254, 0.746)]
    [InlineData("VADER is smart, handsome, and funny!", 0.8439, 0.0, 0.248, 0.752)]
    [InlineData("VADER is very smart, handsome, and funny.", 0.8545, 0.0, 0.299, 0.701)]
    [InlineData("VADER is VERY SMART, handsome, and FUNNY.", 0.9227, 0.0, 0.246, 0.754)]
    [InlineData("VADER is VERY SMART, handsome, and FUNNY!!!", 0.9342, 0.0, 0.233, 0.767)]
    [InlineData("VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!", 0.9469, 0.0, 0.294, 0.706)]
    [InlineData("VADER is not smart, handsome, nor funny.", -0.7424, 0.646, 0.354, 0.0)]
    [InlineData("The book was good.", 0.4404, 0.0, 0.508, 0.492)]
    [InlineData("At least it isn't a horrible book.", 0.431, 0.0, 0.678, 0.322)]
    [InlineData("The book was only kind of good.", 0.3832, 0.0, 0.697, 0.303)]
    [InlineData("The plot was good, but the characters are uncompelling and the dialog is not great.", -0.7042, 0.327, 0.579, 0.094)]
    [InlineData("Today SUX!", -0.5461, 0.779, 0.221, 0.0)]
    public void CanonicalRulesReproducePublishedScores(string text, double compound, double negative, double neutral, double positive)
    {
        Assert.Equal(new VaderScores(negative, neutral, positive, compound), VaderAnalyzer.CreatePlain(VaderRules.Canonical).PolarityScores(text));
    }

    // Measured with node 20 and npm vader-sentiment 1.1.3.
    [Theory]
    [InlineData("I love this preschool!", 0.6696, 0.0, 0.308, 0.692)]
    [InlineData("The staff are not very helpful.", -0.3713, 0.338, 0.662, 0.0)]
    [InlineData("The new manager is AWFUL and nobody tells us anything!!!", -0.6817, 0.339, 0.661, 0.0)]
    [InlineData("Sports day was fine, but the parking was a nightmare.", 0.1027, 0.0, 0.851, 0.149)]
    [InlineData("Please contact the office about the trip.", 0.3182, 0.0, 0.723, 0.277)]
    [InlineData("I can't say I'm happy with how my complaint was handled.", -0.6367, 0.394, 0.606, 0.0)]
    public void NpmRulesReproduceMeasuredScores(string text, double compound, double negative, double neutral, double positive)
    {
        Assert.Equal(new VaderScores(negative, neutral, positive, compound), VaderAnalyzer.CreatePlain(VaderRules.NpmPort).PolarityScores(text));
    }

    [Theory]
    [InlineData("There were no problems at all.", VaderRules.Canonical, true)]    // "no" negates the next word
    [InlineData("There were no problems at all.", VaderRules.NpmPort, false)]     // the npm port predates that rule
    [InlineData("Without a doubt, excellent idea.", VaderRules.Canonical, true)]
    [InlineData("It was the least helpful answer.", VaderRules.Canonical, false)] // "least" negates
    [InlineData("It was at least helpful.", VaderRules.Canonical, true)]          // "at least" does not
    [InlineData("Not bad at all", VaderRules.Canonical, true)]
    [InlineData("Not bad at all", VaderRules.NpmPort, false)]                     // npm's negator check is case-sensitive
    [InlineData("Nice building but the staff are awful", VaderRules.Canonical, false)] // clause after "but" dominates
    [InlineData("The staff are awful but the building is nice", VaderRules.Canonical, true)]
    public void RulesTurnTheSentimentTheWayVaderDoes(string text, VaderRules rules, bool positive)
    {
        var compound = VaderAnalyzer.CreatePlain(rules).PolarityScores(text).Compound;
        Assert.Equal(positive, compound > 0);
    }

    [Fact]
    public void BoostersAndCapsStrengthenAndDampenersWeaken()
    {
        var vader = VaderAnalyzer.CreatePlain(VaderRules.Canonical);
        double Score(string text) => vader.PolarityScores(text).Compound;

        Assert.True(Score("The staff are very helpful") > Score("The staff are helpful"));
        Assert.True(Score("The staff are HELPFUL today") > Score("The staff are helpful today"));
        Assert.True(Score("The staff are kind of helpful") < Score("The staff are helpful"));
        Assert.True(Score("The staff are helpful!!") > Score("The staff are helpful"));
        Assert.True(Score("The staff are helpful!!!!!!!!") == Score("The staff are helpful!!!!"));
    }

    [Theory]
    [InlineData("😡", "pouting face")]
    [InlineData("Lovely day😁", "Lovely day beaming face with smiling eyes")]
    [InlineData("😁abc", "beaming face with smiling eyesabc")] // the reference spaces only before a description
    [InlineData("  plain text  ", "plain text")]
    public void EmojisBecomeTheirDescriptions(string text, string expected)
    {
        Assert.Equal(expected, VaderText.ReplaceEmojis(text, VaderLexicons.Emojis));
    }

    [Fact]
    public void EmojiSentimentCountsInTheCanonicalRules()
    {
        var vader = VaderAnalyzer.CreatePlain(VaderRules.Canonical);
        Assert.Equal("negative", vader.Analyze("Pick-up today 😠").Label);
        Assert.Equal("positive", vader.Analyze("Pick-up today 😁").Label);
    }

    [Theory]
    [InlineData("Good!!! :) I", new[] { "Good", ":)", "I" })]
    [InlineData("'great' ok... (really)", new[] { "great", "ok...", "really" })]
    public void CanonicalTokenizerStripsPunctuationUnlessThatLeavesAnEmoticon(string text, string[] expected)
    {
        Assert.Equal(expected, VaderText.TokenizeCanonical(text));
    }

    [Theory]
    [InlineData("Good!!! :) I", new[] { "Good", ":)" })]
    [InlineData("'great' ok... (really) good,", new[] { "'great'", "ok...", "(really)", "good" })]
    public void NpmTokenizerDropsSingleCharactersAndStripsOnlyListedAffixes(string text, string[] expected)
    {
        Assert.Equal(expected, VaderText.TokenizeNpm(text));
    }

    [Fact]
    public void DefaultAnalyzerReadsTypographicApostrophesAsNegation()
    {
        Assert.Equal("negative", VaderAnalyzer.CreateDefault().Analyze("I don’t like the new menu").Label);
        Assert.Equal("positive", VaderAnalyzer.CreatePlain(VaderRules.Canonical).Analyze("I don’t like the new menu").Label);
    }

    [Theory]
    [InlineData("", 0.0, "neutral")]
    [InlineData("   ", 0.0, "neutral")]
    [InlineData("The trip is on Tuesday.", 0.0, "neutral")]
    public void TextWithoutSentimentIsNeutral(string text, double compound, string label)
    {
        var result = VaderAnalyzer.CreateDefault().Analyze(text);
        Assert.Equal(compound, result.Compound);
        Assert.Equal(label, result.Label);
    }

    [Theory]
    [InlineData(0.05, "positive")]
    [InlineData(0.0499, "neutral")]
    [InlineData(-0.0499, "neutral")]
    [InlineData(-0.05, "negative")]
    public void LabelsUseTheReferenceThresholds(double compound, string label)
    {
        Assert.Equal(label, VaderAnalyzer.LabelFor(compound));
    }

    [Fact]
    public void LexiconsLoadCompletely()
    {
        Assert.Equal(7503, VaderLexicons.Reference.Count);
        Assert.Equal(1212, VaderLexicons.Emojis.Count);
        Assert.False(VaderLexicons.Tuned.ContainsKey("please"));
        Assert.Equal(-2.4, VaderLexicons.Tuned["shambles"]);
        Assert.Equal(1.2, VaderLexicons.Reference["joke"]);
    }
}
