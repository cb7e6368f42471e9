using System.Text;
using System.Text.Json;
using WWPS.PolicyBot.Cognitive.Drafts;

namespace WWPS.PolicyBot.Cli;

/// <summary><c>check</c>: a draft from the argument, <c>--file F</c> or stdin; <c>check --jsonl</c> for batches.</summary>
internal static class CheckCommand
{
    // Drafts go to the analyser in groups so the Azure backend can batch; small enough to keep memory flat.
    private const int BatchSize = 50;

    public static async Task<int> RunAsync(DraftReviewer reviewer, CommandLine.Options options, List<string> rest, TextReader stdin, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (options.JsonLines)
        {
            await RunJsonLinesAsync(reviewer, stdin, stdout, cancellationToken);
            return 0;
        }

        string text;
        if (options.FilePath is { } file)
        {
            if (!File.Exists(file))
            {
                await stderr.WriteLineAsync($"check: no such file '{file}'");
                return 2;
            }

            text = await File.ReadAllTextAsync(file, cancellationToken);
        }
        else
        {
            text = rest.Count > 0 ? string.Join(' ', rest) : await stdin.ReadToEndAsync(cancellationToken);
        }

        if (DraftReviewer.Validate(text) is { } problem)
        {
            await stderr.WriteLineAsync("check: " + problem);
            return 2;
        }

        var review = await reviewer.ReviewAsync(new DraftInput(text, []), cancellationToken);
        await stdout.WriteAsync(Render(review));
        return 0;
    }

    private static async Task RunJsonLinesAsync(DraftReviewer reviewer, TextReader stdin, TextWriter stdout, CancellationToken cancellationToken)
    {
        var batch = new List<(DraftInput? Input, string? Error)>(BatchSize);
        while (await stdin.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Trim().Length == 0)
            {
                continue;
            }

            batch.Add(Parse(line));
            if (batch.Count == BatchSize)
            {
                await FlushAsync(reviewer, batch, stdout, cancellationToken);
            }
        }

        await FlushAsync(reviewer, batch, stdout, cancellationToken);
        await stdout.FlushAsync(cancellationToken);
    }

    private static (DraftInput?, string?) Parse(string line)
    {
        try
        {
            var input = JsonSerializer.Deserialize(line, CliJsonContext.Default.CheckInput);
            if (input?.Text is not { } text)
            {
                return (null, "expected an object with a \"text\" string");
            }

            if (DraftReviewer.Validate(text) is { } problem)
            {
                return (null, problem);
            }

            return (ToDraft(input), null);
        }
        catch (JsonException)
        {
            return (null, "not a JSON object");
        }
    }

    internal static DraftInput ToDraft(CheckInput input) =>
        new(input.Text ?? "", input.Attachments?.Select(a => new DraftAttachment(a.Type, a.Name)).ToList() ?? []);

    private static async Task FlushAsync(DraftReviewer reviewer, List<(DraftInput? Input, string? Error)> batch, TextWriter stdout, CancellationToken cancellationToken)
    {
        var valid = batch.Where(b => b.Input is not null).Select(b => b.Input!).ToList();
        var reviews = valid.Count > 0 ? await reviewer.ReviewAsync(valid, cancellationToken) : [];
        var next = 0;
        foreach (var (input, error) in batch)
        {
            var json = input is null
                ? JsonSerializer.Serialize(new CliError(error!), CliJsonContext.Default.CliError)
                : JsonSerializer.Serialize(CheckOutput.From(reviews[next++]), CliJsonContext.Default.CheckOutput);
            await stdout.WriteLineAsync(json);
        }

        batch.Clear();
    }

    /// <summary>Readable result for a terminal: verdict, each problem with the clause it breaks, then the safer version.</summary>
    internal static string Render(DraftReview review)
    {
        var sb = new StringBuilder();
        sb.AppendLine(review.Verdict switch
        {
            DraftVerdicts.Ok => "Fine to post: nothing in it goes against the Social Networking Policy.",
            DraftVerdicts.Revise => "Change this first:",
            _ => "Don't post this:",
        });

        foreach (var finding in review.Findings)
        {
            sb.AppendLine();
            sb.Append("- ").Append(finding.Message);
            if (finding.Span is { } span && span.Length < 120)
            {
                sb.Append($" (\u201c{span.Text}\u201d, at {span.Start})");
            }

            sb.AppendLine();
            sb.AppendLine($"  [{finding.Clause}] \u201c{finding.ClauseText}\u201d");
        }

        if (review.Pii.Count > 0)
        {
            sb.AppendLine().AppendLine("Redacted: " + review.Redacted);
        }

        if (review.Suggestion is { } suggestion)
        {
            sb.AppendLine().AppendLine("What to change:").AppendLine(suggestion);
        }

        sb.AppendLine().AppendLine($"Tone: {review.Sentiment.Label} ({review.Sentiment.Compound:+0.00;-0.00;0.00})");
        if (review.Notice is { } notice)
        {
            sb.AppendLine(notice);
        }

        return sb.ToString();
    }
}
