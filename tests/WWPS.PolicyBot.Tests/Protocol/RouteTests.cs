using System.Text.Json;
using System.Text.RegularExpressions;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Tests.Testing;

namespace WWPS.PolicyBot.Tests.Protocol;

public sealed partial class RouteTests
{
    private readonly TestAdapter _adapter = new();
    private readonly MemoryStorage _storage = new();
    private readonly List<string> _handled = [];

    [Theory]
    [InlineData("help", "help route")]
    [InlineData("  HELP ", "help route")]
    [InlineData("ticket 42", "ticket route")]
    [InlineData("something else", "fallback")]
    public async Task TheFirstMatchingMessageRouteHandlesTheTurn(string text, string expected)
    {
        var app = NewApp()
            .OnMessage(Record("fallback"))
            .OnMessage(TicketPattern(), Record("ticket route"))
            .OnMessage("help", Record("help route"));

        await _adapter.ProcessAsync(_adapter.MakeMessage(text), app.OnTurnAsync);

        Assert.Equal([expected], _handled);
    }

    [Fact]
    public async Task LowerRankWinsOverOrderAdded()
    {
        var app = NewApp()
            .OnMessage(_ => true, Record("default"))
            .OnMessage(_ => true, Record("first"), RouteRank.First);

        await _adapter.ProcessAsync(_adapter.MakeMessage("hi"), app.OnTurnAsync);

        Assert.Equal(["first"], _handled);
    }

    private static readonly TurnStateKey<string> Mood = new("mood");

    [Theory]
    [InlineData("I'm so happy", "happy route")]
    [InlineData("meh", "fallback")]
    public async Task SelectorsReadWhatTheTurnLearnedBeforeSelection(string text, string expected)
    {
        var app = NewApp()
            .BeforeSelection(async (tc, ct) =>
            {
                await Task.Yield();
                tc.TurnState.Set(Mood, tc.Activity.Text!.Contains("happy", StringComparison.Ordinal) ? "happy" : "flat");
            })
            .OnMessage(Record("fallback"))
            .OnMessage(tc => tc.TurnState.Get(Mood) == "happy", Record("happy route"));

        await _adapter.ProcessAsync(_adapter.MakeMessage(text), app.OnTurnAsync);

        Assert.Equal([expected], _handled);
    }

    [Fact]
    public async Task MembersAddedLeavesOutTheBotItself()
    {
        IReadOnlyList<ChannelAccount>? welcomed = null;
        var app = NewApp().OnMembersAdded((tc, members, ct) => { welcomed = members; return Task.CompletedTask; });

        await _adapter.ProcessAsync(new Activity
        {
            Type = ActivityTypes.ConversationUpdate,
            MembersAdded = [new ChannelAccount { Id = "bot1" }, new ChannelAccount { Id = "user1", Name = "Sam" }],
        }, app.OnTurnAsync);

        Assert.Equal("user1", Assert.Single(welcomed!).Id);
    }

    [Fact]
    public async Task TheBotJoiningAloneMatchesNoRoute()
    {
        var app = NewApp().OnMembersAdded((tc, members, ct) => Record("welcome")(tc, ct));

        await _adapter.ProcessAsync(new Activity
        {
            Type = ActivityTypes.ConversationUpdate,
            MembersAdded = [new ChannelAccount { Id = "bot1" }],
        }, app.OnTurnAsync);

        Assert.Empty(_handled);
    }

    [Fact]
    public async Task EventsRouteByName()
    {
        var app = NewApp()
            .OnEvent("handoff.status", Record("handoff"))
            .OnEvent("other", Record("other"));

        await _adapter.ProcessAsync(new Activity { Type = ActivityTypes.Event, Name = "handoff.status" }, app.OnTurnAsync);

        Assert.Equal(["handoff"], _handled);
    }

    [Fact]
    public async Task AnInvokeRouteAnswersInTheOutcome()
    {
        var body = JsonSerializer.SerializeToElement("done", ProtocolJsonContext.Default.String);
        var app = NewApp()
            .OnActivity(_ => true, Record("catch-all"), RouteRank.First)
            .OnInvoke("adaptiveCard/action", (tc, ct) => Task.FromResult(new InvokeResponse(200, body)));

        var outcome = await _adapter.ProcessAsync(new Activity { Type = ActivityTypes.Invoke, Name = "adaptiveCard/action" }, app.OnTurnAsync);

        Assert.Equal(200, outcome.InvokeResponse!.Status);
        Assert.Equal("done", outcome.InvokeResponse.Body!.Value.GetString());
        Assert.Empty(_handled);
    }

    [Fact]
    public async Task AnUnroutedInvokeHasNoResponseSoTheHostAnswers501()
    {
        var outcome = await _adapter.ProcessAsync(new Activity { Type = ActivityTypes.Invoke, Name = "unknown" }, NewApp().OnTurnAsync);

        Assert.Null(outcome.InvokeResponse);
    }

    [Fact]
    public async Task StateIsLoadedBeforeTheRouteAndSavedAfter()
    {
        var app = NewApp();
        var counter = app.ConversationState.CreateProperty("count", TestJsonContext.Default.Counter);
        app.OnMessage(async (tc, ct) =>
        {
            var c = (await counter.GetAsync(tc, () => new Counter(), ct))!;
            c.Value++;
            await tc.SendActivityAsync($"count {c.Value}", cancellationToken: ct);
        });

        await new TestFlow(_adapter, app)
            .Send("a").AssertReply("count 1")
            .Send("b").AssertReply("count 2")
            .StartTestAsync();
    }

    [Fact]
    public async Task ATurnThatThrowsSavesNothing()
    {
        var app = NewApp();
        var counter = app.ConversationState.CreateProperty("count", TestJsonContext.Default.Counter);
        app.OnMessage(async (tc, ct) =>
        {
            var c = (await counter.GetAsync(tc, () => new Counter(), ct))!;
            c.Value++;
            if (tc.Activity.Text == "fail")
            {
                throw new InvalidOperationException("boom");
            }

            await tc.SendActivityAsync($"count {c.Value}", cancellationToken: ct);
        });

        await new TestFlow(_adapter, app)
            .Send("a").AssertReply("count 1")
            .Send("fail").AssertReply(BotAdapter.DefaultErrorMessage)
            .Send("b").AssertReply("count 2")
            .StartTestAsync();
    }

    [Fact]
    public async Task WhenStateCannotBeSavedTheUserGetsOnlyTheApologyNotTheAnswer()
    {
        var full = new FullDisk(_storage);
        var app = new AgentApplication(new ConversationState(full, TimeProvider.System, TimeSpan.FromHours(1)), new UserState(full, TimeProvider.System));
        var counter = app.ConversationState.CreateProperty("count", TestJsonContext.Default.Counter);
        app.OnMessage(async (tc, ct) =>
        {
            var c = (await counter.GetAsync(tc, () => new Counter(), ct))!;
            c.Value++;
            if (tc.Activity.Text == "b")
            {
                // A typing indicator promises nothing: it still goes out while the answer waits for the save.
                await tc.SendActivityAsync(new Activity { Type = ActivityTypes.Typing }, ct);
            }

            await tc.SendActivityAsync($"count {c.Value}", cancellationToken: ct);

            // Held, but answered as far as the dialog can tell: a prompt must not ask again.
            Assert.True(tc.Responded);
            await tc.SendActivityAsync("and more", cancellationToken: ct);
        });

        await new TestFlow(_adapter, app)
            .Send("a").AssertReply("count 1").AssertReply("and more")
            .StartTestAsync();

        full.IsFull = true;
        await _adapter.ProcessAsync(_adapter.MakeMessage("b"), app.OnTurnAsync);
        Assert.Equal([ActivityTypes.Typing, ActivityTypes.Message], _adapter.PendingReplies.Select(a => a.Type));
        Assert.Equal([BotAdapter.NotSavedMessage], _adapter.PendingReplies.Where(a => a.Text is not null).Select(a => a.Text));
        _adapter.TakeReply();
        _adapter.TakeReply();

        // Nothing from the lost turn was kept: the count carries on from the last saved one.
        full.IsFull = false;
        await new TestFlow(_adapter, app)
            .Send("c").AssertReply("count 2").AssertReply("and more")
            .StartTestAsync();
    }

    [Fact]
    public async Task ExpectRepliesAndInvokesCarryNothingFromATurnWhoseStateWasNotSaved()
    {
        var full = new FullDisk(_storage) { IsFull = true };
        var app = new AgentApplication(new ConversationState(full, TimeProvider.System, TimeSpan.FromHours(1)), new UserState(full, TimeProvider.System));
        var counter = app.ConversationState.CreateProperty("count", TestJsonContext.Default.Counter);
        app.OnMessage(async (tc, ct) =>
        {
            (await counter.GetAsync(tc, () => new Counter(), ct))!.Value++;
            await tc.SendActivityAsync("the answer", cancellationToken: ct);
        });
        app.OnInvoke("adaptiveCard/action", async (tc, ct) =>
        {
            (await counter.GetAsync(tc, () => new Counter(), ct))!.Value++;
            return new InvokeResponse(200);
        });

        var message = _adapter.MakeMessage("a") with { DeliveryMode = DeliveryModes.ExpectReplies };
        var replied = await _adapter.ProcessAsync(message, app.OnTurnAsync);
        var invoked = await _adapter.ProcessAsync(_adapter.Stamp(new Activity { Type = ActivityTypes.Invoke, Name = "adaptiveCard/action" }), app.OnTurnAsync);

        Assert.Equal([BotAdapter.NotSavedMessage], replied.ExpectedReplies!.Select(a => a.Text));
        Assert.Null(invoked.InvokeResponse);
        Assert.Empty(_adapter.PendingReplies);
    }

    private AgentApplication NewApp() =>
        new(new ConversationState(_storage, TimeProvider.System), new UserState(_storage, TimeProvider.System));

    private RouteHandler Record(string name) => (tc, ct) =>
    {
        _handled.Add(name);
        return Task.CompletedTask;
    };

    [GeneratedRegex(@"^ticket \d+$")]
    private static partial Regex TicketPattern();

    /// <summary>A disk that fills up: the storage refuses every write as the real ones do then.</summary>
    private sealed class FullDisk(IStorage inner) : IStorage
    {
        public bool IsFull { get; set; }

        public Task<IReadOnlyDictionary<string, StoreItem>> ReadAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
            inner.ReadAsync(keys, cancellationToken);

        public Task<IReadOnlyDictionary<string, string>> WriteAsync(IReadOnlyDictionary<string, StoreItem> changes, CancellationToken cancellationToken) =>
            IsFull ? throw new StorageUnavailableException("database or disk is full") : inner.WriteAsync(changes, cancellationToken);

        public Task DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
            IsFull ? throw new StorageUnavailableException("database or disk is full") : inner.DeleteAsync(keys, cancellationToken);
    }
}
