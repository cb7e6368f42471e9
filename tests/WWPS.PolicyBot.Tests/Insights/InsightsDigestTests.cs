using Microsoft.Extensions.Logging.Abstractions;
using WWPS.PolicyBot.Dialogs.Escalations;
using WWPS.PolicyBot.Dialogs.Insights;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Tests.Escalations;
using WWPS.PolicyBot.Tests.Testing;
using TestBot = WWPS.PolicyBot.Tests.Dialogs.PolicyBot;

namespace WWPS.PolicyBot.Tests.Insights;

/// <summary>The weekly digest: when it is due, what it says, and that two instances send it once.</summary>
public sealed class InsightsDigestTests
{
    // Monday 30 November 2026 (week 49), 08:55 in London (GMT in winter): five minutes before the digest is due.
    private static readonly DateTimeOffset BeforeNine = new(2026, 11, 30, 8, 55, 0, TimeSpan.Zero);

    private static readonly InsightsOptions London = InsightsOptions.Default with { Zone = WorkingHours.FindZone("Europe/London") };

    [Fact]
    public async Task OnMondayAtNineTheManagerGetsLastWeeksCountsOnce()
    {
        var (time, adapter, storage, world) = await StartAsync();
        var digest = Digest(storage, time, world.Service);
        await new InsightsStore(storage).AddAsync(
        [
            InsightsStoreTests.Record(InsightKind.NotCovered, "what time is pick-up?"),
            InsightsStoreTests.Record(InsightKind.NotCovered, "What time is pick up"),
            InsightsStoreTests.Record(InsightKind.NotCovered, "Can I bring my dog? Text me on [PHONE]"),
            InsightsStoreTests.Record(InsightKind.NotHelpful, "can I friend a parent on facebook?", "methods-5"),
            InsightsStoreTests.Record(InsightKind.Clarified, "is it ok to talk about work online", "methods-1", ["methods-1", "methods-4"]),
            InsightsStoreTests.Record(InsightKind.Clarified, "is it ok to talk about work online", null, ["methods-1", "methods-4"]),
        ], default);

        Assert.Equal(DigestOutcome.NotYet, await digest.SendIfDueAsync(default));
        Assert.Null(adapter.TakeReply());

        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(DigestOutcome.Sent, await digest.SendIfDueAsync(default));
        var sent = adapter.TakeReply("conversation-manager")!.Text;
        Assert.Equal(
            "PolicyBot insights for last week (2026-W48, 23 to 29 November 2026):\n" +
            "- 3 questions the policy didn't cover (2 different)\n" +
            "- 1 answer marked not helpful: Friendships with parents [methods-5] 1\n" +
            "- 2 clarifications chosen after \"Do you mean …?\": Confidentiality [methods-1] 1, something else 1\n" +
            "The questions, with personal details taken out, are on the console's Insights page (/console/insights).",
            sent);
        Assert.DoesNotContain("pick", sent, StringComparison.Ordinal);

        time.Advance(TimeSpan.FromHours(3));
        Assert.Equal(DigestOutcome.Done, await digest.SendIfDueAsync(default));
        Assert.Null(adapter.TakeReply());

        // The next Monday, the week after; with nothing to report it says so.
        time.Advance(TimeSpan.FromDays(7));
        Assert.Equal(DigestOutcome.Sent, await digest.SendIfDueAsync(default));
        Assert.StartsWith("PolicyBot insights for last week (2026-W49, 30 November to 6 December 2026): no questions", adapter.TakeReply()!.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoInstancesLookingAtOnceSendOneDigest()
    {
        var (time, adapter, memory, world) = await StartAsync(BeforeNine + TimeSpan.FromMinutes(10));
        var storage = new InterleavingStorage(memory);
        var first = Digest(storage, time, world.Service);
        var second = Digest(storage, time, world.Service);
        DigestOutcome? other = null;

        // The second instance looks, claims and sends between the first one's reading the record and its claim.
        storage.BeforeNextWrite(InsightsStore.DigestKey, async () => other = await second.SendIfDueAsync(default));
        var outcome = await first.SendIfDueAsync(default);

        Assert.Equal([DigestOutcome.Sent, DigestOutcome.Done], new[] { other!.Value, outcome });
        Assert.NotNull(adapter.TakeReply("conversation-manager"));
        Assert.Null(adapter.TakeReply());
        Assert.Equal(1, world.Messenger.Sent);
    }

    [Fact]
    public async Task AFailedDigestIsTriedAgainLaterAFewTimesAndThenLeft()
    {
        var (time, adapter, storage, world) = await StartAsync(BeforeNine + TimeSpan.FromMinutes(10));
        var digest = Digest(storage, time, world.Service);
        world.Parties.SetReachable!("manager", false);

        Assert.Equal(DigestOutcome.Failed, await digest.SendIfDueAsync(default));
        time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(DigestOutcome.Done, await digest.SendIfDueAsync(default));
        time.Advance(InsightsDigest.RetryAfter);
        Assert.Equal(DigestOutcome.Failed, await digest.SendIfDueAsync(default));

        world.Parties.SetReachable("manager", true);
        time.Advance(InsightsDigest.RetryAfter);
        Assert.Equal(DigestOutcome.Sent, await digest.SendIfDueAsync(default));
        Assert.NotNull(adapter.TakeReply("conversation-manager"));
        Assert.Equal(3, (await new InsightsStore(storage).ReadDigestAsync(default))!.Attempts);

        // Three failures: not tried again that week.
        world.Parties.SetReachable("manager", false);
        time.Advance(TimeSpan.FromDays(7));
        for (var i = 0; i < InsightsDigest.MaxAttempts; i++)
        {
            Assert.Equal(DigestOutcome.Failed, await digest.SendIfDueAsync(default));
            time.Advance(InsightsDigest.RetryAfter);
        }

        world.Parties.SetReachable("manager", true);
        Assert.Equal(DigestOutcome.Done, await digest.SendIfDueAsync(default));
    }

    [Fact]
    public async Task NoDigestWithoutAChatForTheManagerOrWhenTurnedOff()
    {
        var (time, _, storage, world) = await StartAsync(BeforeNine + TimeSpan.FromMinutes(10));
        var emailOnly = world.Service.Options with { Manager = world.Service.Options.Manager! with { Chat = null, Email = "manager@example.org" } };
        var service = new EscalationService(world.Service.Store, emailOnly, world.Messenger, NoEscalationMailer.Instance, TestBot.Services.Policy.Metadata, time, NullLogger.Instance);

        Assert.Equal(DigestOutcome.Off, await Digest(storage, time, service).SendIfDueAsync(default));
        Assert.Equal(DigestOutcome.Off, await Digest(storage, time, world.Service, London with { DigestDay = null }).SendIfDueAsync(default));
        Assert.Null(await new InsightsStore(storage).ReadDigestAsync(default));
        Assert.Equal(0, world.Messenger.Sent);
    }

    private static async Task<(ManualTimeProvider Time, TestAdapter Adapter, MemoryStorage Storage, EscalationWorld World)> StartAsync(DateTimeOffset? now = null)
    {
        var time = new ManualTimeProvider(now ?? BeforeNine);
        var adapter = new TestAdapter(null, time);
        var world = await EscalationWorld.CreateAsync(adapter, new MemoryEscalationStore(time), time);
        return (time, adapter, new MemoryStorage(), world);
    }

    private static InsightsDigest Digest(IStorage storage, TimeProvider time, EscalationService escalations, InsightsOptions? options = null) =>
        new(InsightsStoreTests.Service(storage, time, options: options ?? London), escalations, TestBot.Services.Policy, time, NullLogger.Instance);
}
