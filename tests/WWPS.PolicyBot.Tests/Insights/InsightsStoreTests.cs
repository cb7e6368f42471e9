using Microsoft.Extensions.Logging.Abstractions;
using WWPS.PolicyBot.Dialogs.Insights;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Storage;
using WWPS.PolicyBot.Tests.Testing;

namespace WWPS.PolicyBot.Tests.Insights;

/// <summary>Counting by question, kind, clause and week; the cap; retention; and writers racing on one week.</summary>
public sealed class InsightsStoreTests
{
    private const string Week = "2026-W48";

    [Fact]
    public async Task TheSameQuestionIsCountedOnceHoweverItIsWrittenAndEachWayItCameUpApart()
    {
        var store = new InsightsStore(new MemoryStorage());

        await store.AddAsync(
        [
            Record(InsightKind.NotCovered, "Can I bring my dog to the fair? Text me on [PHONE]"),
            Record(InsightKind.NotCovered, "can i bring my dog to the fair -  text me on [PHONE]!"),
            Record(InsightKind.NotHelpful, "Can I bring my dog to the fair? Text me on [PHONE]", "methods-2"),
            Record(InsightKind.NotHelpful, "can I bring my dog to the fair, text me on [PHONE]", "methods-2"),
            Record(InsightKind.NotHelpful, "Can I bring my dog to the fair? Text me on [PHONE]", "methods-3"),
            Record(InsightKind.Clarified, "is it ok to talk about work online", "methods-1", ["methods-1", "methods-4"]),
            Record(InsightKind.Clarified, "is it ok to talk about work online", null, ["methods-1", "methods-4"]),
            Record(InsightKind.NotCovered, "what time is pick-up?", week: "2026-W47"),
            Record(InsightKind.NotCovered, "\U0001F44D"),
        ], default);

        var weeks = await store.ReadWeeksAsync([Week, "2026-W47", "2026-W46"], default);
        Assert.Equal([Week, "2026-W47"], weeks.Select(w => w.Week));
        var entries = weeks[0].Entries;
        Assert.Equal(
            [
                (InsightKind.NotCovered, (string?)null, 2),
                (InsightKind.NotHelpful, "methods-2", 2),
                (InsightKind.NotHelpful, "methods-3", 1),
                (InsightKind.Clarified, "methods-1", 1),
                (InsightKind.Clarified, null, 1),
            ],
            entries.Select(e => (e.Kind, e.Clause, e.Count)));
        Assert.Equal("Can I bring my dog to the fair? Text me on [PHONE]", entries[0].Question);
        Assert.Equal("can i bring my dog to the fair text me on [*]", entries[0].Key);
        Assert.Equal(["methods-1", "methods-4"], entries[3].Offered!);
        Assert.Equal(1, Assert.Single(weeks[1].Entries).Count);
    }

    [Fact]
    public async Task AWeekKeepsAtMostFiveHundredQuestionsAndCountsTheRestWithoutTheirWords()
    {
        var storage = new MemoryStorage();
        var store = new InsightsStore(storage);
        var padding = string.Join(' ', Enumerable.Repeat("words", 120));
        await store.AddAsync([.. Enumerable.Range(1, InsightsStore.MaxQuestionsPerWeek).Select(i => Record(InsightKind.NotCovered, $"question {i} {padding}"))], default);

        await store.AddAsync(
        [
            Record(InsightKind.NotCovered, "one more question"),
            Record(InsightKind.NotCovered, "and another"),
            Record(InsightKind.NotHelpful, "a third", "methods-5"),
            Record(InsightKind.NotCovered, $"question 7 {padding}"),
        ], default);

        var entries = (await store.ReadWeeksAsync([Week], default))[0].Entries;
        Assert.Equal(InsightsStore.MaxQuestionsPerWeek, entries.Count(e => e.Question is not null));
        Assert.DoesNotContain(entries, e => e.Question is { } q && (q.Contains("more", StringComparison.Ordinal) || q.Contains("another", StringComparison.Ordinal)));
        Assert.Equal(2, entries.Single(e => e.Question is null && e.Kind == InsightKind.NotCovered).Count);
        Assert.Equal(1, entries.Single(e => e.Question is null && e.Kind == InsightKind.NotHelpful && e.Clause == "methods-5").Count);
        Assert.Equal(2, entries.Single(e => e.Question?.StartsWith("question 7 ", StringComparison.Ordinal) == true).Count);

        // The item stays bounded however long the questions were: 500 questions of at most 500 characters.
        Assert.All(entries, e => Assert.True((e.Question?.Length ?? 0) <= InsightsStore.MaxQuestionLength));
        var item = (await storage.ReadAsync([InsightsStore.WeekKey(Week)], default))[InsightsStore.WeekKey(Week)];
        Assert.InRange(item.Value.GetRawText().Length, 200_000, 320_000);
    }

    [Theory]
    [InlineData(20, "short question", "a short question")]
    [InlineData(488, "[DATE OF BIRTH] and more words", "aaa\u2026")]
    [InlineData(480, "[PHONE] and more words and more", "a [PHONE] and more\u2026")]
    [InlineData(0, "lots   of\n\nspace", "lots of space")]
    public void ALongQuestionIsCutAtASpaceNeverInsideAPlaceholder(int padding, string end, string expectedEnd)
    {
        var question = new string('a', padding) + (padding > 0 ? " " : "") + end;

        var kept = InsightsStore.Shorten(question);

        Assert.True(kept.Length <= InsightsStore.MaxQuestionLength, kept.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.EndsWith(expectedEnd, kept, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WeeksWhoseMondayIsOlderThanTheRetentionPeriodArePurgedAndTheRestKept()
    {
        // Wednesday 25 November 2026 is in 2026-W48; 90 days before is Thursday 27 August, in 2026-W35.
        var time = new ManualTimeProvider();
        var storage = new MemoryStorage();
        var insights = Service(storage, time);
        var weeks = Enumerable.Range(30, 19).Select(w => $"2026-W{w}").ToList();
        await insights.Store.AddAsync([.. weeks.Select(w => Record(InsightKind.NotCovered, "what time is pick-up?", week: w))], default);

        Assert.Equal(6, await insights.PurgeAsync(default));

        Assert.Equal([.. Enumerable.Range(36, 13).Reverse().Select(w => $"2026-W{w}")], insights.KeptWeeks());
        Assert.Equal([.. Enumerable.Range(36, 13).Select(w => $"2026-W{w}")], (await insights.Store.ReadWeeksAsync(weeks, default)).Select(w => w.Week));

        // A week later, one more week has gone; nothing is purged twice.
        time.Advance(TimeSpan.FromDays(7));
        Assert.Equal(1, await insights.PurgeAsync(default));
        Assert.Equal(0, await insights.PurgeAsync(default));
        Assert.Equal("2026-W37", (await insights.Store.ReadWeeksAsync(weeks, default))[0].Week);
        Assert.Equal("2026-W49", insights.KeptWeeks()[0]);
    }

    [Fact]
    public async Task InsightsOutliveTheIdleStatePurgeOnSqliteAndGoWithTheirOwn()
    {
        using var folder = new TempFolder();
        var time = new ManualTimeProvider();
        using var storage = await SqliteStorage.OpenAsync(folder.Path, time);
        var insights = Service(storage, time);
        await insights.Store.AddAsync([Record(InsightKind.NotCovered, "what time is pick-up?", week: "2026-W40")], default);
        await insights.Decisions.DecideAsync(new ManagerDecision("what time is pick up", "what time is pick-up?", null, "At noon.", "manager", time.GetUtcNow()), default);

        time.Advance(TimeSpan.FromDays(30));
        await storage.PurgeOlderThanAsync(time.GetUtcNow() - TimeSpan.FromHours(24));
        Assert.Single(await insights.Store.ReadWeeksAsync(["2026-W40"], default));

        time.Advance(TimeSpan.FromDays(60));
        Assert.Equal(1, await insights.PurgeAsync(default));
        Assert.Empty(await insights.Store.ReadWeeksAsync(["2026-W40"], default));

        // A decision is the Manager's, not a week's count: it stays until she takes it back.
        Assert.Single(await insights.Decisions.AllAsync(default));
    }

    [Fact]
    public async Task TwoInstancesCreatingTheSameWeekAtOnceLoseNoCount()
    {
        // The second instance creates the week between the first one's reads and its write: the first one's write must
        // fail and be done again on the week the second created, not overwrite it.
        var storage = new InterleavingStorage(new MemoryStorage());
        var first = new InsightsStore(storage);
        var second = new InsightsStore(storage);
        storage.BeforeNextWrite(InsightsStore.WeekKey(Week), () => second.AddAsync([Record(InsightKind.NotCovered, "what time is pick-up?")], default));

        await first.AddAsync([Record(InsightKind.NotCovered, "what time is pick-up?")], default);

        Assert.Equal(2, Assert.Single((await first.ReadWeeksAsync([Week], default))[0].Entries).Count);
    }

    [Fact]
    public async Task FourInstancesWritingOneWeekAtOnceCountEveryEvent()
    {
        // Each instance has one writer (its recorder's), so four instances are four writers racing.
        var storage = new InterleavingStorage(new MemoryStorage()) { Yield = true };
        var stores = Enumerable.Range(0, 4).Select(_ => new InsightsStore(storage)).ToList();

        await Task.WhenAll(stores.Select((store, s) => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                await store.AddAsync([Record(InsightKind.NotCovered, $"question {(s + i) % 3}")], default);
            }
        })));

        var entries = (await stores[0].ReadWeeksAsync([Week], default))[0].Entries;
        Assert.Equal(100, entries.Sum(e => e.Count));
        Assert.Equal(3, entries.Count);
    }

    [Fact]
    public async Task ADecisionMadeOnAnotherInstanceIsUsedWithinTheRefreshInterval()
    {
        var time = new ManualTimeProvider();
        var storage = new MemoryStorage();
        var here = Service(storage, time);
        var there = Service(storage, time);
        Assert.Null(await there.Decisions.FindAsync("what time is pick-up?", default));

        await here.Decisions.DecideAsync(new ManagerDecision("what time is pick up", "what time is pick-up?", "methods-8", null, "manager", time.GetUtcNow()), default);

        Assert.Equal("methods-8", (await here.Decisions.FindAsync("What time is pick up", default))?.Clause);
        Assert.Null(await there.Decisions.FindAsync("What time is pick up", default));
        time.Advance(ManagerDecisions.RefreshInterval);
        Assert.Equal("methods-8", (await there.Decisions.FindAsync("What time is pick up", default))?.Clause);
    }

    [Fact]
    public async Task ANewDecisionReplacesTheOldOneAndTheirNumberIsCapped()
    {
        var time = new ManualTimeProvider();
        var insights = Service(new MemoryStorage(), time);
        var decisions = insights.Decisions;
        Assert.True(await decisions.DecideAsync(new ManagerDecision("a question", "A question?", "methods-1", null, "manager", time.GetUtcNow()), default));
        Assert.True(await decisions.DecideAsync(new ManagerDecision("a question", "A question?", null, "Ask at the office.", "manager", time.GetUtcNow()), default));
        Assert.Equal("Ask at the office.", Assert.Single(await decisions.AllAsync(default)).Answer);

        await insights.Store.ChangeDecisionsAsync(_ => new DecisionBook
        {
            Decisions = [.. Enumerable.Range(0, ManagerDecisions.MaxDecisions).Select(i => new ManagerDecision($"question {i}", $"Question {i}?", "methods-1", null, "manager", time.GetUtcNow()))],
        }, default);

        Assert.False(await decisions.DecideAsync(new ManagerDecision("one too many", "One too many?", "methods-1", null, "manager", time.GetUtcNow()), default));
        Assert.True(await decisions.DecideAsync(new ManagerDecision("question 7", "Question 7?", "methods-2", null, "manager", time.GetUtcNow()), default));
        Assert.True(await decisions.RemoveAsync("question 8", default));
        Assert.True(await decisions.DecideAsync(new ManagerDecision("one too many", "One too many?", "methods-1", null, "manager", time.GetUtcNow()), default));
        Assert.Equal(ManagerDecisions.MaxDecisions, (await decisions.AllAsync(default)).Count);
    }

    [Fact]
    public async Task EverythingIsStoredUnderTheRetainedPrefix()
    {
        var storage = new RecordingStorage(new MemoryStorage());
        var insights = Service(storage, new ManualTimeProvider());
        await insights.Store.AddAsync([Record(InsightKind.NotCovered, "what time is pick-up?")], default);
        await insights.Decisions.DecideAsync(new ManagerDecision("a question", "A question?", "methods-1", null, "manager", DateTimeOffset.UnixEpoch), default);
        await insights.Store.ClaimDigestAsync(Week, DateTimeOffset.UnixEpoch, TimeSpan.FromMinutes(30), 3, default);

        Assert.NotEmpty(storage.Written);
        Assert.All(storage.Written, key => Assert.StartsWith(StorageKeys.Retained + "insights/", key, StringComparison.Ordinal));
    }

    internal static InsightRecord Record(InsightKind kind, string question, string? clause = null, IReadOnlyList<string>? offered = null, string week = Week) =>
        new(week, kind, question, clause, offered ?? []);

    internal static InsightsService Service(IStorage storage, TimeProvider time, InsightsRecorder? recorder = null, InsightsOptions? options = null)
    {
        var store = new InsightsStore(storage);
        return new InsightsService(store, recorder, new ManagerDecisions(store, time, NullLogger.Instance), options ?? InsightsOptions.Default, time);
    }
}

/// <summary>
/// Storage that lets a test run another writer just before a given key is next written (after the writer under test
/// has read it), or yields on every call so that concurrent writers interleave.
/// </summary>
internal sealed class InterleavingStorage(IStorage inner) : IStorage
{
    private readonly Dictionary<string, Func<Task>> _before = new(StringComparer.Ordinal);

    public bool Yield { get; init; }

    public void BeforeNextWrite(string key, Func<Task> other)
    {
        lock (_before)
        {
            _before[key] = other;
        }
    }

    public async Task<IReadOnlyDictionary<string, StoreItem>> ReadAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        if (Yield)
        {
            await Task.Yield();
        }

        return await inner.ReadAsync(keys, cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, string>> WriteAsync(IReadOnlyDictionary<string, StoreItem> changes, CancellationToken cancellationToken)
    {
        Func<Task>? other = null;
        lock (_before)
        {
            foreach (var key in changes.Keys)
            {
                if (_before.Remove(key, out var found))
                {
                    other = found;
                }
            }
        }

        if (other is not null)
        {
            await other();
        }

        if (Yield)
        {
            await Task.Yield();
        }

        return await inner.WriteAsync(changes, cancellationToken);
    }

    public Task DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken) => inner.DeleteAsync(keys, cancellationToken);
}

/// <summary>Storage that notes every key written.</summary>
internal sealed class RecordingStorage(IStorage inner) : IStorage
{
    public List<string> Written { get; } = [];

    public Task<IReadOnlyDictionary<string, StoreItem>> ReadAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken) => inner.ReadAsync(keys, cancellationToken);

    public Task<IReadOnlyDictionary<string, string>> WriteAsync(IReadOnlyDictionary<string, StoreItem> changes, CancellationToken cancellationToken)
    {
        lock (Written)
        {
            Written.AddRange(changes.Keys);
        }

        return inner.WriteAsync(changes, cancellationToken);
    }

    public Task DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken) => inner.DeleteAsync(keys, cancellationToken);
}
