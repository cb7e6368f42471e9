using WWPS.PolicyBot.Plumbing;
using WWPS.PolicyBot.Storage;

namespace WWPS.PolicyBot.Tests.Plumbing;

public sealed class ConversationTurnLockTests
{
    [Fact]
    public async Task ASecondTurnOfTheSameConversationWaitsForTheFirst()
    {
        var turns = new ConversationTurnLock();
        var first = await turns.AcquireAsync("msteams", "a", default);
        var second = turns.AcquireAsync("msteams", "a", default);
        Assert.False(second.IsCompleted);

        await first.DisposeAsync();
        await (await second).DisposeAsync();
    }

    [Fact]
    public async Task OtherConversationsAndChannelsDoNotWait()
    {
        var turns = new ConversationTurnLock();
        await using var held = await turns.AcquireAsync("msteams", "a", default);

        var otherConversation = turns.AcquireAsync("msteams", "b", default);
        var otherChannel = turns.AcquireAsync("slack", "a", default);
        Assert.True(otherConversation.IsCompletedSuccessfully);
        Assert.True(otherChannel.IsCompletedSuccessfully);
        await (await otherConversation).DisposeAsync();
        await (await otherChannel).DisposeAsync();
    }

    [Fact]
    public async Task ACancelledWaitLeavesTheLockUsable()
    {
        var turns = new ConversationTurnLock();
        var first = await turns.AcquireAsync("directline", "a", default);
        using var cancel = new CancellationTokenSource();
        var waiting = turns.AcquireAsync("directline", "a", cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);

        await first.DisposeAsync();
        var again = turns.AcquireAsync("directline", "a", default);
        Assert.True(again.IsCompletedSuccessfully);
        await (await again).DisposeAsync();
    }

    [Fact]
    public async Task WithInstancesSharingADatabaseTheCoordinatorIsLockedAfterThisProcessAndReleasedFirst()
    {
        var coordinator = new RecordingCoordinator(shared: true);
        var turns = new ConversationTurnLock(coordinator);

        var held = await turns.AcquireAsync("directline", "abc", default);
        Assert.Equal(["lock directline:abc"], coordinator.Calls);

        // Released while this process's lock is still held: a waiting local turn cannot start before the shared lock is free.
        var next = turns.AcquireAsync("directline", "abc", default);
        await held.DisposeAsync();
        await (await next).DisposeAsync();
        Assert.Equal(["lock directline:abc", "unlock directline:abc", "lock directline:abc", "unlock directline:abc"], coordinator.Calls);
    }

    [Fact]
    public async Task WithOneInstanceTheCoordinatorIsNotAsked()
    {
        // SQLite and memory: no database call on any channel's turn.
        var coordinator = new RecordingCoordinator(shared: false);
        var turns = new ConversationTurnLock(coordinator);
        await (await turns.AcquireAsync("msteams", "a", default)).DisposeAsync();
        Assert.Empty(coordinator.Calls);
    }

    private sealed class RecordingCoordinator(bool shared) : IInstanceCoordinator
    {
        public List<string> Calls { get; } = [];

        public bool IsShared => shared;

        public Task<bool> RunExclusiveAsync(string job, Func<CancellationToken, Task> work, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<IAsyncDisposable> LockConversationAsync(string conversationKey, CancellationToken cancellationToken)
        {
            Calls.Add("lock " + conversationKey);
            return Task.FromResult<IAsyncDisposable>(new Release(() => Calls.Add("unlock " + conversationKey)));
        }

        private sealed class Release(Action release) : IAsyncDisposable
        {
            public ValueTask DisposeAsync()
            {
                release();
                return ValueTask.CompletedTask;
            }
        }
    }
}
