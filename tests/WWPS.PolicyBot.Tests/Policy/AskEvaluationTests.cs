using System.Text;
using System.Text.Json;
using WWPS.PolicyBot.Cli;
using WWPS.PolicyBot.Tests.Support;

namespace WWPS.PolicyBot.Tests.Policy;

/// <summary>
/// The evaluation sets run through the same code path as <c>ask --jsonl</c>, scored by the rules of shared/eval/score.py.
/// The dev set carries the issue's bar; the held-out set (written independently, see Data/README.md) guards generalisation.
/// </summary>
[Trait("Category", "Slow")]
public sealed class AskEvaluationTests
{
    [Theory]
    [InlineData("--lexical")]
    [InlineData("--semantic")]
    [InlineData("--learned")]
    public async Task DevSetMeetsTheBar(string retriever)
    {
        var (top1, abstain, misses) = await ScoreAsync(RepoPaths.SharedFile("eval", "questions.dev.jsonl"), retriever);

        Assert.True(top1 >= 0.95, $"top-1 {top1:P1} < 95%\n{misses}");
        Assert.True(abstain >= 0.90, $"abstain {abstain:P1} < 90%\n{misses}");
    }

    [Fact]
    public async Task HeldOutSetStaysAboveItsFloor()
    {
        var (top1, abstain, misses) = await ScoreAsync(RepoPaths.TestData("questions.heldout.jsonl"), "--lexical");

        // Floors a little under the measured figures (89.0% / 86.5%), so a regression fails but one question's noise does not.
        Assert.True(top1 >= 0.85, $"top-1 {top1:P1} < 85%\n{misses}");
        Assert.True(abstain >= 0.83, $"abstain {abstain:P1} < 83%\n{misses}");
    }

    [Fact]
    public async Task HeldOutSetStaysAboveItsFloorWithTheSemanticReRanker()
    {
        var (top1, abstain, misses) = await ScoreAsync(RepoPaths.TestData("questions.heldout.jsonl"), "--semantic");

        // Measured 89.0% / 91.9% (calibrated on a separate training set, not on this one).
        Assert.True(top1 >= 0.86, $"top-1 {top1:P1} < 86%\n{misses}");
        Assert.True(abstain >= 0.88, $"abstain {abstain:P1} < 88%\n{misses}");
    }

    [Fact]
    public async Task HeldOutSetStaysAboveItsFloorWithTheLearnedModel()
    {
        var (top1, abstain, misses) = await ScoreAsync(RepoPaths.TestData("questions.heldout.jsonl"), "--learned");

        // Measured 94.5% / 100% (the model never saw this set); "Do you mean…?" counts as a miss here.
        Assert.True(top1 >= 0.90, $"top-1 {top1:P1} < 90%\n{misses}");
        Assert.True(abstain >= 0.95, $"abstain {abstain:P1} < 95%\n{misses}");
    }

    private static async Task<(double Top1, double Abstain, string Misses)> ScoreAsync(string path, string retriever)
    {
        var rows = EvalSet.Read(path);
        var input = string.Concat(rows.Select(r => JsonSerializer.Serialize(new { q = r.GetProperty("q").GetString() }) + "\n"));
        var output = new StringWriter();
        var exit = await CommandLine.RunAsync(["ask", "--jsonl", retriever], new StringReader(input), output, new StringWriter(), CancellationToken.None);
        Assert.Equal(0, exit);

        var answers = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(rows.Count, answers.Count);

        int inScope = 0, hits = 0, outScope = 0, abstained = 0;
        var misses = new StringBuilder();
        foreach (var (row, answer) in rows.Zip(answers))
        {
            var expect = row.GetProperty("expect").EnumerateArray().Select(e => e.GetString()!).ToList();
            var didAbstain = answer.GetProperty("abstained").GetBoolean();
            if (expect.Count == 0)
            {
                outScope++;
                abstained += didAbstain ? 1 : 0;
                if (!didAbstain)
                {
                    misses.AppendLine($"FALSE ANSWER {row.GetProperty("q")}");
                }

                continue;
            }

            inScope++;
            var citations = answer.GetProperty("citations");
            // As the scorer counts it: "Do you mean…?" is never a top-1 answer.
            var clarified = answer.TryGetProperty("clarify", out var clarify) && clarify.GetBoolean();
            var ok = !didAbstain && !clarified && citations.GetArrayLength() > 0 && expect.Any(k => EvalSet.Cites(citations[0].GetProperty("text").GetString()!, k));
            hits += ok ? 1 : 0;
            if (!ok)
            {
                misses.AppendLine($"MISS {row.GetProperty("q")} want {string.Join('/', expect)}");
            }
        }

        return ((double)hits / inScope, (double)abstained / outScope, misses.ToString());
    }
}
