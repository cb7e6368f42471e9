using WWPS.PolicyBot.Dialogs.Escalations;
using WWPS.PolicyBot.EscalationConsole;
using WWPS.PolicyBot.Tests.Testing;

namespace WWPS.PolicyBot.Tests.EscalationConsole;

/// <summary>The console's wrong-password count: per client and role, and each lockout of the same client longer.</summary>
public sealed class ConsoleLockoutTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly ConsoleLockout _lockout;

    public ConsoleLockoutTests() =>
        _lockout = new ConsoleLockout(new ConsoleOptions { LockoutFailures = 5, Lockout = TimeSpan.FromMinutes(5) }, _time);

    [Fact]
    public void EachLockoutOfTheSameClientLastsTwiceAsLong()
    {
        Assert.Equal(TimeSpan.FromMinutes(5), FailUntilLocked("198.51.100.7"));
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(TimeSpan.FromMinutes(10), FailUntilLocked("198.51.100.7"));
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(TimeSpan.FromMinutes(20), FailUntilLocked("198.51.100.7"));

        // Another place is not held up, and the same place for the other role starts afresh.
        Assert.Null(_lockout.TryBegin("203.0.113.20", EscalationRole.Manager));
        Assert.Null(_lockout.TryBegin("198.51.100.7", EscalationRole.Chair));
    }

    [Fact]
    public void ADayWithoutWrongPasswordsForgetsTheClient()
    {
        FailUntilLocked("198.51.100.7");
        _time.Advance(TimeSpan.FromDays(1));

        Assert.Equal(TimeSpan.FromMinutes(5), FailUntilLocked("198.51.100.7"));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void RemembersABoundedNumberOfClients()
    {
        for (var i = 0; i < ConsoleLockout.MaxClients + 500; i++)
        {
            var client = "10.0." + (i / 250).ToString(System.Globalization.CultureInfo.InvariantCulture) + "." + (i % 250).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Null(_lockout.TryBegin(client, EscalationRole.Manager));
            Assert.Null(_lockout.Fail(client, EscalationRole.Manager));
        }

        Assert.InRange(_lockout.Count, 1, ConsoleLockout.MaxClients);
    }

    private TimeSpan FailUntilLocked(string client)
    {
        for (var i = 1; i < 5; i++)
        {
            Assert.Null(_lockout.TryBegin(client, EscalationRole.Manager));
            Assert.Null(_lockout.Fail(client, EscalationRole.Manager));
        }

        Assert.Null(_lockout.TryBegin(client, EscalationRole.Manager));
        var wait = _lockout.Fail(client, EscalationRole.Manager);
        Assert.NotNull(wait);
        Assert.NotNull(_lockout.TryBegin(client, EscalationRole.Manager));
        return wait.Value;
    }
}
