using WWPS.PolicyBot.Dialogs.Escalations;
using WWPS.PolicyBot.Escalations;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Storage.Postgres;
using WWPS.PolicyBot.Tests.Support;
using WWPS.PolicyBot.Tests.Testing;

namespace WWPS.PolicyBot.Tests.Escalations;

/// <summary>The same rules, whichever store is behind <see cref="IEscalationStore"/>.</summary>
public abstract class EscalationStoreContractTests
{
    private protected ManualTimeProvider Time { get; } = new();

    private protected abstract Task<IEscalationStore> CreateAsync();

    /// <summary>
    /// Another view of the same escalations, as a second instance of the bot would have (its own connections); a store
    /// that lives only in this process is its own second view.
    /// </summary>
    private protected virtual Task<IEscalationStore> ReopenAsync(IEscalationStore first) => Task.FromResult(first);

    internal static readonly PartyId Parent = new("directline", "parent-1");

    internal static NewEscalation New(DateTimeOffset deadline, PartyId? user = null, EscalationRole role = EscalationRole.Manager) => new(
        role, role, "concern", "My concern about a photo", user ?? Parent, "Pat",
        new ConversationReference(null, new ChannelAccount { Id = (user ?? Parent).UserId }, new ChannelAccount { Id = "bot" },
            new ConversationAccount { Id = "c1" }, (user ?? Parent).ChannelId, "https://example.invalid/", "en-GB"),
        deadline);

    [Fact]
    public async Task CreatesAWaitingEscalationAndReadsItBack()
    {
        var store = await CreateAsync();

        var created = await store.CreateAsync(New(Time.GetUtcNow().AddHours(1)), default);
        var read = await store.GetAsync(created.Id, default);

        Assert.NotNull(read);
        Assert.Equal(EscalationStatus.Waiting, read.Status);
        Assert.Equal("My concern about a photo", read.Summary);
        Assert.Equal(Parent, read.User);
        Assert.Equal("c1", read.UserReference.Conversation?.Id);
        Assert.Equal(Time.GetUtcNow(), read.Created);
        Assert.Equal(AuditActions.Created, Assert.Single(await store.GetAuditAsync(created.Id, default)).Action);
    }

    [Fact]
    public async Task AcceptsOnlyAWaitingEscalationOnce()
    {
        var store = await CreateAsync();
        var created = await store.CreateAsync(New(Time.GetUtcNow().AddHours(1)), default);

        var first = await store.AcceptAsync(created.Id, "manager", default);
        var second = await store.AcceptAsync(created.Id, "manager", default);

        Assert.Equal(EscalationStatus.Accepted, first?.Status);
        Assert.Null(second);
        Assert.Null(await store.AcceptAsync(999, "manager", default));
    }

    [Fact]
    public async Task ClosesAnOpenEscalationAndNotAClosedOne()
    {
        var store = await CreateAsync();
        var created = await store.CreateAsync(New(Time.GetUtcNow().AddHours(1)), default);
        await store.AcceptAsync(created.Id, "manager", default);

        var closed = await store.CloseAsync(created.Id, "manager", default);

        Assert.Equal(EscalationStatus.Closed, closed?.Status);
        Assert.Null(await store.CloseAsync(created.Id, "manager", default));
        Assert.Null(await store.AcceptAsync(created.Id, "manager", default));
        Assert.Equal(["created", "accepted", "closed"], (await store.GetAuditAsync(created.Id, default)).Select(a => a.Action));
    }

    [Fact]
    public async Task TimesOutOnlyWaitingEscalationsPastTheirDeadline()
    {
        var store = await CreateAsync();
        var due = await store.CreateAsync(New(Time.GetUtcNow().AddMinutes(30)), default);
        var later = await store.CreateAsync(New(Time.GetUtcNow().AddHours(2)), default);
        var accepted = await store.CreateAsync(New(Time.GetUtcNow().AddMinutes(30)), default);
        await store.AcceptAsync(accepted.Id, "manager", default);

        var timedOut = await store.TimeOutAsync(Time.GetUtcNow().AddHours(1), default);

        Assert.Equal([due.Id], timedOut.Select(e => e.Id));
        Assert.Equal(EscalationStatus.TimedOut, (await store.GetAsync(due.Id, default))?.Status);
        Assert.Equal(EscalationStatus.Waiting, (await store.GetAsync(later.Id, default))?.Status);
        Assert.Equal(EscalationStatus.Accepted, (await store.GetAsync(accepted.Id, default))?.Status);
    }

    [Fact]
    public async Task ListsByRoleUserAndStatusNewestFirst()
    {
        var store = await CreateAsync();
        var other = new PartyId("msteams", "someone-else");
        var a = await store.CreateAsync(New(Time.GetUtcNow().AddHours(1)), default);
        var b = await store.CreateAsync(New(Time.GetUtcNow().AddHours(1), other, EscalationRole.Chair), default);
        var c = await store.CreateAsync(New(Time.GetUtcNow().AddHours(1)), default);
        await store.CloseAsync(c.Id, "manager", default);

        Assert.Equal([c.Id, b.Id, a.Id], (await store.ListAsync(new EscalationFilter(), default)).Select(e => e.Id));
        Assert.Equal([c.Id, a.Id], (await store.ListAsync(new EscalationFilter(Role: EscalationRole.Manager), default)).Select(e => e.Id));
        Assert.Equal([b.Id], (await store.ListAsync(new EscalationFilter(User: other), default)).Select(e => e.Id));
        Assert.Equal([b.Id, a.Id], (await store.ListAsync(new EscalationFilter(Statuses: EscalationFilter.Open), default)).Select(e => e.Id));
    }

    [Fact]
    public async Task KeepsMessagesInOrderAndAuditsThemWithoutText()
    {
        var store = await CreateAsync();
        var created = await store.CreateAsync(New(Time.GetUtcNow().AddHours(1)), default);

        await store.AddMessageAsync(created.Id, MessageSender.User, "user:directline:parent-1", "first secret words", default);
        Time.Advance(TimeSpan.FromMinutes(1));
        await store.AddMessageAsync(created.Id, MessageSender.Staff, "manager", "second", default);

        var messages = await store.GetMessagesAsync(created.Id, default);
        Assert.Equal(["first secret words", "second"], messages.Select(m => m.Text));
        Assert.Equal([MessageSender.User, MessageSender.Staff], messages.Select(m => m.Sender));
        var audit = await store.GetAuditAsync(created.Id, default);
        Assert.DoesNotContain(audit, a => a.Action.Contains("secret", StringComparison.Ordinal) || a.Actor.Contains("secret", StringComparison.Ordinal));
        Assert.Equal(["created", AuditActions.UserMessage, AuditActions.StaffMessage], audit.Select(a => a.Action));
    }

    [Fact]
    public async Task KeepsTheLatestContactAndUserReference()
    {
        var store = await CreateAsync();
        var created = await store.CreateAsync(New(Time.GetUtcNow().AddHours(1)), default);
        var newer = created.UserReference with { Conversation = new ConversationAccount { Id = "c2" } };

        await store.UpdateUserReferenceAsync(created.Id, newer, default);
        await store.SetContactAsync(EscalationRole.Chair, created.UserReference, default);
        await store.SetContactAsync(EscalationRole.Chair, newer, default);

        Assert.Equal("c2", (await store.GetAsync(created.Id, default))?.UserReference.Conversation?.Id);
        Assert.Equal("c2", (await store.GetContactAsync(EscalationRole.Chair, default))?.Conversation?.Id);
        Assert.Null(await store.GetContactAsync(EscalationRole.Manager, default));
    }

    [Fact]
    public async Task ReturnsOnlyDuePendingNotifications()
    {
        var store = await CreateAsync();
        var now = Time.GetUtcNow();
        await store.SaveNotificationAsync(new EscalationNotification(1, NotificationChannel.Chat, NotificationState.Pending, 1, now.AddMinutes(1), "Unreachable"), default);
        await store.SaveNotificationAsync(new EscalationNotification(1, NotificationChannel.Email, NotificationState.Sent, 1, null, null), default);
        await store.SaveNotificationAsync(new EscalationNotification(2, NotificationChannel.Chat, NotificationState.Pending, 1, now.AddMinutes(5), null), default);

        var due = await store.DueNotificationsAsync(now.AddMinutes(2), default);

        var only = Assert.Single(due);
        Assert.Equal((1, NotificationChannel.Chat, 1, "Unreachable"), (only.EscalationId, only.Channel, only.Attempts, only.LastError));
        Assert.Equal(2, (await store.GetNotificationsAsync(1, default)).Count);
    }

    [Fact]
    public async Task OfTwoInstancesAcceptingTheSameEscalationExactlyOneWins()
    {
        // The Manager presses Accept in the console on one instance while her "accept 3" reaches another.
        var one = await CreateAsync();
        var two = await ReopenAsync(one);
        var escalations = new List<Escalation>();
        for (var i = 0; i < 10; i++)
        {
            escalations.Add(await one.CreateAsync(New(Time.GetUtcNow().AddHours(1)), default));
        }

        var accepted = await Task.WhenAll(escalations.SelectMany(e => new[] { one, two, one, two }.Select(store => Task.Run(() => store.AcceptAsync(e.Id, "manager", default)))));
        var closed = await Task.WhenAll(escalations.SelectMany(e => new[] { two, one }.Select(store => Task.Run(() => store.CloseAsync(e.Id, "manager", default)))));

        Assert.Equal(escalations.Select(e => e.Id).Order(), accepted.OfType<Escalation>().Select(e => e.Id).Order());
        Assert.Equal(escalations.Select(e => e.Id).Order(), closed.OfType<Escalation>().Select(e => e.Id).Order());
        foreach (var escalation in escalations)
        {
            Assert.Equal(["created", "accepted", "closed"], (await two.GetAuditAsync(escalation.Id, default)).Select(a => a.Action));
        }
    }

    [Fact]
    public async Task TwoInstancesTimingOutAtOnceTimeEachEscalationOutOnce()
    {
        var one = await CreateAsync();
        var two = await ReopenAsync(one);
        var due = new List<long>();
        for (var i = 0; i < 20; i++)
        {
            due.Add((await one.CreateAsync(New(Time.GetUtcNow().AddMinutes(i)), default)).Id);
        }

        var later = Time.GetUtcNow().AddHours(1);
        var results = await Task.WhenAll(new[] { one, two, one, two }.Select(store => Task.Run(() => store.TimeOutAsync(later, default))));

        var timedOut = results.SelectMany(r => r).Select(e => e.Id).ToList();
        Assert.Equal(due, timedOut.Order());
        Assert.All(results.SelectMany(r => r), e => Assert.Equal(EscalationStatus.TimedOut, e.Status));
        Assert.Equal(20, (await one.GetAuditAsync(null, default)).Count(a => a.Action == AuditActions.TimedOut));
    }

    [Fact]
    public async Task PurgesEscalationsOlderThanRetentionWithTheirMessagesAndAudit()
    {
        var store = await CreateAsync();
        var old = await store.CreateAsync(New(Time.GetUtcNow().AddHours(1)), default);
        await store.AddMessageAsync(old.Id, MessageSender.User, "user", "hello", default);
        await store.SaveNotificationAsync(new EscalationNotification(old.Id, NotificationChannel.Chat, NotificationState.Sent, 1, null, null), default);
        Time.Advance(TimeSpan.FromDays(91));
        var recent = await store.CreateAsync(New(Time.GetUtcNow().AddHours(1)), default);

        var purged = await store.PurgeAsync(Time.GetUtcNow() - TimeSpan.FromDays(90), default);

        Assert.Equal(1, purged);
        Assert.Null(await store.GetAsync(old.Id, default));
        Assert.Empty(await store.GetMessagesAsync(old.Id, default));
        Assert.Empty(await store.GetAuditAsync(old.Id, default));
        Assert.Empty(await store.GetNotificationsAsync(old.Id, default));
        Assert.NotNull(await store.GetAsync(recent.Id, default));
    }
}

public sealed class MemoryEscalationStoreTests : EscalationStoreContractTests
{
    private protected override Task<IEscalationStore> CreateAsync() => Task.FromResult<IEscalationStore>(new MemoryEscalationStore(Time));
}

public sealed class SqliteEscalationStoreTests : EscalationStoreContractTests, IDisposable
{
    private readonly TempFolder _folder = new();

    private protected override async Task<IEscalationStore> CreateAsync() =>
        await SqliteEscalationStore.OpenAsync(Path.Combine(_folder.Path, "policybot.db"), Time);

    private protected override Task<IEscalationStore> ReopenAsync(IEscalationStore first) => CreateAsync();

    [Fact]
    public async Task SharesTheFileWithTheStateTable()
    {
        var state = await WWPS.PolicyBot.Storage.SqliteStorage.OpenAsync(_folder.Path, Time);
        var store = await CreateAsync();
        var created = await store.CreateAsync(New(Time.GetUtcNow().AddHours(1)), default);

        var reopened = await SqliteEscalationStore.OpenAsync(state.DatabasePath, Time);

        Assert.Equal(created.Id, (await reopened.GetAsync(created.Id, default))?.Id);
        state.Dispose();
    }

    public void Dispose() => _folder.Dispose();
}

[Trait("Category", "Slow")]
public sealed class PostgresEscalationStoreTests(PostgresClassFixture fixture)
    : EscalationStoreContractTests, IClassFixture<PostgresClassFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => fixture.Database.ResetAsync();

    public Task DisposeAsync() => fixture.Database.CloseAllAsync();

    /// <summary>A store on its own connection pool, as one instance of the bot has.</summary>
    private protected override async Task<IEscalationStore> CreateAsync() => await PostgresEscalationStore.OpenAsync(await fixture.Database.OpenAsync(), Time);

    private protected override Task<IEscalationStore> ReopenAsync(IEscalationStore first) => CreateAsync();

    /// <summary>A purged concern's text and the child named in it are gone from the tables' files, not only from queries.</summary>
    [Fact]
    public async Task PurgedEscalationsCannotBeReadBackFromTheTableFiles()
    {
        const string Secret = "Oliver Hughes 07700 900123";
        string[] tables = ["escalations", "escalation_messages", "escalation_notifications", "escalation_audit"];
        var store = await CreateAsync();
        var old = await store.CreateAsync(New(Time.GetUtcNow().AddHours(1)) with { Summary = $"A photo of {Secret} is on a public page." }, default);
        await store.AddMessageAsync(old.Id, MessageSender.User, "user", $"{Secret} is my son.", default);
        await store.SaveNotificationAsync(new EscalationNotification(old.Id, NotificationChannel.Chat, NotificationState.Sent, 1, null, null), default);
        Assert.Equal(2, (await PostgresFiles.HoldingAsync(fixture.Database.ConnectionString, tables, Secret)).Count);
        Time.Advance(TimeSpan.FromDays(91));
        var recent = await store.CreateAsync(New(Time.GetUtcNow().AddHours(1)), default);

        Assert.Equal(1, await store.PurgeAsync(Time.GetUtcNow() - TimeSpan.FromDays(90), default));

        Assert.Empty(await PostgresFiles.HoldingAfterCompactionAsync(fixture.Database.ConnectionString, tables, Secret));
        Assert.Equal("My concern about a photo", (await store.GetAsync(recent.Id, default))!.Summary);
    }

    [Fact]
    public async Task TimesComeBackAsTheyWereGivenToTheMicrosecond()
    {
        // timestamptz keeps microseconds; the store's own clock is rounded to them, so what it returns is what it reads.
        Time.Advance(TimeSpan.FromTicks(1_234_567));
        var store = await CreateAsync();

        var created = await store.CreateAsync(New(Time.GetUtcNow().AddHours(1)), default);
        var message = await store.AddMessageAsync(created.Id, MessageSender.User, "user", "hello", default);

        Assert.Equal(created, await store.GetAsync(created.Id, default));
        Assert.Equal(message, Assert.Single(await store.GetMessagesAsync(created.Id, default)));
        Assert.Equal(TimeSpan.Zero, created.Created.Offset);
        Assert.Equal(Time.GetUtcNow().UtcTicks / 10, created.Created.UtcTicks / 10);
    }
}
