using System.Globalization;
using WWPS.PolicyBot.Cognitive.Sentiment;
using Xunit.Abstractions;

namespace WWPS.PolicyBot.Tests.Sentiment;

public sealed class SentimentAccuracyTests(ReferenceSentences reference, ITestOutputHelper output) : IClassFixture<ReferenceSentences>
{
    public static TheoryData<string> Sets => new(ReferenceSentences.Sets);

    [Theory]
    [Trait("Category", "Slow")] // runs node: tests/node/vader-reference.js
    [MemberData(nameof(Sets))]
    public void TunedAnalyzerIsAtLeastAsAccurateAsPlainVader(string set)
    {
        var labelled = reference.All.Where(s => s.Set == set && s.Label is not null).ToList();
        var plain = Accuracy(VaderAnalyzer.CreatePlain(), labelled);
        var canonical = Accuracy(VaderAnalyzer.CreatePlain(VaderRules.Canonical), labelled);
        var tuned = Accuracy(VaderAnalyzer.CreateDefault(), labelled);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{set}: n={labelled.Count} plain={plain:0.000} canonical={canonical:0.000} tuned={tuned:0.000}"));

        Assert.Equal(1000, labelled.Count);
        Assert.True(tuned >= plain, string.Create(CultureInfo.InvariantCulture, $"{set}: tuned {tuned:0.000} < plain {plain:0.000}"));
    }

    // Positive iff compound ≥ 0, the convention of the accuracy figures the npm sentiment package publishes.
    private static double Accuracy(VaderAnalyzer analyzer, List<ReferenceSentence> labelled) =>
        labelled.Count(s => (analyzer.PolarityScores(s.Text).Compound >= 0) == (s.Label == 1)) / (double)labelled.Count;

    [Theory]
    [InlineData("This preschool is run by clowns. Total shambles from top to bottom.", "negative")]
    [InlineData("The manager at our preschool is lazy and rude to parents.", "negative")]
    [InlineData("Sports day was fine, but the parking was a nightmare.", "negative")]
    [InlineData("Pick-up time is a nightmare every single day.", "negative")]
    [InlineData("Honestly the staff are clueless and the new rules are a joke.", "negative")]
    [InlineData("The garden is unsafe and nobody cares.", "negative")]
    [InlineData("Communication from the office is rubbish.", "negative")]
    [InlineData("The toilets were filthy again today.", "negative")]
    [InlineData("I don’t trust them with my child.", "negative")]
    [InlineData("Absolutely gutted that the trip was cancelled.", "negative")]
    [InlineData("Please contact the office about the trip.", "neutral")]
    [InlineData("Please remember to label your child's coat.", "neutral")]
    [InlineData("Thank you to all the staff for a wonderful nativity play!", "positive")]
    [InlineData("We love the new outdoor classroom 😍", "positive")]
    [InlineData("Term starts on Monday 4 September.", "neutral")]
    public void TunedAnalyzerLabelsPreschoolPosts(string post, string expected)
    {
        Assert.Equal(expected, VaderAnalyzer.CreateDefault().Analyze(post).Label);
    }

    [Theory]
    [InlineData("Come to our Easter egg hunt on Saturday at 10am, all money raised goes to new books!")]
    [InlineData("Reminder: nursery is closed on Friday for staff training.")]
    [InlineData("No nuts in packed lunches please, we have children with allergies.")]
    [InlineData("We are looking for volunteers to help at the summer fair.")]
    public void TunedAnalyzerDoesNotFlagRoutineNoticesAsNegative(string post)
    {
        Assert.NotEqual("negative", VaderAnalyzer.CreateDefault().Analyze(post).Label);
    }

    [Theory]
    [InlineData("This preschool is run by clowns. Total shambles from top to bottom.")]
    [InlineData("Please contact the office about the trip.")]
    [InlineData("Sports day was fine, but the parking was a nightmare.")]
    public void PlainVaderMissesWhatTheDomainLexiconCatches(string post)
    {
        // Guards the reason the domain layer exists: if plain VADER already got these right, the table above proves nothing.
        Assert.NotEqual(
            VaderAnalyzer.CreateDefault().Analyze(post).Label,
            VaderAnalyzer.CreatePlain().Analyze(post).Label);
    }
}
