namespace WWPS.PolicyBot.Cognitive.Azure;

/// <summary>
/// Settings for Azure AI Language. Init properties rather than a positional record so configuration binding
/// can fill it and so the key is not printed by the compiler-generated ToString.
/// </summary>
public sealed record AzureLanguageOptions
{
    /// <summary>The resource endpoint, e.g. https://&lt;resource-name&gt;.api.cognitiveservices.azure.com.</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>The resource key, sent as Ocp-Apim-Subscription-Key. Never logged or put in exception messages.</summary>
    public required string Key { get; init; }

    /// <summary>Latest GA version of analyze-text; previews are avoided because their fields come and go.</summary>
    public string ApiVersion { get; init; } = "2025-11-01";

    /// <summary>
    /// Budget for one whole call (all batches, retries and waits). A person is waiting for the draft check,
    /// and the local analysers can answer at once, so waiting longer than this is worse than falling back.
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries after the first attempt, for throttling, server errors and network failures.</summary>
    public int MaxRetries { get; init; } = 3;

    public string Language { get; init; } = "en";

    /// <summary>First backoff step when the service does not say how long to wait; doubled on each retry.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Cap on one computed backoff step, so the exponential growth cannot eat the whole budget at once.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(4);

    // Written by hand so that logging the options (or an exception that includes them) cannot leak the key.
    public override string ToString() =>
        $"AzureLanguageOptions {{ Endpoint = {Endpoint}, Key = ***, ApiVersion = {ApiVersion}, Timeout = {Timeout}, MaxRetries = {MaxRetries}, Language = {Language} }}";
}
