namespace WWPS.PolicyBot.Cognitive.Analysis;

/// <summary>The offline backend: the local sentiment and PII analysers, run text by text in memory.</summary>
public sealed class LocalTextAnalyzer(ISentimentAnalyzer sentiment, IPiiAnalyzer pii) : ITextAnalyzer
{
    public Task<IReadOnlyList<TextAnalysis>> AnalyzeAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var results = new TextAnalysis[texts.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            // The analysers are synchronous and fast; checking between texts keeps a long batch cancellable.
            cancellationToken.ThrowIfCancellationRequested();
            results[i] = new TextAnalysis(sentiment.Analyze(texts[i]), pii.Recognize(texts[i]), Backend: AnalysisBackend.Local);
        }

        return Task.FromResult<IReadOnlyList<TextAnalysis>>(results);
    }
}
