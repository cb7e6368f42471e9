using System.Text.Json;
using System.Text.Json.Serialization;

namespace WWPS.PolicyBot.Cognitive.Azure;

// The analyze-text wire format (azure-rest-api-specs, analyzetext.json). Only the fields we use are declared;
// sentences, targets, warnings, statistics and redactedText are ignored on purpose.

internal static class AzureKinds
{
    public const string Sentiment = "SentimentAnalysis";
    public const string SentimentResults = "SentimentAnalysisResults";
    public const string Pii = "PiiEntityRecognition";
    public const string PiiResults = "PiiEntityRecognitionResults";
}

internal sealed record AnalyzeTextRequest(string Kind, AnalyzeTextParameters Parameters, AnalysisInput AnalysisInput);

/// <param name="StringIndexType">Utf16CodeUnit so returned offsets index a .NET string directly.</param>
/// <param name="LoggingOptOut">
/// Sent as true for both kinds: drafts are about children, so the service should not keep them for its own
/// troubleshooting. (PII already defaults to true in 2025-11-01; sentiment defaults to false.)
/// </param>
internal sealed record AnalyzeTextParameters(string ModelVersion, bool LoggingOptOut, string StringIndexType);

internal sealed record AnalysisInput(IReadOnlyList<InputDocument> Documents);

internal sealed record InputDocument(string Id, string Language, string Text);

internal interface IWireDocument
{
    string Id { get; }
}

internal sealed record AnalyzeTextResult<TDocument>(string Kind, TaskResults<TDocument> Results);

internal sealed record TaskResults<TDocument>(IReadOnlyList<TDocument> Documents, IReadOnlyList<DocumentError> Errors);

internal sealed record SentimentDocument(string Id, string Sentiment, SentimentConfidence ConfidenceScores) : IWireDocument;

internal sealed record SentimentConfidence(double Positive, double Neutral, double Negative);

internal sealed record PiiDocument(string Id, IReadOnlyList<PiiWireEntity> Entities) : IWireDocument;

internal sealed record PiiWireEntity(string Text, string Category, int Offset, int Length, double ConfidenceScore, string? Subcategory = null);

internal sealed record DocumentError(string Id, ErrorBody Error);

internal sealed record ErrorBody(string Code, string? Message = null, InnerErrorBody? Innererror = null);

internal sealed record InnerErrorBody(string Code, string? Message = null);

internal sealed record ErrorResponse(ErrorBody Error);

// Strict on what we rely on: a missing required field is a bad response (fall back), not a silent zero.
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(AnalyzeTextRequest))]
[JsonSerializable(typeof(AnalyzeTextResult<SentimentDocument>))]
[JsonSerializable(typeof(AnalyzeTextResult<PiiDocument>))]
[JsonSerializable(typeof(ErrorResponse))]
internal sealed partial class AzureLanguageJsonContext : JsonSerializerContext;
