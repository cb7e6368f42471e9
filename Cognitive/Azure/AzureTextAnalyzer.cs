using Microsoft.Extensions.Logging;
using WWPS.PolicyBot.Cognitive.Analysis;

namespace WWPS.PolicyBot.Cognitive.Azure;

/// <summary>
/// Azure AI Language as the text-analysis backend, with the local analysers behind it. Each result is wholly
/// from one backend (its <see cref="TextAnalysis.Backend"/> says which); a text Azure could not analyse is
/// analysed locally and carries a <see cref="TextAnalysis.Notice"/> saying why, without quoting the text.
/// </summary>
public sealed class AzureTextAnalyzer : ITextAnalyzer
{
    private const string LocalPrefix = "Checked with the local analyser: ";

    private readonly AzureLanguageClient _client;
    private readonly ITextAnalyzer _fallback;
    private readonly ILogger _logger;

    public AzureTextAnalyzer(AzureLanguageClient client, ITextAnalyzer fallback, ILogger<AzureTextAnalyzer> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(fallback);
        ArgumentNullException.ThrowIfNull(logger);
        _client = client;
        _fallback = fallback;
        _logger = logger;
    }

    public async Task<IReadOnlyList<TextAnalysis>> AnalyzeAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0)
        {
            return [];
        }

        // Both kinds at once: each has its own timeout budget, so the user waits for the slower, not the sum.
        var sentimentTask = _client.AnalyzeSentimentAsync(texts, cancellationToken);
        var piiTask = _client.RecognizePiiAsync(texts, cancellationToken);
        try
        {
            await Task.WhenAll(sentimentTask, piiTask).ConfigureAwait(false);
        }
        catch (AzureLanguageException failure) when (!cancellationToken.IsCancellationRequested)
        {
            AzureLog.FellBack(_logger, failure.Kind, (int?)failure.StatusCode, failure.ErrorCode, texts.Count);
            var notice = NoticeFor(failure);
            return await FallBackAsync(texts, Enumerable.Range(0, texts.Count).Select(i => (i, notice)).ToList(), new TextAnalysis[texts.Count], cancellationToken)
                .ConfigureAwait(false);
        }

        var sentiment = await sentimentTask.ConfigureAwait(false);
        var pii = await piiTask.ConfigureAwait(false);
        var results = new TextAnalysis[texts.Count];
        var pending = new List<(int Index, string Notice)>();
        for (var i = 0; i < texts.Count; i++)
        {
            if (sentiment[i].Succeeded && pii[i].Succeeded)
            {
                results[i] = new TextAnalysis(sentiment[i].Value!, pii[i].Value!, Backend: AnalysisBackend.Azure);
            }
            else
            {
                // Sentiment from one backend and PII from the other would be the silent mix we promise not to make.
                var code = sentiment[i].ErrorCode ?? pii[i].ErrorCode;
                pending.Add((i, $"{LocalPrefix}Azure AI Language could not analyse this text ({code})."));
            }
        }

        if (pending.Count == 0)
        {
            return results;
        }

        AzureLog.PartlyFellBack(_logger, pending.Count, texts.Count);
        return await FallBackAsync(texts, pending, results, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<TextAnalysis>> FallBackAsync(
        IReadOnlyList<string> texts, List<(int Index, string Notice)> pending, TextAnalysis[] results, CancellationToken cancellationToken)
    {
        var local = await _fallback.AnalyzeAsync([.. pending.Select(p => texts[p.Index])], cancellationToken).ConfigureAwait(false);
        for (var j = 0; j < pending.Count; j++)
        {
            var (index, notice) = pending[j];
            results[index] = local[j] with
            {
                Notice = local[j].Notice is { } own ? $"{notice} {own}" : notice,
                Backend = AnalysisBackend.Local,
            };
        }

        return results;
    }

    private static string NoticeFor(AzureLanguageException failure) => LocalPrefix + failure.Kind switch
    {
        AzureFailureKind.Timeout => "Azure AI Language did not answer in time.",
        AzureFailureKind.Network => "Azure AI Language could not be reached.",
        AzureFailureKind.BadResponse => "Azure AI Language sent an answer that could not be read.",
        _ => $"Azure AI Language answered HTTP {(int?)failure.StatusCode}"
             + (failure.ErrorCode is null ? "" : $" ({failure.ErrorCode})")
             + $" after {failure.Attempts} attempt(s).",
    };
}
