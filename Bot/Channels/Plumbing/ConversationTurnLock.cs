using System.Collections.Concurrent;
using WWPS.PolicyBot.Storage;

namespace WWPS.PolicyBot.Plumbing;

/// <summary>
/// One turn at a time per conversation, for every channel. Two quick messages would otherwise both load the same
/// conversation state, and the second save would fail its ETag check (or the replies interleave); waiting a moment is
/// better than a lost turn. Within this process a semaphore per conversation; with several instances on one database
/// (<see cref="IInstanceCoordinator.IsShared"/>) the coordinator's lock as well, taken after the process's own so that
/// turns queued here hold one database connection between them, not one each.
/// </summary>
internal sealed class ConversationTurnLock(IInstanceCoordinator? coordinator = null)
{
    private readonly ConcurrentDictionary<string, Gate> _gates = new(StringComparer.Ordinal);

    /// <summary>Waits until no other turn of the conversation runs (here or, when shared, on another instance), and holds it until disposed.</summary>
    public async Task<IAsyncDisposable> AcquireAsync(string? channelId, string conversationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversationId);

        // The same string on every instance: the coordinator turns it into its lock key.
        var key = channelId + ":" + conversationId;
        var local = await LockLocallyAsync(key, cancellationToken).ConfigureAwait(false);
        if (coordinator is not { IsShared: true })
        {
            return local;
        }

        try
        {
            var shared = await coordinator.LockConversationAsync(key, cancellationToken).ConfigureAwait(false);
            return new Both(shared, local);
        }
        catch
        {
            await local.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<Lease> LockLocallyAsync(string key, CancellationToken cancellationToken)
    {
        while (true)
        {
            var gate = _gates.GetOrAdd(key, static _ => new Gate());
            lock (gate)
            {
                // Retired by its last user between GetOrAdd and here: a fresh one is (or will be) in the dictionary.
                if (gate.Retired)
                {
                    continue;
                }

                gate.Users++;
            }

            try
            {
                await gate.Semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                Leave(key, gate);
                throw;
            }

            return new Lease(this, key, gate);
        }
    }

    /// <summary>Only the last user removes the gate, so one that someone waits on is never replaced.</summary>
    private void Leave(string key, Gate gate)
    {
        lock (gate)
        {
            if (--gate.Users == 0)
            {
                gate.Retired = true;
                _gates.TryRemove(new KeyValuePair<string, Gate>(key, gate));
            }
        }
    }

    private sealed class Gate
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Users { get; set; }

        public bool Retired { get; set; }
    }

    private sealed class Lease(ConversationTurnLock owner, string key, Gate gate) : IAsyncDisposable
    {
        private int _disposed;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                gate.Semaphore.Release();
                owner.Leave(key, gate);
            }

            return ValueTask.CompletedTask;
        }
    }

    /// <summary>The instances' lock, released before this process's own.</summary>
    private sealed class Both(IAsyncDisposable shared, IAsyncDisposable local) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await shared.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                await local.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
