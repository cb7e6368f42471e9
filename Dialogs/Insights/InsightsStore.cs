using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Dialogs.Insights;

/// <summary>
/// The Manager's insights on the bot's own key/value storage, so that they work on every storage provider with no
/// schema of their own: one item per ISO week (<c>retained/insights/weeks/2026-W49</c>) holding redacted questions
/// with their counts, one holding the Manager's decisions and one recording the weekly digest. Keys sit under
/// <see cref="StorageKeys.Retained"/>, which the idle-state purge leaves alone; <see cref="PurgeAsync"/> applies the
/// insights' own retention.
/// </summary>
/// <remarks>
/// Every change reads the item, changes it and writes it back with the ETag it read; when another writer (another
/// instance of the bot) got there first, it is done again on what that writer left. <see cref="IStorage"/> has no
/// "create only if absent", so an item is created in one write together with a guard item whose ETag was read
/// before the item was found missing: of two instances creating the same week at once, one write fails and that
/// instance adds its counts to the week the other created. The guard's content never changes, so two instances
/// writing it for the very first time at once cannot lose anything.
/// </remarks>
/// <param name="time">For the short random wait after a lost race; the system clock unless a test says otherwise.</param>
internal sealed class InsightsStore(IStorage storage, TimeProvider? time = null)
{
    public const string Prefix = StorageKeys.Retained + "insights/";

    /// <summary>
    /// Distinct questions kept with their words per week. A flood of different questions (a script, a test) then grows
    /// the week's item to about 300 KB at most (500 × 500 characters and their counts); what comes after is still
    /// counted, by kind and clause, without its words.
    /// </summary>
    public const int MaxQuestionsPerWeek = 500;

    /// <summary>Characters kept of a question: enough for the question itself, not for a pasted document.</summary>
    public const int MaxQuestionLength = 500;

    internal const string GuardKey = Prefix + "guard";
    internal const string DecisionsKey = Prefix + "decisions";
    internal const string DigestKey = Prefix + "digest";
    internal const string WeeksPrefix = Prefix + "weeks/";

    /// <summary>How far back the first purge after a start looks for weeks to delete: five years, once.</summary>
    internal const int SweepWeeks = 260;

    private readonly Lock _gate = new();
    private string? _sweptThrough;

    public static string WeekKey(string week) => WeeksPrefix + week;

    /// <summary>Adds redacted records to their weeks' counts: one read and one write per week (more when another writer races).</summary>
    public async Task AddAsync(IReadOnlyList<InsightRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (var week in records.GroupBy(r => r.Week, StringComparer.Ordinal))
        {
            await UpdateAsync(WeekKey(week.Key), InsightsJson.Default.InsightWeek, current => Count(current ?? new InsightWeek { Week = week.Key }, week), cancellationToken)
                .ConfigureAwait(false);
        }
    }

    /// <summary>
    /// <paramref name="records"/> counted into <paramref name="week"/>: the same question (by <see cref="QuestionKey"/>),
    /// kind, clause and options adds one to its entry; a new one gets an entry while the week has fewer than
    /// <see cref="MaxQuestionsPerWeek"/> questions, and is otherwise counted without its words.
    /// </summary>
    internal static InsightWeek Count(InsightWeek week, IEnumerable<InsightRecord> records)
    {
        var kept = week.Entries.Count(e => e.Question is not null);
        foreach (var record in records)
        {
            var question = Shorten(record.Question);
            var key = QuestionKey.Of(question);
            if (key.Length == 0)
            {
                // Nothing but emoji or punctuation: nothing the Manager could act on.
                continue;
            }

            var offered = record.Kind == InsightKind.Clarified ? record.Offered.ToList() : null;
            var entry = week.Entries.Find(e => e.Kind == record.Kind && e.Key == key && e.Clause == record.Clause && SameOffered(e.Offered, offered));
            if (entry is null && kept >= MaxQuestionsPerWeek)
            {
                entry = week.Entries.Find(e => e.Kind == record.Kind && e.Question is null && e.Clause == record.Clause);
                if (entry is null)
                {
                    entry = new InsightEntry { Kind = record.Kind, Clause = record.Clause };
                    week.Entries.Add(entry);
                }
            }
            else if (entry is null)
            {
                entry = new InsightEntry { Kind = record.Kind, Question = question, Clause = record.Clause, Offered = offered };
                week.Entries.Add(entry);
                kept++;
            }

            entry.Count++;
        }

        return week;
    }

    /// <summary>The weeks asked for that have anything stored, in the order asked.</summary>
    public async Task<IReadOnlyList<InsightWeek>> ReadWeeksAsync(IReadOnlyList<string> weeks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(weeks);
        var items = await storage.ReadAsync([.. weeks.Select(WeekKey)], cancellationToken).ConfigureAwait(false);
        return [.. weeks.Select(w => items.TryGetValue(WeekKey(w), out var item) ? item.Value.Deserialize(InsightsJson.Default.InsightWeek) : null).OfType<InsightWeek>()];
    }

    /// <summary>
    /// Deletes every week up to and including <paramref name="lastToDelete"/>. The first call after a start sweeps
    /// <see cref="SweepWeeks"/> back (storage cannot list keys, and the bot may have been off for a while); later calls
    /// only the weeks that have come due since. Returns how many weeks were deleted.
    /// </summary>
    public async Task<int> PurgeAsync(string lastToDelete, CancellationToken cancellationToken)
    {
        string? swept;
        lock (_gate)
        {
            swept = _sweptThrough;
        }

        var weeks = new List<string>();
        for (var week = lastToDelete; weeks.Count < SweepWeeks && (swept is null || string.CompareOrdinal(week, swept) > 0); week = InsightWeeks.Add(week, -1))
        {
            weeks.Add(WeekKey(week));
        }

        var present = await storage.ReadAsync(weeks, cancellationToken).ConfigureAwait(false);
        if (present.Count > 0)
        {
            await storage.DeleteAsync([.. present.Keys], cancellationToken).ConfigureAwait(false);
        }

        lock (_gate)
        {
            _sweptThrough = swept is null || string.CompareOrdinal(lastToDelete, swept) > 0 ? lastToDelete : swept;
        }

        return present.Count;
    }

    /// <summary>The decisions and the ETag they were read with (null when none was ever made).</summary>
    public async Task<(DecisionBook Book, string? ETag)> ReadDecisionsAsync(CancellationToken cancellationToken)
    {
        var items = await storage.ReadAsync([DecisionsKey], cancellationToken).ConfigureAwait(false);
        return items.TryGetValue(DecisionsKey, out var item)
            ? (item.Value.Deserialize(InsightsJson.Default.DecisionBook) ?? new DecisionBook(), item.ETag)
            : (new DecisionBook(), null);
    }

    /// <summary>Changes the decisions; <paramref name="change"/> returns null to leave them as they are. Returns what was written, or null.</summary>
    public Task<DecisionBook?> ChangeDecisionsAsync(Func<DecisionBook, DecisionBook?> change, CancellationToken cancellationToken) =>
        UpdateAsync(DecisionsKey, InsightsJson.Default.DecisionBook, current => change(current ?? new DecisionBook()), cancellationToken);

    /// <summary>
    /// Claims the digest of <paramref name="week"/> for this instance: null when it is sent, or being sent (an attempt
    /// within <paramref name="retryAfter"/>), or has had <paramref name="maxAttempts"/> attempts; otherwise the claim.
    /// Two instances claiming at once: one write wins, the other reads the winner's claim and gets null.
    /// </summary>
    public Task<DigestRecord?> ClaimDigestAsync(string week, DateTimeOffset now, TimeSpan retryAfter, int maxAttempts, CancellationToken cancellationToken) =>
        UpdateAsync(DigestKey, InsightsJson.Default.DigestRecord, current =>
            current is { } c && c.Week == week && (c.Sent || c.Attempts >= maxAttempts || now - c.LastAttempt < retryAfter)
                ? null
                : new DigestRecord(week, false, current?.Week == week ? current.Attempts + 1 : 1, now),
            cancellationToken);

    public Task<DigestRecord?> MarkDigestSentAsync(string week, CancellationToken cancellationToken) =>
        UpdateAsync(DigestKey, InsightsJson.Default.DigestRecord, current => current is { } c && c.Week == week && !c.Sent ? c with { Sent = true } : null, cancellationToken);

    public async Task<DigestRecord?> ReadDigestAsync(CancellationToken cancellationToken)
    {
        var items = await storage.ReadAsync([DigestKey], cancellationToken).ConfigureAwait(false);
        return items.TryGetValue(DigestKey, out var item) ? item.Value.Deserialize(InsightsJson.Default.DigestRecord) : null;
    }

    /// <summary>
    /// Reads an item, applies <paramref name="change"/> and writes the result back under the insights' guard
    /// (<see cref="StorageChanges"/>). Returns what was written; null when <paramref name="change"/> said no.
    /// </summary>
    private Task<T?> UpdateAsync<T>(string key, JsonTypeInfo<T> type, Func<T?, T?> change, CancellationToken cancellationToken)
        where T : class =>
        storage.ChangeAsync(key, GuardKey, type, current => change(current) is { } next ? (next, next) : (null, (T?)null), time ?? TimeProvider.System, cancellationToken);

    /// <summary>
    /// At most <see cref="MaxQuestionLength"/> characters, spacing made single; cut at a space, never inside a
    /// placeholder, with an ellipsis. Cut after redaction, so a number is never half kept.
    /// </summary>
    internal static string Shorten(string question)
    {
        var text = string.Join(' ', question.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (text.Length <= MaxQuestionLength)
        {
            return text;
        }

        var cut = text.LastIndexOf(' ', MaxQuestionLength - 1);
        if (cut <= 0)
        {
            cut = MaxQuestionLength - 1;
        }

        var open = text.LastIndexOf('[', cut - 1);
        if (open >= 0 && text.IndexOf(']', open) >= cut)
        {
            cut = open;
        }

        return text[..cut].TrimEnd() + "\u2026";
    }

    private static bool SameOffered(List<string>? a, List<string>? b) =>
        a is null ? b is null : b is not null && a.SequenceEqual(b, StringComparer.Ordinal);
}
