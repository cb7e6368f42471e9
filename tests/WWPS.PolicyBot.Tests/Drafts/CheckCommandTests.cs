using System.Text;
using System.Text.Json;
using WWPS.PolicyBot.Cli;
using WWPS.PolicyBot.Tests.Support;

namespace WWPS.PolicyBot.Tests.Drafts;

public sealed class CheckCommandTests
{
    [Fact]
    public async Task JsonLinesFollowsTheContractAndKeepsOrderThroughBadLines()
    {
        var huge = new string('x', 20_001);
        var input = new StringReader(string.Join('\n',
            "{\"text\":\"Text me on 07700 900300 about Leo's nappy rash\"}",
            "{\"text\":\"\"}",
            "nonsense",
            JsonSerializer.Serialize(new { text = huge }),
            "{\"text\":\"Photos from the picnic!\",\"attachments\":[{\"contentType\":\"image/png\",\"name\":\"p.png\"}]}",
            "{\"text\":\"Beautiful sunset over the lake tonight.\"}") + "\n");
        var output = new StringWriter();

        var exit = await CommandLine.RunAsync(["check", "--jsonl"], input, output, new StringWriter(), CancellationToken.None);

        Assert.Equal(0, exit);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(6, lines.Count);

        var first = lines[0];
        Assert.False(first.GetProperty("allowed").GetBoolean());
        Assert.True(first.GetProperty("verdict").GetString() is "revise" or "do-not-post");
        var finding = first.GetProperty("findings")[0];
        foreach (var key in new[] { "kind", "clause", "clause_text", "message", "span" })
        {
            Assert.True(finding.TryGetProperty(key, out _), $"finding lacks {key}");
        }

        var pii = first.GetProperty("pii")[0];
        foreach (var key in new[] { "category", "text", "start", "length", "score" })
        {
            Assert.True(pii.TryGetProperty(key, out _), $"pii lacks {key}");
        }

        Assert.True(first.GetProperty("sentiment").GetProperty("scores").TryGetProperty("neutral", out _));
        Assert.Contains("[PHONE]", first.GetProperty("redacted").GetString(), StringComparison.Ordinal);

        Assert.Contains("nothing to check", lines[1].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.True(lines[2].TryGetProperty("error", out _));
        Assert.Contains("20,000", lines[3].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.False(lines[4].GetProperty("allowed").GetBoolean());
        Assert.True(lines[5].GetProperty("allowed").GetBoolean());
    }

    [Fact]
    public async Task ReadableCheckReadsStdinAndQuotesTheClause()
    {
        var output = new StringWriter();
        var exit = await CommandLine.RunAsync(["check"], new StringReader("The manager at our preschool is lazy and rude to parents."), output, new StringWriter(), CancellationToken.None);

        Assert.Equal(0, exit);
        var text = output.ToString();
        Assert.StartsWith("Don't post this:", text, StringComparison.Ordinal);
        Assert.Contains("[methods-4]", text, StringComparison.Ordinal);
        Assert.Contains("defamatory manner", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEmptyDraftIsAClearErrorNotACrash()
    {
        var errors = new StringWriter();
        var exit = await CommandLine.RunAsync(["check", ""], new StringReader(""), new StringWriter(), errors, CancellationToken.None);

        Assert.Equal(2, exit);
        Assert.Contains("nothing to check", errors.ToString(), StringComparison.Ordinal);
    }
}

/// <summary>The draft evaluation sets through the same code path as <c>check --jsonl</c>, scored as shared/eval/score.py does.</summary>
[Trait("Category", "Slow")]
public sealed class CheckEvaluationTests
{
    [Fact]
    public async Task DevSetMeetsTheBar()
    {
        var score = await ScoreAsync(RepoPaths.SharedFile("eval", "drafts.dev.jsonl"));

        Assert.True(score.Verdict >= 0.95, score.ToString());
        Assert.True(score.Clause >= 0.90, score.ToString());
        Assert.True(score.PiiRecall >= 0.95, score.ToString());
        Assert.True(score.ContactsFlagged == 0, score.ToString());
    }

    [Fact]
    public async Task HeldOutSetStaysAboveItsFloor()
    {
        var score = await ScoreAsync(RepoPaths.TestData("drafts.heldout.jsonl"));

        // The unseen bar is verdict 90%, clause 85%, PII recall 90%; the held-out set (written independently) guards it.
        Assert.True(score.Verdict >= 0.90, score.ToString());
        Assert.True(score.Clause >= 0.85, score.ToString());
        Assert.True(score.PiiRecall >= 0.90, score.ToString());
    }

    internal sealed record Score(double Verdict, double Clause, double PiiRecall, int ContactsFlagged, string Misses)
    {
        public override string ToString() => $"verdict {Verdict:P1}, clause {Clause:P1}, pii {PiiRecall:P1}, flagged {ContactsFlagged}\n{Misses}";
    }

    private static async Task<Score> ScoreAsync(string path)
    {
        var rows = EvalSet.Read(path);
        var input = string.Concat(rows.Select(r => JsonSerializer.Serialize(new
        {
            text = r.GetProperty("text").GetString(),
            attachments = r.TryGetProperty("attachments", out var a) ? a : default(JsonElement?),
        }) + "\n"));
        var output = new StringWriter();
        Assert.Equal(0, await CommandLine.RunAsync(["check", "--jsonl"], new StringReader(input), output, new StringWriter(), CancellationToken.None));
        var outs = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(rows.Count, outs.Count);

        int verdictOk = 0, clauseN = 0, clauseOk = 0, piiN = 0, piiHit = 0, flagged = 0;
        var misses = new StringBuilder();
        foreach (var (row, o) in rows.Zip(outs))
        {
            var text = row.GetProperty("text").GetString()!;
            if (o.GetProperty("allowed").GetBoolean() == row.GetProperty("allowed").GetBoolean())
            {
                verdictOk++;
            }
            else
            {
                misses.AppendLine($"VERDICT {text}");
            }

            var clauses = row.GetProperty("clauses").EnumerateArray().Select(c => c.GetString()!).ToList();
            if (clauses.Count > 0)
            {
                clauseN++;
                var texts = o.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("clause_text").GetString()!).ToList();
                if (texts.Any(t => clauses.Any(k => EvalSet.Cites(t, k))))
                {
                    clauseOk++;
                }
                else
                {
                    misses.AppendLine($"CLAUSE {text}");
                }
            }

            var found = o.GetProperty("pii").EnumerateArray().Select(p => EvalSet.Norm(p.GetProperty("text").GetString())).ToList();
            foreach (var want in row.GetProperty("pii").EnumerateArray().Select(p => EvalSet.Norm(p.GetString())))
            {
                piiN++;
                if (found.Any(f => f.Contains(want, StringComparison.Ordinal) || (f.Length > 0 && want.Contains(f, StringComparison.Ordinal))))
                {
                    piiHit++;
                }
                else
                {
                    misses.AppendLine($"PII MISSED {want}");
                }
            }

            foreach (var bad in row.GetProperty("notpii").EnumerateArray().Select(p => EvalSet.Norm(p.GetString())))
            {
                if (found.Any(f => f.Contains(bad, StringComparison.Ordinal) || (f.Length > 0 && bad.Contains(f, StringComparison.Ordinal))))
                {
                    flagged++;
                    misses.AppendLine($"FLAGGED {bad}");
                }
            }
        }

        return new Score((double)verdictOk / rows.Count, (double)clauseOk / Math.Max(1, clauseN), (double)piiHit / Math.Max(1, piiN), flagged, misses.ToString());
    }
}
