using System.Diagnostics.CodeAnalysis;

namespace WWPS.PolicyBot.Cognitive.Azure;

/// <summary>
/// The outcome for one input text: a value, or the service's error code for that text alone.
/// A per-document error is an expected outcome (empty text, unsupported language), so it is a value, not an exception.
/// </summary>
public sealed record AzureDocumentResult<T>
    where T : class
{
    private AzureDocumentResult(T? value, string? errorCode)
    {
        Value = value;
        ErrorCode = errorCode;
    }

    public T? Value { get; }

    /// <summary>The most specific code the service gave (innererror.code when present), or one of ours for texts never sent.</summary>
    public string? ErrorCode { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(ErrorCode))]
    public bool Succeeded => Value is not null;

    internal static AzureDocumentResult<T> Success(T value) => new(value ?? throw new ArgumentNullException(nameof(value)), null);

    internal static AzureDocumentResult<T> Failure(string errorCode) => new(null, errorCode ?? throw new ArgumentNullException(nameof(errorCode)));
}
