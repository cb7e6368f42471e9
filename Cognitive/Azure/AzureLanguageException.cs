using System.Net;

namespace WWPS.PolicyBot.Cognitive.Azure;

public enum AzureFailureKind
{
    /// <summary>The overall timeout passed before the service answered.</summary>
    Timeout,

    /// <summary>No HTTP response: DNS, connection refused, reset, TLS.</summary>
    Network,

    /// <summary>A non-success status, after any retries it deserved.</summary>
    HttpStatus,

    /// <summary>A success status with a body that is not the documented shape.</summary>
    BadResponse,
}

/// <summary>
/// A whole request to Azure AI Language failed. The message carries only the kind, status, error code and
/// attempt count: never document text, never the key.
/// </summary>
public sealed class AzureLanguageException : Exception
{
    public AzureLanguageException()
    {
    }

    public AzureLanguageException(string message)
        : base(message)
    {
    }

    public AzureLanguageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal AzureLanguageException(
        AzureFailureKind kind, int attempts, HttpStatusCode? statusCode = null, string? errorCode = null, Exception? innerException = null)
        : base(Describe(kind, attempts, statusCode, errorCode), innerException)
    {
        Kind = kind;
        Attempts = attempts;
        StatusCode = statusCode;
        ErrorCode = errorCode;
    }

    public AzureFailureKind Kind { get; }

    public int Attempts { get; }

    public HttpStatusCode? StatusCode { get; }

    /// <summary>The service's error code (x-ms-error-code or error.code), when it gave a well-formed one.</summary>
    public string? ErrorCode { get; }

    private static string Describe(AzureFailureKind kind, int attempts, HttpStatusCode? statusCode, string? errorCode)
    {
        var status = statusCode is { } s ? $" HTTP {(int)s}" : "";
        var code = errorCode is null ? "" : $" ({errorCode})";
        return $"Azure AI Language request failed: {kind}{status}{code} after {attempts} attempt(s).";
    }
}
