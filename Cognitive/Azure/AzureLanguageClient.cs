using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using WWPS.PolicyBot.Cognitive.Analysis;

namespace WWPS.PolicyBot.Cognitive.Azure;

/// <summary>
/// Azure AI Language's synchronous analyze-text endpoint over plain HTTP: batching within the service limits,
/// long texts split and offsets mapped back, per-document errors as values, retries with backoff, one overall timeout.
/// </summary>
public sealed partial class AzureLanguageClient
{
    // Service limits for synchronous calls (data-limits, 2025-11-01).
    internal const int MaxSentimentDocumentsPerRequest = 10;
    internal const int MaxPiiDocumentsPerRequest = 5;
    internal const int MaxTextElementsPerDocument = 5120;

    /// <summary>Our code for a blank text: the service rejects empty documents, so it is not sent at all.</summary>
    public const string EmptyTextCode = "EmptyText";

    /// <summary>Our code for a document the response neither answered nor listed as an error.</summary>
    public const string MissingFromResponseCode = "MissingFromResponse";

    /// <summary>Our code for entity offsets that do not point at the entity's text in what we sent.</summary>
    public const string OffsetMismatchCode = "OffsetMismatch";

    /// <summary>The host's named HttpClient for the service (<see cref="CognitiveRegistration.AddCognitive"/>).</summary>
    public const string HttpClientName = "AzureLanguage";

    private const string KeyHeader = "Ocp-Apim-Subscription-Key";

    private readonly HttpClient _http;
    private readonly AzureLanguageOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Uri _uri;

    public AzureLanguageClient(
        HttpClient httpClient, AzureLanguageOptions options, TimeProvider timeProvider, ILogger<AzureLanguageClient> logger)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        if (options.Endpoint is not { IsAbsoluteUri: true } endpoint || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException("Endpoint must be an absolute http(s) address.", nameof(options));
        }

        // Checked here because HttpHeaders would otherwise reject a bad key later with a message that quotes it.
        if (string.IsNullOrEmpty(options.Key) || options.Key.Any(c => c is <= ' ' or > '~'))
        {
            throw new ArgumentException("Key is required and must be printable ASCII without spaces or line breaks.", nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxRetries, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Timeout, TimeSpan.Zero, nameof(options));

        _http = httpClient;
        _options = options;
        _time = timeProvider;
        _logger = logger;

        // Built as one absolute string: ":analyze-text" as a relative reference would parse as a URI scheme.
        _uri = new Uri(
            $"{endpoint.AbsoluteUri.TrimEnd('/')}/language/:analyze-text?api-version={Uri.EscapeDataString(options.ApiVersion)}");
    }

    /// <summary>Sentiment of each text, in input order. Throws <see cref="AzureLanguageException"/> when a whole request fails.</summary>
    public Task<IReadOnlyList<AzureDocumentResult<SentimentResult>>> AnalyzeSentimentAsync(
        IReadOnlyList<string> texts, CancellationToken cancellationToken) =>
        AnalyzeAsync(
            texts, AzureKinds.Sentiment, AzureKinds.SentimentResults, MaxSentimentDocumentsPerRequest,
            AzureLanguageJsonContext.Default.AnalyzeTextResultSentimentDocument, MergeSentiment, cancellationToken);

    /// <summary>Personal data in each text, offsets into that text, in input order. Throws <see cref="AzureLanguageException"/> when a whole request fails.</summary>
    public Task<IReadOnlyList<AzureDocumentResult<IReadOnlyList<PiiEntity>>>> RecognizePiiAsync(
        IReadOnlyList<string> texts, CancellationToken cancellationToken) =>
        AnalyzeAsync(
            texts, AzureKinds.Pii, AzureKinds.PiiResults, MaxPiiDocumentsPerRequest,
            AzureLanguageJsonContext.Default.AnalyzeTextResultPiiDocument, MergePii, cancellationToken);

    private async Task<IReadOnlyList<AzureDocumentResult<T>>> AnalyzeAsync<TDocument, T>(
        IReadOnlyList<string> texts,
        string kind,
        string resultKind,
        int batchSize,
        JsonTypeInfo<AnalyzeTextResult<TDocument>> responseType,
        Func<string, IReadOnlyList<(TextChunk Chunk, TDocument Document)>, AzureDocumentResult<T>> merge,
        CancellationToken cancellationToken)
        where TDocument : IWireDocument
        where T : class
    {
        ArgumentNullException.ThrowIfNull(texts);
        var results = new AzureDocumentResult<T>?[texts.Count];
        var parts = new List<(TextChunk Chunk, TDocument Document)>[texts.Count];
        var chunks = new List<TextChunk>();
        for (var i = 0; i < texts.Count; i++)
        {
            var text = texts[i] ?? throw new ArgumentException("Texts must not contain null.", nameof(texts));
            if (string.IsNullOrWhiteSpace(text))
            {
                results[i] = AzureDocumentResult<T>.Failure(EmptyTextCode);
                continue;
            }

            parts[i] = [];
            foreach (var (start, length) in TextChunker.Split(text, MaxTextElementsPerDocument))
            {
                chunks.Add(new TextChunk(i, start, text.Substring(start, length)));
            }
        }

        if (chunks.Count > 0)
        {
            using var timeout = new CancellationTokenSource(_options.Timeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            var call = new CallState(kind, _time.GetTimestamp());
            try
            {
                foreach (var batch in chunks.Chunk(batchSize))
                {
                    var response = await SendAsync(batch, responseType, call, linked.Token).ConfigureAwait(false);
                    if (response.Kind != resultKind)
                    {
                        throw new AzureLanguageException(AzureFailureKind.BadResponse, call.Attempts);
                    }

                    Collect(batch, response.Results, parts, results);
                }
            }
            catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                AzureLog.TimedOut(_logger, kind, _options.Timeout.TotalMilliseconds, call.Attempts);
                throw new AzureLanguageException(AzureFailureKind.Timeout, call.Attempts, innerException: ex);
            }
        }

        var merged = new AzureDocumentResult<T>[texts.Count];
        var failed = 0;
        for (var i = 0; i < texts.Count; i++)
        {
            merged[i] = results[i] ?? merge(texts[i], parts[i]);
            failed += merged[i].Succeeded ? 0 : 1;
        }

        if (failed > 0)
        {
            AzureLog.DocumentErrors(_logger, kind, failed, texts.Count);
        }

        return merged;
    }

    private static void Collect<TDocument, T>(
        TextChunk[] batch,
        TaskResults<TDocument> answer,
        List<(TextChunk Chunk, TDocument Document)>[] parts,
        AzureDocumentResult<T>?[] results)
        where TDocument : IWireDocument
        where T : class
    {
        // Ids are the chunk's position in the batch, so anything else in the response is not ours and is ignored.
        var answered = new bool[batch.Length];
        foreach (var document in answer.Documents)
        {
            if (BatchIndex(document.Id, batch.Length) is { } k && !answered[k])
            {
                answered[k] = true;
                parts[batch[k].TextIndex].Add((batch[k], document));
            }
        }

        foreach (var error in answer.Errors)
        {
            if (BatchIndex(error.Id, batch.Length) is { } k)
            {
                answered[k] = true;

                // A text fails as a whole if any of its chunks fails: half an analysis would look complete.
                results[batch[k].TextIndex] ??= AzureDocumentResult<T>.Failure(
                    SafeCode(error.Error.Innererror?.Code) ?? SafeCode(error.Error.Code) ?? "DocumentError");
            }
        }

        for (var k = 0; k < batch.Length; k++)
        {
            if (!answered[k])
            {
                results[batch[k].TextIndex] ??= AzureDocumentResult<T>.Failure(MissingFromResponseCode);
            }
        }
    }

    private static int? BatchIndex(string id, int count) =>
        int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var k) && k < count ? k : null;

    private async Task<AnalyzeTextResult<TDocument>> SendAsync<TDocument>(
        TextChunk[] batch, JsonTypeInfo<AnalyzeTextResult<TDocument>> responseType, CallState call, CancellationToken cancellationToken)
    {
        var request = new AnalyzeTextRequest(
            call.Kind,
            new AnalyzeTextParameters("latest", LoggingOptOut: true, StringIndexType: "Utf16CodeUnit"),
            new AnalysisInput([.. batch.Select((c, k) => new InputDocument(k.ToString(CultureInfo.InvariantCulture), _options.Language, c.Text))]));
        var body = JsonSerializer.SerializeToUtf8Bytes(request, AzureLanguageJsonContext.Default.AnalyzeTextRequest);

        for (var retry = 0; ; retry++)
        {
            call.Attempts++;
            var attemptStarted = _time.GetTimestamp();
            using var message = new HttpRequestMessage(HttpMethod.Post, _uri) { Content = new ByteArrayContent(body) };
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            message.Headers.Add(KeyHeader, _options.Key);

            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // No response at all. A cancellation our token did not cause is HttpClient's own Timeout: also a network failure.
                AzureLog.NoResponse(_logger, call.Kind, batch.Length, call.Attempts, ex.GetType().Name);
                if (retry < _options.MaxRetries && await WaitAsync(NextBackoff(retry), call, cancellationToken).ConfigureAwait(false))
                {
                    continue;
                }

                throw new AzureLanguageException(AzureFailureKind.Network, call.Attempts, innerException: ex);
            }

            using (response)
            {
                var elapsed = _time.GetElapsedTime(attemptStarted);
                AzureLog.Answered(_logger, call.Kind, batch.Length, call.Attempts, (int)response.StatusCode, elapsed.TotalMilliseconds);
                if (response.IsSuccessStatusCode)
                {
                    try
                    {
                        return await response.Content.ReadFromJsonAsync(responseType, cancellationToken).ConfigureAwait(false)
                            ?? throw new JsonException("The response body was null.");
                    }
                    catch (JsonException ex)
                    {
                        throw new AzureLanguageException(AzureFailureKind.BadResponse, call.Attempts, response.StatusCode, innerException: ex);
                    }
                    catch (Exception ex) when (ex is HttpRequestException or IOException)
                    {
                        // The connection broke while the body was read: as good as no answer.
                        throw new AzureLanguageException(AzureFailureKind.Network, call.Attempts, response.StatusCode, innerException: ex);
                    }
                }

                var errorCode = await ReadErrorCodeAsync(response, cancellationToken).ConfigureAwait(false);
                if (RetryTiming.IsRetryable(response.StatusCode) && retry < _options.MaxRetries)
                {
                    var delay = RetryTiming.ServerDelay(response.Headers, _time.GetUtcNow()) ?? NextBackoff(retry);
                    if (await WaitAsync(delay, call, cancellationToken).ConfigureAwait(false))
                    {
                        continue;
                    }
                }

                throw new AzureLanguageException(AzureFailureKind.HttpStatus, call.Attempts, response.StatusCode, errorCode);
            }
        }
    }

    private TimeSpan NextBackoff(int retry) =>
        RetryTiming.Backoff(retry, _options.RetryBaseDelay, _options.MaxRetryDelay, Random.Shared.NextDouble());

    /// <summary>Waits before a retry, unless the wait would outlast the call's budget: then failing now beats failing later.</summary>
    private async Task<bool> WaitAsync(TimeSpan delay, CallState call, CancellationToken cancellationToken)
    {
        var remaining = _options.Timeout - _time.GetElapsedTime(call.Started);
        if (delay >= remaining)
        {
            AzureLog.WaitTooLong(_logger, call.Kind, delay.TotalMilliseconds, remaining.TotalMilliseconds);
            return false;
        }

        AzureLog.Retrying(_logger, call.Kind, delay.TotalMilliseconds);
        await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static async Task<string?> ReadErrorCodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Headers.TryGetValues("x-ms-error-code", out var values) && SafeCode(values.FirstOrDefault()) is { } header)
        {
            return header;
        }

        try
        {
            var error = await response.Content.ReadFromJsonAsync(AzureLanguageJsonContext.Default.ErrorResponse, cancellationToken).ConfigureAwait(false);
            return SafeCode(error?.Error.Innererror?.Code) ?? SafeCode(error?.Error.Code);
        }
        catch (Exception ex) when (ex is JsonException or HttpRequestException or IOException)
        {
            // Gateways answer with HTML, nothing, or a dropped connection; the status code alone is enough then.
            return null;
        }
    }

    // Codes come from the server and end up in notices and logs; anything not code-shaped is dropped
    // so a message (which could quote the document) never travels under the name of a code.
    private static string? SafeCode(string? code) => code is not null && CodeShape().IsMatch(code) ? code : null;

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex CodeShape();

    private static AzureDocumentResult<SentimentResult> MergeSentiment(
        string text, IReadOnlyList<(TextChunk Chunk, SentimentDocument Document)> parts)
    {
        if (parts.Count == 1)
        {
            return AzureDocumentResult<SentimentResult>.Success(ToSentiment(parts[0].Document.Sentiment, parts[0].Document.ConfidenceScores));
        }

        // A split text: scores averaged by chunk length, since a long chunk carries more of the text's tone than a short tail.
        double total = parts.Sum(p => p.Chunk.Text.Length);
        var scores = new SentimentConfidence(
            parts.Sum(p => p.Chunk.Text.Length * p.Document.ConfidenceScores.Positive) / total,
            parts.Sum(p => p.Chunk.Text.Length * p.Document.ConfidenceScores.Neutral) / total,
            parts.Sum(p => p.Chunk.Text.Length * p.Document.ConfidenceScores.Negative) / total);

        // Labels follow the service's own idea of "mixed": one positive and one negative part make the whole mixed.
        var labels = parts.Select(p => p.Document.Sentiment).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var label = labels.Count == 1 ? labels[0]
            : labels.Contains("mixed", StringComparer.OrdinalIgnoreCase)
              || (labels.Contains("positive", StringComparer.OrdinalIgnoreCase) && labels.Contains("negative", StringComparer.OrdinalIgnoreCase)) ? "mixed"
            : scores.Positive >= scores.Neutral && scores.Positive >= scores.Negative ? "positive"
            : scores.Negative >= scores.Neutral ? "negative"
            : "neutral";
        return AzureDocumentResult<SentimentResult>.Success(ToSentiment(label, scores));
    }

    // Azure gives no compound score. Positive − negative has VADER's −1…+1 range and sign, so the draft check's
    // thresholds read the same way, but it is not calibrated like VADER's compound.
    private static SentimentResult ToSentiment(string label, SentimentConfidence s) =>
        new(label.ToLowerInvariant(), s.Positive - s.Negative, new SentimentScores(s.Positive, s.Neutral, s.Negative));

    private static AzureDocumentResult<IReadOnlyList<PiiEntity>> MergePii(
        string text, IReadOnlyList<(TextChunk Chunk, PiiDocument Document)> parts)
    {
        var entities = new List<PiiEntity>();
        foreach (var (chunk, document) in parts)
        {
            foreach (var e in document.Entities)
            {
                // Offsets are redacted on, so one that does not land on the entity's text (wrong index type, a bug
                // in our chunk mapping) must not be trusted: the text goes to the local analyser instead.
                if (e.Offset < 0 || e.Length <= 0 || e.Offset > chunk.Text.Length - e.Length
                    || !chunk.Text.AsSpan(e.Offset, e.Length).SequenceEqual(e.Text))
                {
                    return AzureDocumentResult<IReadOnlyList<PiiEntity>>.Failure(OffsetMismatchCode);
                }

                entities.Add(new PiiEntity(e.Category, e.Text, chunk.Start + e.Offset, e.Length, e.ConfidenceScore, e.Subcategory));
            }
        }

        entities.Sort((a, b) => a.Start.CompareTo(b.Start));
        return AzureDocumentResult<IReadOnlyList<PiiEntity>>.Success(entities);
    }

    private sealed class CallState(string kind, long started)
    {
        public string Kind { get; } = kind;

        public long Started { get; } = started;

        public int Attempts { get; set; }
    }
}
