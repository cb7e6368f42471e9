using System.Globalization;
using System.Text;
using WWPS.PolicyBot.Cognitive.Sentiment;

namespace WWPS.PolicyBot.Tests.Sentiment;

[Trait("Category", "Slow")]
public sealed class VaderFaithfulnessTests(ReferenceSentences reference) : IClassFixture<ReferenceSentences>
{
    // Both sides round to 4 dp, so a genuine agreement differs by at most one unit in the last place on a tie.
    private const double Tolerance = 1e-4 + 1e-9;

    [Fact]
    public void PlainAnalyzerMatchesNpmVaderOnAllLabelledSentences()
    {
        var analyzer = VaderAnalyzer.CreatePlain(VaderRules.NpmPort);
        var sentences = reference.All;
        var disagreements = new List<string>();
        foreach (var sentence in sentences)
        {
            var ours = analyzer.PolarityScores(sentence.Text).Compound;
            if (Math.Abs(ours - sentence.Compound) > Tolerance)
            {
                disagreements.Add(string.Create(CultureInfo.InvariantCulture,
                    $"  [{sentence.Set}] ours {ours:0.0000} vs reference {sentence.Compound:0.0000}: {sentence.Text}"));
            }
        }

        var agreement = 1 - (double)disagreements.Count / sentences.Count;
        Assert.Equal(3003, sentences.Count);
        Assert.True(agreement >= 0.995, Report(agreement, disagreements));
        // The bar is 99.5%, but every disagreement so far has been a porting bug; keep it at zero.
        Assert.True(disagreements.Count == 0, Report(agreement, disagreements));
    }

    private static string Report(double agreement, List<string> disagreements)
    {
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"Agreement with npm vader-sentiment {agreement:P2}; {disagreements.Count} sentences differ:\n"));
        foreach (var line in disagreements.Take(40))
        {
            text.AppendLine(line);
        }

        return text.ToString();
    }
}
