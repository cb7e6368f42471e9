using Microsoft.Extensions.Logging;

namespace WWPS.PolicyBot.Cognitive.Azure;

// Every message carries counts, status codes, error codes and timings only: no document text, no key,
// no endpoint query (README.md, "What is stored, and for how long").
internal static partial class AzureLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug,
        Message = "Azure AI Language {Kind}: {Documents} document(s), attempt {Attempt}, HTTP {StatusCode} in {ElapsedMs:F0} ms")]
    public static partial void Answered(ILogger logger, string kind, int documents, int attempt, int statusCode, double elapsedMs);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "Azure AI Language {Kind}: {Documents} document(s), attempt {Attempt} got no response ({ErrorType})")]
    public static partial void NoResponse(ILogger logger, string kind, int documents, int attempt, string errorType);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information,
        Message = "Azure AI Language {Kind}: retrying in {DelayMs:F0} ms")]
    public static partial void Retrying(ILogger logger, string kind, double delayMs);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning,
        Message = "Azure AI Language {Kind}: asked to wait {DelayMs:F0} ms but only {RemainingMs:F0} ms of the budget remain; giving up")]
    public static partial void WaitTooLong(ILogger logger, string kind, double delayMs, double remainingMs);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning,
        Message = "Azure AI Language {Kind}: no answer within {TimeoutMs:F0} ms after {Attempts} attempt(s)")]
    public static partial void TimedOut(ILogger logger, string kind, double timeoutMs, int attempts);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning,
        Message = "Azure AI Language {Kind}: {Failed} of {Total} text(s) returned a per-document error")]
    public static partial void DocumentErrors(ILogger logger, string kind, int failed, int total);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning,
        Message = "Azure analysis failed ({Failure}, HTTP {StatusCode}, {ErrorCode}); {Count} text(s) checked by the local analyser")]
    public static partial void FellBack(ILogger logger, AzureFailureKind failure, int? statusCode, string? errorCode, int count);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information,
        Message = "{Count} of {Total} text(s) checked by the local analyser after per-document errors")]
    public static partial void PartlyFellBack(ILogger logger, int count, int total);
}
