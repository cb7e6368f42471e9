using WWPS.PolicyBot.Dialogs.Escalations;
using WWPS.PolicyBot.EscalationConsole;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Storage;
using WWPS.PolicyBot.Tests.Testing;

namespace WWPS.PolicyBot.Tests.EscalationConsole;

/// <summary>The console's wrong-password count: per client and role, each lockout of the same client longer, shared by the instances.</summary>
public sealed class ConsoleLockoutTests : IDisposable
{
    private static readonly ConsoleOptions Options = new() { LockoutFailures = 5, Lockout = TimeSpan.FromMinutes(5) };

    private readonly ManualTimeProvider _time = new();
    private readonly TempFolder _folder = new();
    private readonly ConsoleLockout _lockout;

    public ConsoleLockoutTests() =>
        _lockout = new ConsoleLockout(new MemoryStorage(), Options, _time);

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task EachLockoutOfTheSameClientLastsTwiceAsLong()
    {
        Assert.Equal(TimeSpan.FromMinutes(5), await FailUntilLockedAsync(_lockout, "198.51.100.7"));
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(TimeSpan.FromMinutes(10), await FailUntilLockedAsync(_lockout, "198.51.100.7"));
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(TimeSpan.FromMinutes(20), await FailUntilLockedAsync(_lockout, "198.51.100.7"));

        // Another place is not held up, and the same place for the other role starts afresh.
        Assert.Null(await _lockout.TryBeginAsync("203.0.113.20", EscalationRole.Manager, default));
        Assert.Null(await _lockout.TryBeginAsync("198.51.100.7", EscalationRole.Chair, default));
    }

    [Fact]
    public async Task ADayWithoutWrongPasswordsForgetsTheClient()
    {
        await FailUntilLockedAsync(_lockout, "198.51.100.7");
        _time.Advance(TimeSpan.FromDays(1));

        Assert.Equal(TimeSpan.FromMinutes(5), await FailUntilLockedAsync(_lockout, "198.51.100.7"));
    }

    /// <summary>
    /// Two instances on one database: wrong passwords sent to one and then the other add up, and the lockout they earn
    /// holds on both. With counts in each process's memory the guesser had five tries per instance.
    /// </summary>
    [Fact]
    public async Task FailuresOnOneInstanceLockTheClientOutOnAnother()
    {
        using var databaseA = await SqliteStorage.OpenAsync(_folder.Path, _time);
        using var databaseB = await SqliteStorage.OpenAsync(_folder.Path, _time);
        var a = new ConsoleLockout(databaseA, Options, _time);
        var b = new ConsoleLockout(databaseB, Options, _time);

        for (var i = 0; i < 4; i++)
        {
            var instance = i % 2 == 0 ? a : b;
            Assert.Null(await instance.TryBeginAsync("198.51.100.7", EscalationRole.Manager, default));
            Assert.Null(await instance.FailAsync("198.51.100.7", EscalationRole.Manager, default));
        }

        Assert.Null(await b.TryBeginAsync("198.51.100.7", EscalationRole.Manager, default));
        Assert.Equal(TimeSpan.FromMinutes(5), await b.FailAsync("198.51.100.7", EscalationRole.Manager, default));

        Assert.Equal(TimeSpan.FromMinutes(5), await a.TryBeginAsync("198.51.100.7", EscalationRole.Manager, default));
        Assert.Null(await a.TryBeginAsync("203.0.113.20", EscalationRole.Manager, default));
    }

    /// <summary>The records are bounded by time: the state purge deletes those nobody has written for its retention.</summary>
    [Fact]
    public async Task TheStatePurgeForgetsClientsQuietForADay()
    {
        using var database = await SqliteStorage.OpenAsync(_folder.Path, _time);
        var lockout = new ConsoleLockout(database, Options, _time);
        for (var i = 0; i < 20; i++)
        {
            Assert.Null(await lockout.TryBeginAsync($"198.51.100.{i}", EscalationRole.Manager, default));
            Assert.Null(await lockout.FailAsync($"198.51.100.{i}", EscalationRole.Manager, default));
        }

        _time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));

        Assert.Equal(20, await database.PurgeOlderThanAsync(_time.GetUtcNow() - TimeSpan.FromDays(1)));
    }

    private static async Task<TimeSpan> FailUntilLockedAsync(ConsoleLockout lockout, string client)
    {
        for (var i = 1; i < 5; i++)
        {
            Assert.Null(await lockout.TryBeginAsync(client, EscalationRole.Manager, default));
            Assert.Null(await lockout.FailAsync(client, EscalationRole.Manager, default));
        }

        Assert.Null(await lockout.TryBeginAsync(client, EscalationRole.Manager, default));
        var wait = await lockout.FailAsync(client, EscalationRole.Manager, default);
        Assert.NotNull(wait);
        Assert.NotNull(await lockout.TryBeginAsync(client, EscalationRole.Manager, default));
        return wait.Value;
    }
}
