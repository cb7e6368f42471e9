using WWPS.PolicyBot.Dialogs.Insights;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Tests.Testing;
using TestBot = WWPS.PolicyBot.Tests.Dialogs.PolicyBot;

namespace WWPS.PolicyBot.Tests.Insights;

/// <summary>The recorder: redaction by the draft check's recogniser before anything is stored, weeks by local time, never text in the log.</summary>
public sealed class InsightsRecorderTests
{
    [Fact]
    public async Task PersonalDataIsTakenOutBeforeAnythingIsStored()
    {
        var storage = new MemoryStorage();
        var store = new InsightsStore(storage);
        var recorder = new InsightsRecorder(store, TestBot.Services.Reviewer.RedactAsync, TimeZoneInfo.Utc, new ManualTimeProvider(), new ListLogger());

        recorder.NotCovered("Can I give little Leo's mum my number, 07700 900123, or email jo.bloggs@example.com?");
        await recorder.FlushAsync(default);

        var entry = Assert.Single((await store.ReadWeeksAsync(["2026-W48"], default))[0].Entries);
        Assert.Equal("Can I give little [CHILD]'s mum my number, [PHONE], or email [EMAIL]?", entry.Question);
        var raw = (await storage.ReadAsync([InsightsStore.WeekKey("2026-W48")], default)).Single().Value.Value.GetRawText();
        Assert.DoesNotContain("Leo", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("900123", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("bloggs", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AQuestionThatCannotBeRedactedIsDroppedAndNeverLogged()
    {
        var storage = new MemoryStorage();
        var log = new ListLogger();
        var recorder = new InsightsRecorder(
            new InsightsStore(storage), (_, _) => Task.FromException<string>(new InvalidOperationException("recogniser down")), TimeZoneInfo.Utc, new ManualTimeProvider(), log);

        recorder.NotCovered("Text me on 07700 900123 about Leo");
        await recorder.FlushAsync(default);

        Assert.Empty(await storage.ReadAsync([InsightsStore.WeekKey("2026-W48")], default));
        var line = Assert.Single(log.Lines);
        Assert.Contains("could not be redacted (InvalidOperationException)", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Leo", line, StringComparison.Ordinal);
        Assert.DoesNotContain("07700", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABurstIsCountedInFullAndSharesWrites()
    {
        var storage = new RecordingStorage(new MemoryStorage());
        // The first redaction waits until everything has been recorded, as if the recogniser were busy meanwhile.
        var busy = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var recorder = new InsightsRecorder(new InsightsStore(storage), async (text, _) =>
        {
            await busy.Task;
            return text;
        }, TimeZoneInfo.Utc, new ManualTimeProvider(), new ListLogger());

        await Task.WhenAll(Enumerable.Range(0, 400).Select(i => Task.Run(() => recorder.NotCovered($"question {i % 7}"))));
        busy.SetResult();
        await recorder.FlushAsync(default);

        var entries = (await new InsightsStore(storage).ReadWeeksAsync(["2026-W48"], default))[0].Entries;
        Assert.Equal(400, entries.Sum(e => e.Count));
        Assert.Equal(7, entries.Count);

        // What was recorded while the first write was under way went in one more write, not one each.
        Assert.InRange(storage.Written.Count(k => k == InsightsStore.WeekKey("2026-W48")), 1, 2);
    }

    [Fact]
    public async Task AQuestionBelongsToThePreschoolsWeekNotUtcs()
    {
        // 23:30 UTC on Sunday 29 November 2026 (week 48 in UTC) is already Monday morning in Auckland: week 49 there.
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 11, 29, 23, 30, 0, TimeSpan.Zero));
        var zone = PolicyBot.Dialogs.Escalations.WorkingHours.FindZone("Pacific/Auckland");
        Assert.NotEqual(TimeZoneInfo.Utc, zone);
        var store = new InsightsStore(new MemoryStorage());
        var recorder = new InsightsRecorder(store, (text, _) => Task.FromResult(text), zone, time, new ListLogger());

        recorder.NotCovered("what time is pick-up?");
        await recorder.FlushAsync(default);

        Assert.Equal(["2026-W49"], (await store.ReadWeeksAsync(["2026-W48", "2026-W49"], default)).Select(w => w.Week));
    }
}
