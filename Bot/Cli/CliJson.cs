using System.Text.Json.Serialization;
using WWPS.PolicyBot.Cognitive.Answering;
using WWPS.PolicyBot.Cognitive.Drafts;

namespace WWPS.PolicyBot.Cli;

/// <summary>Input line of <c>ask --jsonl</c>.</summary>
internal sealed record AskInput(string? Q);

/// <summary>Input line of <c>check --jsonl</c>.</summary>
internal sealed record CheckInput(string? Text, List<AttachmentInput>? Attachments);

/// <summary>
/// An attachment as the contract writes it (<c>contentType</c>, as in a Bot Framework activity); the snake_case
/// <c>content_type</c> of the rest of this JSON is read too.
/// </summary>
internal sealed record AttachmentInput([property: JsonPropertyName("contentType")] string? ContentType, string? Name, [property: JsonPropertyName("content_type")] string? SnakeContentType = null)
{
    public string? Type => ContentType ?? SnakeContentType;
}

/// <summary>Output line of <c>check --jsonl</c>, shaped exactly as the contract in docs/command-line.md.</summary>
internal sealed record CheckOutput(bool Allowed, string Verdict, List<FindingOutput> Findings, List<PiiOutput> Pii, SentimentOutput Sentiment, string Redacted)
{
    public static CheckOutput From(DraftReview review) => new(
        review.Allowed,
        review.Verdict,
        [.. review.Findings.Select(f => new FindingOutput(f.Kind, f.Clause, f.ClauseText, f.Message, f.Span is { } s ? new SpanOutput(s.Start, s.Length, s.Text) : null))],
        [.. review.Pii.Select(p => new PiiOutput(p.Category, p.Text, p.Start, p.Length, p.Score))],
        new SentimentOutput(review.Sentiment.Label, new ScoresOutput(review.Sentiment.Scores.Positive, review.Sentiment.Scores.Neutral, review.Sentiment.Scores.Negative)),
        review.Redacted);
}

internal sealed record FindingOutput(string Kind, string Clause, string ClauseText, string Message, SpanOutput? Span);

internal sealed record SpanOutput(int Start, int Length, string Text);

internal sealed record PiiOutput(string Category, string Text, int Start, int Length, double Score);

internal sealed record SentimentOutput(string Label, ScoresOutput Scores);

internal sealed record ScoresOutput(double Positive, double Neutral, double Negative);

/// <summary>Output line of <c>embed --jsonl</c>.</summary>
internal sealed record EmbedOutput(float[] V, float[]? X = null, long[][]? Ids = null);

/// <summary>Output line for an input that could not be read; keeps the one-line-per-input contract.</summary>
internal sealed record CliError(string Error);

// The JSON Lines contract (docs/command-line.md) uses snake_case names.
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AskInput))]
[JsonSerializable(typeof(PolicyAnswer))]
[JsonSerializable(typeof(CliError))]
[JsonSerializable(typeof(CheckInput))]
[JsonSerializable(typeof(CheckOutput))]
[JsonSerializable(typeof(EmbedOutput))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
