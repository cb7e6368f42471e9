using Microsoft.Extensions.Logging;

namespace WWPS.PolicyBot.Dialogs.Insights;

/// <summary>
/// The Manager's decisions about questions the policy did not settle, as the bot answers by them. Every question is
/// looked up here, so they are held in memory and read again from storage at most every <see cref="RefreshInterval"/>
/// (parsed again only when their ETag changed): a decision made on this instance is used at once, one made on another
/// instance within seconds.
/// </summary>
internal sealed partial class ManagerDecisions(InsightsStore store, TimeProvider time, ILogger logger)
{
    /// <summary>How stale the decisions may be on an instance that did not make them.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Decisions kept at most. The Manager makes them one at a time; this only stops the item (and every question's
    /// lookup) growing without bound.
    /// </summary>
    public const int MaxDecisions = 1_000;

    /// <summary>A "not covered: tell them …" answer's length at most: a short answer, not a policy of its own.</summary>
    public const int MaxAnswerLength = 500;

    private int _refreshing;
    private volatile Snapshot _snapshot = new(new DecisionBook(), null, DateTimeOffset.MinValue);

    /// <summary>The decision that answers <paramref name="question"/> as typed, or null.</summary>
    public async Task<ManagerDecision?> FindAsync(string question, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(question);
        var snapshot = await CurrentAsync(cancellationToken).ConfigureAwait(false);
        return snapshot.Find(question);
    }

    /// <summary>Every decision, newest first, read from storage now (for the console).</summary>
    public async Task<IReadOnlyList<ManagerDecision>> AllAsync(CancellationToken cancellationToken)
    {
        var (book, etag) = await store.ReadDecisionsAsync(cancellationToken).ConfigureAwait(false);
        _snapshot = new Snapshot(book, etag, time.GetUtcNow());
        return book.Decisions;
    }

    /// <summary>
    /// Stores a decision about the question whose key is <paramref name="decision"/>'s, replacing any earlier one about
    /// it. False when <see cref="MaxDecisions"/> are already kept and this is a new one.
    /// </summary>
    public async Task<bool> DecideAsync(ManagerDecision decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var written = await store.ChangeDecisionsAsync(book =>
        {
            var others = book.Decisions.Where(d => d.Key != decision.Key).ToList();
            return others.Count >= MaxDecisions ? null : new DecisionBook { Decisions = [decision, .. others] };
        }, cancellationToken).ConfigureAwait(false);
        await ReloadAsync(cancellationToken).ConfigureAwait(false);
        return written is not null;
    }

    /// <summary>Forgets the decision about <paramref name="key"/>: the bot answers that question as the policy alone would.</summary>
    public async Task<bool> RemoveAsync(string key, CancellationToken cancellationToken)
    {
        var written = await store.ChangeDecisionsAsync(
            book => book.Decisions.Any(d => d.Key == key) ? new DecisionBook { Decisions = [.. book.Decisions.Where(d => d.Key != key)] } : null,
            cancellationToken).ConfigureAwait(false);
        await ReloadAsync(cancellationToken).ConfigureAwait(false);
        return written is not null;
    }

    private async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var (book, etag) = await store.ReadDecisionsAsync(cancellationToken).ConfigureAwait(false);
        _snapshot = new Snapshot(book, etag, time.GetUtcNow());
    }

    /// <summary>
    /// The decisions, read again when they are older than <see cref="RefreshInterval"/>. One turn reads while the others
    /// use what is held; a storage failure keeps what is held (and is logged), so a question is still answered.
    /// </summary>
    private async Task<Snapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        var snapshot = _snapshot;
        var now = time.GetUtcNow();
        if (now - snapshot.Fetched < RefreshInterval || Interlocked.CompareExchange(ref _refreshing, 1, 0) != 0)
        {
            return snapshot;
        }

        try
        {
            snapshot = _snapshot;
            if (now - snapshot.Fetched < RefreshInterval)
            {
                return snapshot;
            }

            var (book, etag) = await store.ReadDecisionsAsync(cancellationToken).ConfigureAwait(false);
            _snapshot = snapshot = etag is not null && etag == snapshot.ETag ? snapshot with { Fetched = now } : new Snapshot(book, etag, now);
            return snapshot;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ReadFailed(logger, ex.GetType().Name);
            _snapshot = snapshot with { Fetched = now };
            return snapshot;
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Insights: the Manager's decisions could not be read ({Error}); using those held")]
    private static partial void ReadFailed(ILogger logger, string error);

    /// <summary>The decisions indexed for lookup: by key for the usual question, by pattern for those with placeholders.</summary>
    private sealed record Snapshot(DecisionBook Book, string? ETag, DateTimeOffset Fetched)
    {
        private readonly Dictionary<string, ManagerDecision> _exact = Exact(Book);
        private readonly List<(string[] Key, ManagerDecision Decision)> _patterns =
            [.. Book.Decisions.Where(d => QuestionKey.HasWildcard(d.Key)).Select(d => (d.Key.Split(' '), d))];

        public ManagerDecision? Find(string question)
        {
            if (_exact.Count == 0 && _patterns.Count == 0)
            {
                return null;
            }

            var words = QuestionKey.Words(question);
            if (words.Count == 0)
            {
                return null;
            }

            if (_exact.TryGetValue(string.Join(' ', words), out var exact))
            {
                return exact;
            }

            foreach (var (key, decision) in _patterns)
            {
                if (QuestionKey.Matches(key, words))
                {
                    return decision;
                }
            }

            return null;
        }

        private static Dictionary<string, ManagerDecision> Exact(DecisionBook book)
        {
            var exact = new Dictionary<string, ManagerDecision>(StringComparer.Ordinal);
            foreach (var decision in book.Decisions.Where(d => !QuestionKey.HasWildcard(d.Key)))
            {
                // Newest first: the first one for a key is the one that counts.
                exact.TryAdd(decision.Key, decision);
            }

            return exact;
        }
    }
}
