using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace WWPS.PolicyBot.Dialogs.Insights;

/// <summary>
/// Takes what conversations report (a question the policy did not cover, an answer marked not helpful, a clarification
/// chosen) off the turn. Each is queued; one writer at a time redacts the queued questions with the draft check's own
/// personal data recogniser and adds them to their weeks, one write per week for everything queued. So a turn never
/// waits on storage or redaction for this, and under load many events share a write instead of racing for the week's
/// item. Events are in memory only until written: a crash loses at most the last moment's counts, never a turn.
/// </summary>
internal sealed partial class InsightsRecorder
{
    /// <summary>Events waiting at most; beyond, new ones are dropped (and logged as a count) rather than memory growing.</summary>
    public const int MaxQueued = 10_000;

    // Events taken into one write: enough to absorb a burst, few enough to redact in well under a second.
    private const int MaxBatch = 500;

    private readonly InsightsStore _store;
    private readonly Func<string, CancellationToken, Task<string>> _redact;
    private readonly TimeZoneInfo _zone;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentQueue<Pending> _queue = new();
    private readonly Lock _gate = new();
    private int _queued;
    private int _dropped;
    private bool _draining;

    /// <param name="redact">Personal data in a question replaced by placeholders: <c>DraftReviewer.RedactAsync</c>.</param>
    /// <param name="zone">The preschool's time zone, whose ISO weeks the counts are kept by.</param>
    public InsightsRecorder(InsightsStore store, Func<string, CancellationToken, Task<string>> redact, TimeZoneInfo zone, TimeProvider time, ILogger logger)
    {
        _store = store;
        _redact = redact;
        _zone = zone;
        _time = time;
        _logger = logger;
    }

    public void NotCovered(string question) => Record(InsightKind.NotCovered, question, null, []);

    public void NotHelpful(string question, string? clause) => Record(InsightKind.NotHelpful, question, clause, []);

    /// <param name="chosen">The clause chosen; null for "Something else".</param>
    public void Clarified(string question, IReadOnlyList<string> offered, string? chosen) => Record(InsightKind.Clarified, question, chosen, offered);

    /// <summary>Completes once everything recorded before the call has been written (or failed and been logged).</summary>
    public Task FlushAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(new Pending(null, done));
        return done.Task.WaitAsync(cancellationToken);
    }

    private void Record(InsightKind kind, string question, string? clause, IReadOnlyList<string> offered)
    {
        ArgumentNullException.ThrowIfNull(question);
        if (string.IsNullOrWhiteSpace(question))
        {
            return;
        }

        if (Interlocked.Increment(ref _queued) > MaxQueued)
        {
            Interlocked.Decrement(ref _queued);
            Interlocked.Increment(ref _dropped);
            return;
        }

        Enqueue(new Pending(new InsightEvent(kind, question, clause, offered, _time.GetUtcNow()), null));
    }

    private void Enqueue(Pending pending)
    {
        _queue.Enqueue(pending);
        lock (_gate)
        {
            if (_draining)
            {
                return;
            }

            _draining = true;
        }

        _ = Task.Run(DrainAsync);
    }

    /// <summary>Writes what is queued, a batch at a time, until the queue is empty; then lets the next event start it again.</summary>
    private async Task DrainAsync()
    {
        var batch = new List<Pending>();
        while (true)
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.TryDequeue(out var next))
            {
                batch.Add(next);
            }

            if (batch.Count == 0)
            {
                lock (_gate)
                {
                    // Checked under the lock that Enqueue takes after queueing, so nothing queued is left waiting.
                    if (_queue.IsEmpty)
                    {
                        _draining = false;
                        return;
                    }
                }

                continue;
            }

            var events = batch.Where(p => p.Event is not null).Select(p => p.Event!).ToList();
            Interlocked.Add(ref _queued, -events.Count);
            try
            {
                await WriteAsync(events).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Storage unavailable or a bug: these counts are lost, the bot goes on. Never the questions in the log.
                WriteFailed(_logger, events.Count, ex.GetType().Name);
            }

            foreach (var flush in batch.Where(p => p.Flushed is not null))
            {
                flush.Flushed!.TrySetResult();
            }

            // Counted, not logged one by one: a flood that fills the queue must not flood the log too.
            if (Interlocked.Exchange(ref _dropped, 0) is > 0 and var dropped)
            {
                Dropped(_logger, dropped);
            }
        }
    }

    private async Task WriteAsync(List<InsightEvent> events)
    {
        if (events.Count == 0)
        {
            return;
        }

        var records = new List<InsightRecord>(events.Count);
        foreach (var e in events)
        {
            string redacted;
            try
            {
                // Not cancellable: the turn that reported it is long gone, and the write takes a moment.
                redacted = await _redact(Head(e.Question), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Never stored unredacted: an event the recogniser could not read is dropped.
                RedactFailed(_logger, e.Kind, ex.GetType().Name);
                continue;
            }

            records.Add(new InsightRecord(InsightWeeks.Of(e.At, _zone), e.Kind, redacted, e.Clause, e.Offered));
        }

        await _store.AddAsync(records, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// The part of a question that is read: the answerer reads 2,000 characters and only 500 are kept, so a pasted
    /// document is not run through the recogniser whole. A number cut in two here is far past what is kept.
    /// </summary>
    private static string Head(string question) =>
        question.Length <= Cognitive.Answering.PolicyAnswerer.MaxQuestionLength ? question : question[..Cognitive.Answering.PolicyAnswerer.MaxQuestionLength];

    /// <param name="Flushed">A flush marker: completed once everything queued before it is written.</param>
    private sealed record Pending(InsightEvent? Event, TaskCompletionSource? Flushed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Insights: the queue was full, {Count} events were not counted")]
    private static partial void Dropped(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Insights: {Count} events could not be stored ({Error})")]
    private static partial void WriteFailed(ILogger logger, int count, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Insights: a {Kind} event was dropped, its question could not be redacted ({Error})")]
    private static partial void RedactFailed(ILogger logger, InsightKind kind, string error);
}
