using Microsoft.AspNetCore.Http;
using WWPS.PolicyBot.Dialogs.Escalations;

namespace WWPS.PolicyBot.EscalationConsole;

/// <summary>
/// The escalation console's settings: each role's password hash (<c>Escalation:Manager:ConsolePasswordHash</c>,
/// <c>Escalation:Chair:ConsolePasswordHash</c>) and the <c>Console</c> section (session length, lockout, cookie policy).
/// </summary>
internal sealed record ConsoleOptions
{
    public string? ManagerHash { get; init; }

    public string? ChairHash { get; init; }

    /// <summary>How long a session lasts without a request; each request renews it.</summary>
    public TimeSpan Session { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Wrong passwords in a row, for one role, before that role's sign-in is locked.</summary>
    public int LockoutFailures { get; init; } = 5;

    public TimeSpan Lockout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Always (the default): the console is served over HTTPS, with Secure cookies, and over plain HTTP only to a browser
    /// on the bot's own machine (loopback), whose cookies cannot be Secure. <c>SameAsRequest</c> serves plain HTTP to
    /// anyone (behind a proxy that terminates TLS without forwarded headers, say).
    /// </summary>
    public CookieSecurePolicy CookieSecurePolicy { get; init; } = CookieSecurePolicy.Always;

    /// <summary>
    /// What the cookies are given: Secure on every HTTPS response; with the default policy plain HTTP is refused
    /// except on loopback, so a cookie without Secure only ever goes to a browser on this machine.
    /// </summary>
    public CookieSecurePolicy EffectiveCookiePolicy => CookieSecurePolicy == CookieSecurePolicy.Always ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy;

    /// <summary>The configured, well-formed hash for a role that escalation knows; null when that role cannot sign in.</summary>
    public string? HashFor(EscalationRole role) => role == EscalationRole.Manager ? ManagerHash : ChairHash;

    public static ConsoleOptions From(IConfiguration configuration, EscalationOptions escalation)
    {
        ArgumentNullException.ThrowIfNull(escalation);
        var section = configuration.GetSection("Console");
        return new ConsoleOptions
        {
            ManagerHash = escalation.IsEnabled ? Hash(configuration, escalation.Manager) : null,
            ChairHash = escalation.IsEnabled ? Hash(configuration, escalation.Chair) : null,
            Session = TimeSpan.FromMinutes(Math.Max(1, section.GetValue("SessionMinutes", 30.0))),
            LockoutFailures = Math.Max(1, section.GetValue("LockoutFailures", 5)),
            Lockout = TimeSpan.FromMinutes(Math.Max(0, section.GetValue("LockoutMinutes", 5.0))),
            CookieSecurePolicy = section.GetValue("CookieSecurePolicy", CookieSecurePolicy.Always),
        };
    }

    /// <summary>Both escalation (the two people) and at least one password must be configured.</summary>
    public bool IsSetUp => ManagerHash is not null || ChairHash is not null;

    private static string? Hash(IConfiguration configuration, EscalationPerson? person)
    {
        if (person is null)
        {
            return null;
        }

        var hash = configuration[$"Escalation:{EscalationPerson.RoleTitle(person.Role)}:ConsolePasswordHash"];
        return ConsolePassword.IsWellFormed(hash) ? hash!.Trim() : null;
    }
}

/// <summary>
/// Per-role lockout: after <see cref="ConsoleOptions.LockoutFailures"/> wrong passwords in a row the role cannot sign
/// in for <see cref="ConsoleOptions.Lockout"/>, whatever password is given. In memory: a restart clears it.
/// </summary>
internal sealed class ConsoleLockout(ConsoleOptions options, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<EscalationRole, (int Failures, int Checking, DateTimeOffset Until)> _state = [];

    /// <summary>How long the role stays locked; null when it may try.</summary>
    public TimeSpan? LockedFor(EscalationRole role)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            return _state.TryGetValue(role, out var s) && s.Until > now ? s.Until - now : null;
        }
    }

    /// <summary>
    /// Starts checking a password for the role: null when it may go ahead (end it with <see cref="Fail"/> or
    /// <see cref="Succeed"/>); otherwise how long the role is locked. Checks under way count as failures until they
    /// end, so wrong passwords sent at the same time cannot get more tries than the limit.
    /// </summary>
    public TimeSpan? TryBegin(EscalationRole role)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var s = _state.GetValueOrDefault(role);
            if (s.Until > now)
            {
                return s.Until - now;
            }

            if (s.Failures + s.Checking >= options.LockoutFailures)
            {
                return options.Lockout;
            }

            _state[role] = s with { Checking = s.Checking + 1 };
            return null;
        }
    }

    /// <summary>Counts a wrong password; true when it has just locked the role.</summary>
    public bool Fail(EscalationRole role)
    {
        lock (_gate)
        {
            var s = _state.GetValueOrDefault(role);
            var checking = Math.Max(0, s.Checking - 1);
            var failures = s.Failures + 1;
            if (failures >= options.LockoutFailures)
            {
                _state[role] = (0, checking, time.GetUtcNow() + options.Lockout);
                return true;
            }

            _state[role] = (failures, checking, DateTimeOffset.MinValue);
            return false;
        }
    }

    public void Succeed(EscalationRole role)
    {
        lock (_gate)
        {
            var checking = _state.TryGetValue(role, out var s) ? Math.Max(0, s.Checking - 1) : 0;
            if (checking == 0)
            {
                _state.Remove(role);
            }
            else
            {
                _state[role] = (0, checking, DateTimeOffset.MinValue);
            }
        }
    }
}
