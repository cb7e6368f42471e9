using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using WWPS.PolicyBot.Cognitive.Analysis;

namespace WWPS.PolicyBot.Tests.Azure;

/// <summary>Stands in for VADER: a fixed, recognisable answer so a test can tell a local result from Azure's.</summary>
internal sealed class FixedSentiment : ISentimentAnalyzer
{
    public static readonly SentimentResult Result = new("neutral", 0.0123, new SentimentScores(0, 1, 0));

    public SentimentResult Analyze(string text) => Result;
}

/// <summary>Stands in for the local PII recognizers: finds the child's name only.</summary>
internal sealed class NameOnlyPii : IPiiAnalyzer
{
    public IReadOnlyList<PiiEntity> Recognize(string text)
    {
        var at = text.IndexOf(DocumentedResponses.ChildName, StringComparison.Ordinal);
        return at < 0 ? [] : [new PiiEntity("Person", DocumentedResponses.ChildName, at, DocumentedResponses.ChildName.Length, 0.5, "Child")];
    }
}

/// <summary>The local backend, recording which texts it was asked about.</summary>
internal sealed class RecordingFallback : ITextAnalyzer
{
    private readonly LocalTextAnalyzer _local = new(new FixedSentiment(), new NameOnlyPii());

    public ConcurrentQueue<string> Texts { get; } = new();

    public Task<IReadOnlyList<TextAnalysis>> AnalyzeAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        foreach (var t in texts)
        {
            Texts.Enqueue(t);
        }

        return _local.AnalyzeAsync(texts, cancellationToken);
    }
}

/// <summary>Keeps everything a logger was given (formatted message, structured values, exception) for leak checks.</summary>
internal sealed class LogSink
{
    public ConcurrentQueue<string> Entries { get; } = new();

    public ILogger<T> For<T>() => new Logger<T>(this);

    public string All => string.Join("\n", Entries);

    private sealed class Logger<T>(LogSink sink) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            sink.Entries.Enqueue($"{logLevel}: {formatter(state, exception)} [{values}] {exception}");
        }
    }
}
