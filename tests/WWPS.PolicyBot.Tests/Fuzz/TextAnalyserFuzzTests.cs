using WWPS.PolicyBot.Tests.Testing;
using CsCheck;
using WWPS.PolicyBot.Cognitive;
using WWPS.PolicyBot.Cognitive.Drafts;
using WWPS.PolicyBot.Cognitive.Pii;
using WWPS.PolicyBot.Cognitive.Sentiment;
using Xunit.Abstractions;

namespace WWPS.PolicyBot.Tests.Fuzz;

/// <summary>
/// The text analysers on random Unicode: whatever a stranger types, none throws, every span they report lies inside the
/// text, scores stay in range, and the draft check and the answerer always say something. Thousands of cases in CI;
/// <c>POLICYBOT_FUZZ_SECONDS=600</c> runs each for that long instead.
/// </summary>
[Trait("Category", "Slow")]
public sealed class TextAnalyserFuzzTests(ITestOutputHelper output)
{
    private static readonly Lazy<CognitiveServices> Services = new(() =>
        TestCognitive.Create(new CognitiveSettings(null, 0.23, null, null)));

    private static readonly LocalPiiAnalyzer Pii = new();

    private static readonly string[] ToneLabels = ["positive", "neutral", "negative"];

    private static readonly string[] Verdicts = [DraftVerdicts.Ok, DraftVerdicts.Revise, DraftVerdicts.DoNotPost];

    [Fact]
    public void PersonalDataRecognisersAndToneNeverThrowAndStayInsideTheText()
    {
        var vader = VaderAnalyzer.CreateDefault();
        var (iterations, seconds) = FuzzText.Budget(20_000);
        FuzzText.Text(60).Sample(text =>
        {
            foreach (var entity in Pii.Recognize(text))
            {
                AssertInside(text, entity.Start, entity.Length);
                Assert.InRange(entity.Score, 0, 1);
            }

            var tone = vader.Analyze(text);
            Assert.InRange(tone.Compound, -1, 1);
            Assert.Contains(tone.Label, ToneLabels);
        }, writeLine: output.WriteLine, iter: iterations, time: seconds);
    }

    [Fact]
    public void DraftCheckAndAnswererAlwaysGiveAWellFormedResult()
    {
        var services = Services.Value;
        var (iterations, seconds) = FuzzText.Budget(600);
        FuzzText.Text(40).Sample(text =>
        {
            var answer = services.Answerer.Answer(text);
            Assert.False(string.IsNullOrWhiteSpace(answer.Answer));
            Assert.All(answer.Citations, c => Assert.InRange(c.Score, -1e-9, double.MaxValue));

            if (DraftReviewer.Validate(text) is not null)
            {
                return;
            }

            var review = services.Reviewer.ReviewAsync(new DraftInput(text, []), CancellationToken.None).GetAwaiter().GetResult();
            Assert.Contains(review.Verdict, Verdicts);
            Assert.Equal(review.Verdict == DraftVerdicts.Ok, review.Allowed);
            foreach (var finding in review.Findings)
            {
                if (finding.Span is { } span)
                {
                    AssertInside(text, span.Start, span.Length);
                    Assert.Equal(text.Substring(span.Start, span.Length), span.Text);
                }
            }

            Assert.NotNull(review.Redacted);
            Assert.InRange(review.Sentiment.Compound, -1, 1);
        }, writeLine: output.WriteLine, iter: iterations, time: seconds);
    }

    private static void AssertInside(string text, int start, int length)
    {
        Assert.InRange(start, 0, text.Length);
        Assert.InRange(length, 0, text.Length - start);
    }
}
