using System.Text.Json;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Tests.Testing;

namespace WWPS.PolicyBot.Tests.Storage;

public sealed class BotStateTests
{
    private readonly MemoryStorage _storage = new();
    private readonly ManualTimeProvider _time = new();
    // No error handler: a failure inside a turn must fail the test, not become an apology.
    private readonly TestAdapter _adapter = new() { OnTurnError = null };

    [Fact]
    public async Task KeysFollowTheChannelConversationAndUser()
    {
        var conversation = new ConversationState(_storage, _time);
        var user = new UserState(_storage, _time);
        string? conversationKey = null, userKey = null;

        await Turn("hi", tc =>
        {
            conversationKey = conversation.GetStorageKey(tc);
            userKey = user.GetStorageKey(tc);
            return Task.CompletedTask;
        });

        Assert.Equal("test/conversations/conversation1", conversationKey);
        Assert.Equal("test/users/user1", userKey);
    }

    [Fact]
    public async Task TypedValuesSurviveStorageWithTheirTypes()
    {
        var state = new ConversationState(_storage, _time);
        var profile = state.CreateProperty("profile", TestJsonContext.Default.Profile);
        var written = new Profile("Sam", 2, 9_000_000_000, 12.5m);

        await Turn("a", async tc =>
        {
            await profile.SetAsync(tc, written);
            await state.SaveChangesAsync(tc);
        });

        Profile? read = null;
        await Turn("b", async tc => read = await profile.GetAsync(tc));

        Assert.Equal(written, read);
    }

    [Fact]
    public async Task ChangesMadeInPlaceAreSaved()
    {
        var state = new UserState(_storage, _time);
        var counter = state.CreateProperty("counter", TestJsonContext.Default.Counter);

        for (var i = 0; i < 3; i++)
        {
            await Turn("x", async tc =>
            {
                (await counter.GetAsync(tc, () => new Counter()))!.Value++;
                await state.SaveChangesAsync(tc);
            });
        }

        var stored = (await _storage.ReadAsync(["test/users/user1"], default))["test/users/user1"];
        Assert.Equal(3, stored.Value.GetProperty("properties").GetProperty("counter").GetProperty("value").GetInt32());
    }

    [Fact]
    public async Task ATurnThatChangedNothingDoesNotWrite()
    {
        var state = new UserState(_storage, _time);
        var counter = state.CreateProperty("counter", TestJsonContext.Default.Counter);
        await Turn("a", async tc =>
        {
            await counter.SetAsync(tc, new Counter { Value = 1 });
            await state.SaveChangesAsync(tc);
        });
        var before = (await _storage.ReadAsync(["test/users/user1"], default))["test/users/user1"].ETag;

        await Turn("b", async tc =>
        {
            await counter.GetAsync(tc);
            await state.SaveChangesAsync(tc);
        });

        Assert.Equal(before, (await _storage.ReadAsync(["test/users/user1"], default))["test/users/user1"].ETag);
    }

    [Fact]
    public async Task AConcurrentTurnThatSavesSecondLoses()
    {
        var state = new ConversationState(_storage, _time);
        var counter = state.CreateProperty("counter", TestJsonContext.Default.Counter);
        await Turn("setup", async tc =>
        {
            await counter.SetAsync(tc, new Counter());
            await state.SaveChangesAsync(tc);
        });
        ITurnContext? first = null, second = null;
        await Turn("a", tc => { first = tc; return state.LoadAsync(tc); });
        await Turn("b", tc => { second = tc; return state.LoadAsync(tc); });

        await counter.SetAsync(first!, new Counter { Value = 1 });
        await state.SaveChangesAsync(first!);
        await counter.SetAsync(second!, new Counter { Value = 2 });

        await Assert.ThrowsAsync<StorageConcurrencyException>(() => state.SaveChangesAsync(second!));
    }

    [Fact]
    public async Task ConversationStateIdleLongerThanTheExpiryReadsAsEmpty()
    {
        var state = new ConversationState(_storage, _time, idleExpiry: TimeSpan.FromMinutes(30));
        var counter = state.CreateProperty("counter", TestJsonContext.Default.Counter);
        await Turn("a", async tc =>
        {
            await counter.SetAsync(tc, new Counter { Value = 5 });
            await state.SaveChangesAsync(tc);
        });

        _time.Advance(TimeSpan.FromMinutes(29));
        Counter? withinIdle = null;
        await Turn("b", async tc =>
        {
            withinIdle = await counter.GetAsync(tc);
            await state.SaveChangesAsync(tc);
        });

        // The idle clock restarted at the last turn, so 31 minutes from the start is only 2 minutes idle.
        _time.Advance(TimeSpan.FromMinutes(2));
        Counter? stillThere = null;
        await Turn("c", async tc =>
        {
            stillThere = await counter.GetAsync(tc);
            await state.SaveChangesAsync(tc);
        });

        _time.Advance(TimeSpan.FromMinutes(31));
        Counter? afterIdle = null;
        await Turn("d", async tc =>
        {
            afterIdle = await counter.GetAsync(tc);
            await state.SaveChangesAsync(tc);
        });

        Assert.Equal(5, withinIdle!.Value);
        Assert.Equal(5, stillThere!.Value);
        Assert.Null(afterIdle);

        // And what it held is gone from storage, not just hidden.
        var stored = (await _storage.ReadAsync(["test/conversations/conversation1"], default))["test/conversations/conversation1"];
        Assert.Equal(JsonValueKind.Object, stored.Value.GetProperty("properties").ValueKind);
        Assert.False(stored.Value.GetProperty("properties").TryGetProperty("counter", out _));
    }

    [Fact]
    public async Task AccessingAPropertyWithoutLoadingLoadsIt()
    {
        var state = new UserState(_storage, _time);
        var counter = state.CreateProperty("counter", TestJsonContext.Default.Counter);

        Counter? value = new();
        await Turn("a", async tc => value = await counter.GetAsync(tc));

        Assert.Null(value);
    }

    private Task<TurnOutcome> Turn(string text, Func<ITurnContext, Task> body) =>
        _adapter.ProcessAsync(_adapter.MakeMessage(text), (tc, ct) => body(tc));
}
