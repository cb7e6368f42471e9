using System.Text.Json;
using WWPS.PolicyBot.DirectLine;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Storage.Postgres;
using WWPS.PolicyBot.Tests.Support;
using WWPS.PolicyBot.Tests.Testing;

namespace WWPS.PolicyBot.Tests.DirectLine;

/// <summary>
/// Token lifetime, idle expiry, the bounds on what is kept, surviving a restart, and two processes at once, on a clock
/// the test moves and a real database (SQLite in a file, or PostgreSQL), which a second "process" can open too.
/// </summary>
public abstract class DirectLineConversationsTests
{
    private static readonly ChannelAccount Parent = new() { Id = "dl_parent", Name = "Sam", Role = RoleTypes.User };

    private readonly ManualTimeProvider _time = new();

    /// <summary>A fresh view of the database, with connections of its own, as a process that has just started would have.</summary>
    private protected abstract Task<IDirectLineStore> OpenStoreAsync();

    private async Task<DirectLineConversations> StoreAsync(DirectLineOptions? options = null) =>
        new(options ?? new DirectLineOptions(), await OpenStoreAsync(), _time);

    [Fact]
    public async Task TokenStopsWorkingWhenItExpires()
    {
        var store = await StoreAsync(new DirectLineOptions { TokenLifetime = TimeSpan.FromMinutes(30) });
        var conversation = await StartedAsync(store);
        var token = (await store.IssueTokenAsync(conversation)).Token;

        _time.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(TokenCheck.Valid, (await store.CheckAsync(conversation.Id, token)).Status);

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(TokenCheck.Forbidden, (await store.CheckAsync(conversation.Id, token)).Status);
        Assert.Equal(TokenCheck.Forbidden, (await store.FindByTokenAsync(token)).Status);
    }

    [Fact]
    public async Task RefreshedTokenOutlivesTheOldOne()
    {
        var store = await StoreAsync(new DirectLineOptions { TokenLifetime = TimeSpan.FromMinutes(30) });
        var conversation = await StartedAsync(store);
        var old = (await store.IssueTokenAsync(conversation)).Token;
        _time.Advance(TimeSpan.FromMinutes(15));
        var fresh = (await store.IssueTokenAsync(conversation)).Token;

        _time.Advance(TimeSpan.FromMinutes(20));

        Assert.Equal(TokenCheck.Forbidden, (await store.CheckAsync(conversation.Id, old)).Status);
        var access = await store.CheckAsync(conversation.Id, fresh);
        Assert.Equal(TokenCheck.Valid, access.Status);
        Assert.Equal(TimeSpan.FromMinutes(10), access.ExpiresIn);
    }

    [Fact]
    public async Task ATokenOpensOnlyItsOwnConversation()
    {
        var store = await StoreAsync();
        var mine = await StartedAsync(store);
        var theirs = await StartedAsync(store);
        var token = (await store.IssueTokenAsync(mine)).Token;

        Assert.Equal(TokenCheck.Forbidden, (await store.CheckAsync(theirs.Id, token)).Status);
        Assert.Equal(TokenCheck.Valid, (await store.CheckAsync(mine.Id, token)).Status);
    }

    [Fact]
    public async Task IdleConversationEndsButOneInUseDoesNot()
    {
        var store = await StoreAsync(new DirectLineOptions { IdleTimeout = TimeSpan.FromMinutes(10), TokenLifetime = TimeSpan.FromHours(2) });
        var idle = await StartedAsync(store);
        var idleToken = (await store.IssueTokenAsync(idle)).Token;
        var busy = await StartedAsync(store);
        var busyToken = (await store.IssueTokenAsync(busy)).Token;

        for (var minute = 0; minute < 15; minute += 5)
        {
            _time.Advance(TimeSpan.FromMinutes(5));
            Assert.Equal(TokenCheck.Valid, (await store.CheckAsync(busy.Id, busyToken)).Status);
        }

        Assert.Equal(TokenCheck.ConversationNotFound, (await store.CheckAsync(idle.Id, idleToken)).Status);
        Assert.Null(await store.FindAsync(idle.Id));
        Assert.Equal(1, await store.CountAsync());
    }

    [Fact]
    public async Task RefusesNewConversationsWhenFullUntilOneExpires()
    {
        var store = await StoreAsync(new DirectLineOptions { MaxConversations = 2, IdleTimeout = TimeSpan.FromMinutes(10) });
        await StartedAsync(store);
        await StartedAsync(store);

        Assert.Null(await store.CreateAsync(Parent, locale: null));

        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.NotNull(await store.CreateAsync(Parent, locale: null));
    }

    [Fact]
    public async Task AFullHouseMakesRoomByDroppingTheOldestConversationNobodyStarted()
    {
        var store = await StoreAsync(new DirectLineOptions { MaxConversations = 3 });
        var started = await StartedAsync(store);
        var dropped = (await store.CreateAsync(Parent, locale: null))!;
        _time.Advance(TimeSpan.FromSeconds(1));
        var waiting = (await store.CreateAsync(Parent, locale: null))!;
        _time.Advance(TimeSpan.FromSeconds(1));

        var newcomer = await store.CreateAsync(Parent, locale: null);

        Assert.NotNull(newcomer);
        Assert.Null(await store.FindAsync(dropped.Id));
        Assert.NotNull(await store.FindAsync(waiting.Id));
        Assert.NotNull(await store.FindAsync(started.Id));
    }

    [Fact]
    public async Task AConversationNobodyStartsEndsWithinMinutes()
    {
        var store = await StoreAsync(new DirectLineOptions { UnstartedTimeout = TimeSpan.FromMinutes(5), IdleTimeout = TimeSpan.FromMinutes(60) });
        var unstarted = (await store.CreateAsync(Parent, locale: null))!;
        var started = await StartedAsync(store);

        _time.Advance(TimeSpan.FromMinutes(6));
        await store.CreateAsync(Parent, locale: null);

        Assert.Null(await store.FindAsync(unstarted.Id));
        Assert.NotNull(await store.FindAsync(started.Id));
    }

    [Fact]
    public async Task KeepsOnlyTheNewestActivitiesAndWatermarksKeepCounting()
    {
        var store = await StoreAsync(new DirectLineOptions { MaxActivitiesPerConversation = 3 });
        var conversation = await StartedAsync(store);
        for (var i = 1; i <= 5; i++)
        {
            await store.AppendAsync(conversation, new Activity { Type = ActivityTypes.Message, Text = $"m{i}" });
        }

        var all = await ReadAsync(store, conversation, 0);
        var tail = await ReadAsync(store, conversation, 4);

        Assert.Equal(["m3", "m4", "m5"], all.Activities.Select(a => a.Text));
        Assert.Equal("5", all.Watermark);
        Assert.Equal(["m5"], tail.Activities.Select(a => a.Text));
        Assert.EndsWith("|0000005", tail.Activities[0].Id, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALongHistoryIsReadInPagesThatTogetherHoldEveryActivity()
    {
        var store = await StoreAsync();
        var conversation = await StartedAsync(store);
        for (var i = 1; i <= 40; i++)
        {
            await store.AppendAsync(conversation, new Activity { Type = ActivityTypes.Message, Text = $"m{i} " + new string('x', 19_990) });
        }

        var texts = new List<string>();
        var pages = 0;
        for (long after = 0; ; pages++)
        {
            var page = await ReadAsync(store, conversation, after);
            if (page.Activities.Count == 0)
            {
                break;
            }

            Assert.InRange(page.Activities.Sum(a => a.Text!.Length * 2L), 1, DirectLineConversations.PageBytes);
            texts.AddRange(page.Activities.Select(a => a.Text!.Split(' ')[0]));
            after = long.Parse(page.Watermark, System.Globalization.CultureInfo.InvariantCulture);
        }

        Assert.True(pages > 1);
        Assert.Equal(Enumerable.Range(1, 40).Select(i => $"m{i}"), texts);
    }

    [Fact]
    public async Task AConversationKeepsItsNewestActivitiesWithinItsBytes()
    {
        var store = await StoreAsync(new DirectLineOptions { MaxActivityBytesPerConversation = 64 * 1024 });
        var conversation = await StartedAsync(store);
        var big = new string('x', 20 * 1024);
        for (var i = 1; i <= 5; i++)
        {
            await store.AppendAsync(conversation, new Activity { Type = ActivityTypes.Message, Text = $"m{i} {big}" });
        }

        // Each is about 40 KB as stored: only the newest fits, and the newest is always kept.
        var kept = await ReadAsync(store, conversation, 0);
        Assert.Equal(["m5"], kept.Activities.Select(a => a.Text![..2]));
        Assert.Equal("5", kept.Watermark);
    }

    [Fact]
    public async Task AllConversationsTogetherLoseTheirOldestActivitiesFirst()
    {
        var store = await StoreAsync(new DirectLineOptions { MaxActivityBytes = 100 * 1024 });
        var older = await StartedAsync(store);
        var text = new string('y', 10 * 1024);
        await store.AppendAsync(older, new Activity { Type = ActivityTypes.Message, Text = "old " + text });
        _time.Advance(TimeSpan.FromMinutes(2));
        var newer = await StartedAsync(store);
        for (var i = 0; i < 4; i++)
        {
            await store.AppendAsync(newer, new Activity { Type = ActivityTypes.Message, Text = $"new{i} " + text });
        }

        // The sweep runs at most once a minute, on the next request.
        _time.Advance(TimeSpan.FromMinutes(2));
        await store.CountAsync();
        await store.FindByTokenAsync("any");

        Assert.Empty((await ReadAsync(store, older, 0)).Activities);
        Assert.Equal(4, (await ReadAsync(store, newer, 0)).Activities.Count);
    }

    [Fact]
    public async Task TimestampsStrictlyIncreaseWhenTheClockStandsStill()
    {
        var store = await StoreAsync();
        var conversation = await StartedAsync(store);
        var now = _time.GetUtcNow();

        var first = new Activity { Type = ActivityTypes.Message };
        var second = new Activity { Type = ActivityTypes.Message };
        await store.AppendAsync(conversation, first);
        await store.AppendAsync(conversation, second);

        Assert.Equal(now, first.Timestamp);
        Assert.Equal(now.AddMilliseconds(1), second.Timestamp);
    }

    [Fact]
    public async Task OldTokensBeyondTheLimitAreDropped()
    {
        var store = await StoreAsync();
        var conversation = await StartedAsync(store);
        var first = (await store.IssueTokenAsync(conversation)).Token;
        for (var i = 0; i < 6; i++)
        {
            await store.IssueTokenAsync(conversation);
        }

        Assert.Equal(TokenCheck.Forbidden, (await store.CheckAsync(conversation.Id, first)).Status);
    }

    [Fact]
    public async Task AConversationItsTokenAndItsHistoryOutliveTheProcess()
    {
        var before = await StoreAsync();
        var conversation = (await before.CreateAsync(Parent, "en-GB"))!;
        var token = (await before.IssueTokenAsync(conversation)).Token;
        Assert.True(await before.TryMarkStartedAsync(conversation));
        await before.AppendAsync(conversation, new Activity { Type = ActivityTypes.Message, Text = "can I friend a parent?" });
        await before.AppendAsync(conversation, new Activity { Type = ActivityTypes.Message, Text = "an answer" });

        // A new process on the same database: the same user, the same token, the history, and no second greeting.
        var after = await StoreAsync();
        var access = await after.CheckAsync(conversation.Id, token);
        Assert.Equal(TokenCheck.Valid, access.Status);
        Assert.Equal("dl_parent", access.Conversation!.User.Id);
        Assert.Equal("Sam", access.Conversation.User.Name);
        Assert.Equal("en-GB", access.Conversation.Locale);
        Assert.False(await after.TryMarkStartedAsync(access.Conversation));
        var history = await ReadAsync(after, access.Conversation, 0);
        Assert.Equal(["can I friend a parent?", "an answer"], history.Activities.Select(a => a.Text));

        await after.AppendAsync(access.Conversation, new Activity { Type = ActivityTypes.Message, Text = "thanks" });
        Assert.EndsWith("|0000003", (await ReadAsync(before, conversation, 2)).Activities.Single().Id, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UploadsBeyondAConversationsShareDropTheOldest()
    {
        var store = await StoreAsync(new DirectLineOptions { MaxUploadBytesPerConversation = 25 });
        var conversation = await StartedAsync(store);

        Assert.True(await KeepAsync(store, conversation, "a", 10));
        Assert.True(await KeepAsync(store, conversation, "b", 10));
        Assert.True(await KeepAsync(store, conversation, "c", 10));

        Assert.Null(await store.Store.FindUploadAsync(conversation.Id, "a", default));
        Assert.NotNull(await store.Store.FindUploadAsync(conversation.Id, "b", default));
        Assert.Equal(10, (await store.Store.FindUploadAsync(conversation.Id, "c", default))!.Value.Length);

        using var copy = new MemoryStream();
        await store.Store.CopyUploadAsync(conversation.Id, "c", copy, default);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (byte)('c' + i)), copy.ToArray());
    }

    [Fact]
    public async Task UploadsAreRefusedWhenAllConversationsHoldTheMostAndFreedWhenOneExpires()
    {
        var store = await StoreAsync(new DirectLineOptions { MaxUploadBytesHeld = 25, IdleTimeout = TimeSpan.FromMinutes(60) });
        var first = await StartedAsync(store);
        Assert.True(await KeepAsync(store, first, "a", 20));
        _time.Advance(TimeSpan.FromMinutes(30));
        var second = await StartedAsync(store);

        Assert.False(await KeepAsync(store, second, "b", 10));
        Assert.Null(await store.Store.FindUploadAsync(second.Id, "b", default));

        // The first conversation goes idle, and its photo with it.
        _time.Advance(TimeSpan.FromMinutes(31));
        await store.CreateAsync(Parent, locale: null);
        Assert.Null(await store.Store.FindUploadAsync(first.Id, "a", default));
        Assert.True(await KeepAsync(store, second, "b", 10));
    }

    [Fact]
    public async Task TwoProcessesAppendingToOneConversationNumberEveryActivityOnce()
    {
        // The user's message lands on one instance while a notification for them is sent from another.
        var one = await StoreAsync();
        var two = await StoreAsync();
        var conversation = (await one.CreateAsync(Parent, locale: null))!;

        var ids = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() =>
            (i % 2 == 0 ? one : two).AppendAsync(conversation, new Activity { Type = ActivityTypes.Message, Text = $"m{i}" }))));

        Assert.Equal(Enumerable.Range(1, 40).Select(n => DirectLineConversations.ActivityId(conversation.Id, n)), ids.Order(StringComparer.Ordinal));
        var all = await ReadAsync(two, conversation, 0);
        Assert.Equal("40", all.Watermark);
        Assert.Equal(40, all.Activities.Select(a => a.Text).Distinct().Count());
        Assert.Equal(ids.Order(StringComparer.Ordinal), all.Activities.Select(a => a.Id));
        Assert.All(all.Activities.Zip(all.Activities.Skip(1)), pair => Assert.True(pair.First.Timestamp < pair.Second.Timestamp));
    }

    [Fact]
    public async Task OnlyOneOfTwoProcessesTellsTheBotAConversationStarted()
    {
        var one = await StoreAsync();
        var two = await StoreAsync();
        var conversation = (await one.CreateAsync(Parent, locale: null))!;

        var started = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => (i % 2 == 0 ? one : two).TryMarkStartedAsync(conversation))));

        Assert.Single(started, s => s);
    }

    [Fact]
    public async Task TwoProcessesTogetherOpenNoMoreConversationsThanTheCap()
    {
        var options = new DirectLineOptions { MaxConversations = 5 };
        var one = await StoreAsync(options);
        var two = await StoreAsync(options);

        var created = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => (i % 2 == 0 ? one : two).CreateAsync(Parent, locale: null))));

        // None was started, so each newcomer past the cap makes room by dropping the oldest: never more than 5 at once.
        Assert.InRange(created.Count(c => c is not null), 5, 16);
        Assert.Equal(5, await two.CountAsync());
    }

    [Fact]
    public async Task AnUploadLargerThanOneChunkComesBackByteForByte()
    {
        // Half a megabyte and a bit: more than one piece in any store that keeps uploads in pieces.
        var store = await StoreAsync();
        var conversation = (await store.CreateAsync(Parent, locale: null))!;
        var bytes = new byte[(512 * 1024) + 1234];
        new Random(7).NextBytes(bytes);

        Assert.True(await store.TryKeepUploadAsync(conversation, "video", "video/mp4", new MemoryStream(bytes), bytes.Length, default));

        Assert.Equal(("video/mp4", (long)bytes.Length), await store.Store.FindUploadAsync(conversation.Id, "video", default));
        using var copy = new MemoryStream();
        await (await StoreAsync()).Store.CopyUploadAsync(conversation.Id, "video", copy, default);
        Assert.Equal(bytes, copy.ToArray());
    }

    /// <summary>
    /// Expiry does not wait for the next visitor: with nobody using the web chat, a conversation idle past its timeout is
    /// deleted (its row, not only hidden) within one pass of <see cref="DirectLineExpiry"/>.
    /// </summary>
    [Fact]
    public async Task AnIdleConversationIsDeletedOnTimeWithNobodyUsingTheWebChat()
    {
        const string Secret = "Leo Okafor rang about the photos on 07700 900123";
        var store = await StoreAsync(new DirectLineOptions { IdleTimeout = TimeSpan.FromMinutes(60) });
        var conversation = await StartedAsync(store);
        await store.AppendAsync(conversation, new Activity { Type = ActivityTypes.Message, Text = Secret });
        Assert.NotEqual(false, await OnDiskAsync(Secret, afterPurge: false));
        using var expiry = new DirectLineExpiry(store, _time, Microsoft.Extensions.Logging.Abstractions.NullLogger<DirectLineExpiry>.Instance);
        await expiry.StartAsync(default);

        // A pass every 5 minutes: the ones before the hour leave the conversation alone, the one at the hour deletes it.
        await _time.WaitForTimerAsync(due => due == DirectLineExpiry.Interval);
        for (var minutes = 5; minutes <= 60; minutes += 5)
        {
            _time.Advance(DirectLineExpiry.Interval);
            await _time.WaitForTimerAsync(due => due == DirectLineExpiry.Interval);
            var row = await store.Store.FindAsync(conversation.Id, DateTimeOffset.UnixEpoch, touch: null, TimeSpan.Zero, default);
            Assert.True(minutes < 60 ? row is not null : row is null, $"after {minutes} minutes the conversation is {(row is null ? "gone" : "kept")}");
        }

        Assert.NotEqual(true, await OnDiskAsync(Secret, afterPurge: true));
        await expiry.StopAsync(default);
    }

    /// <summary>Whether <paramref name="text"/> is written in the store's files; null where the test cannot tell.</summary>
    private protected virtual Task<bool?> OnDiskAsync(string text, bool afterPurge) => Task.FromResult<bool?>(null);

    /// <summary>A conversation as a page has it once Web Chat has started it.</summary>
    private static async Task<DirectLineConversation> StartedAsync(DirectLineConversations store)
    {
        var conversation = (await store.CreateAsync(Parent, locale: null))!;
        Assert.True(await store.TryMarkStartedAsync(conversation));
        return conversation;
    }

    private static Task<bool> KeepAsync(DirectLineConversations store, DirectLineConversation conversation, string id, int bytes)
    {
        var content = new MemoryStream([.. Enumerable.Range(0, bytes).Select(i => (byte)(id[0] + i))]);
        return store.TryKeepUploadAsync(conversation, id, "image/jpeg", content, bytes, default);
    }

    private static async Task<(List<Activity> Activities, string Watermark)> ReadAsync(DirectLineConversations store, DirectLineConversation conversation, long after)
    {
        using var json = JsonDocument.Parse(await store.ReadAfterAsync(conversation, after));
        var activities = json.RootElement.GetProperty("activities").EnumerateArray()
            .Select(a => JsonSerializer.Deserialize(a.GetRawText(), ProtocolJsonContext.Default.Activity)!)
            .ToList();
        return (activities, json.RootElement.GetProperty("watermark").GetString()!);
    }
}

public sealed class SqliteDirectLineConversationsTests : DirectLineConversationsTests, IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly List<SqliteDirectLineStore> _stores = [];

    public void Dispose()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        _folder.Dispose();
    }

    private protected override async Task<IDirectLineStore> OpenStoreAsync()
    {
        var store = await SqliteDirectLineStore.OpenAsync(Path.Combine(_folder.Path, "policybot.db"));
        _stores.Add(store);
        return store;
    }
}

[Trait("Category", "Slow")]
public sealed class PostgresDirectLineConversationsTests(PostgresClassFixture fixture)
    : DirectLineConversationsTests, IClassFixture<PostgresClassFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => fixture.Database.ResetAsync();

    public Task DisposeAsync() => fixture.Database.CloseAllAsync();

    private protected override async Task<IDirectLineStore> OpenStoreAsync() => await PostgresDirectLineStore.OpenAsync(await fixture.Database.OpenAsync());

    // A DELETE leaves the row's bytes in the table files; the sweep's compaction rewrites them.
    private protected override async Task<bool?> OnDiskAsync(string text, bool afterPurge)
    {
        string[] tables = ["directline_conversations", "directline_activities", "directline_tokens"];
        var holding = afterPurge
            ? await PostgresFiles.HoldingAfterCompactionAsync(fixture.Database.ConnectionString, tables, text)
            : await PostgresFiles.HoldingAsync(fixture.Database.ConnectionString, tables, text);
        return holding.Count > 0;
    }
}
