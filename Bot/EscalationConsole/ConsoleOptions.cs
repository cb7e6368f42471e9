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
/// Wrong console passwords, counted per client address (<see cref="Plumbing.ClientAddress"/>) and role: after
/// <see cref="ConsoleOptions.LockoutFailures"/> in a row that client cannot sign in as that role for
/// <see cref="ConsoleOptions.Lockout"/>, whatever password it gives, and each further lockout of the same client and
/// role doubles the wait (up to a day). Someone guessing from one place is slowed more and more, while the Manager
/// signing in from anywhere else is not held up: the lockout is never the whole role's. In memory and bounded: a
/// client is forgotten a day after its last wrong password, and past <see cref="MaxClients"/> the longest-quiet go first.
/// </summary>
internal sealed class ConsoleLockout(ConsoleOptions options, TimeProvider time)
{
    /// <summary>Clients remembered at once: far more than ever try a preschool's console, few enough to cost nothing.</summary>
    public const int MaxClients = 10_000;

    private static readonly TimeSpan LongestLock = TimeSpan.FromDays(1);
    private static readonly TimeSpan Forget = TimeSpan.FromDays(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<(string Client, EscalationRole Role), Entry> _clients = [];

    /// <summary>Clients and roles remembered now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _clients.Count;
            }
        }
    }

    /// <summary>
    /// Starts checking a password from <paramref name="client"/> for <paramref name="role"/>: null when it may go
    /// ahead (end it with <see cref="Fail"/> or <see cref="Succeed"/>); otherwise how long that client must wait.
    /// Checks under way count as failures until they end, so wrong passwords sent at the same time cannot get more
    /// tries than the limit.
    /// </summary>
    public TimeSpan? TryBegin(string client, EscalationRole role)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var entry = Find(client, role, now);
            if (entry.Until > now)
            {
                return entry.Until - now;
            }

            if (entry.Failures + entry.Checking >= options.LockoutFailures)
            {
                return options.Lockout;
            }

            Store(client, role, entry with { Checking = entry.Checking + 1 }, now);
            return null;
        }
    }

    /// <summary>Counts a wrong password; the wait when it has just locked the client out of the role, else null.</summary>
    public TimeSpan? Fail(string client, EscalationRole role)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var entry = Find(client, role, now);
            entry = entry with { Checking = Math.Max(0, entry.Checking - 1), Failures = entry.Failures + 1, LastFailure = now };
            if (entry.Failures < options.LockoutFailures)
            {
                Store(client, role, entry, now);
                return null;
            }

            var wait = options.Lockout * Math.Pow(2, Math.Min(entry.Lockouts, 16));
            wait = wait > LongestLock ? LongestLock : wait;
            Store(client, role, entry with { Failures = 0, Lockouts = entry.Lockouts + 1, Until = now + wait }, now);
            return wait;
        }
    }

    public void Succeed(string client, EscalationRole role)
    {
        lock (_gate)
        {
            var key = (client, role);
            if (_clients.TryGetValue(key, out var entry) && entry.Checking > 1)
            {
                _clients[key] = new Entry { Checking = entry.Checking - 1 };
            }
            else
            {
                _clients.Remove(key);
            }
        }
    }

    private Entry Find(string client, EscalationRole role, DateTimeOffset now) =>
        _clients.TryGetValue((client, role), out var entry) && (entry.Checking > 0 || now - entry.LastFailure < Forget || entry.Until > now)
            ? entry
            : new Entry();

    private void Store(string client, EscalationRole role, Entry entry, DateTimeOffset now)
    {
        if (_clients.Count >= MaxClients && !_clients.ContainsKey((client, role)))
        {
            // Forgotten first: clients quiet for a day; then whoever was quiet longest and is not locked or mid-check.
            foreach (var stale in _clients.Where(c => c.Value.Checking == 0 && now - c.Value.LastFailure >= Forget && c.Value.Until <= now).Select(c => c.Key).ToList())
            {
                _clients.Remove(stale);
            }

            if (_clients.Count >= MaxClients)
            {
                var quietest = _clients.Where(c => c.Value.Checking == 0).MinBy(c => c.Value.LastFailure);
                _clients.Remove(quietest.Key);
            }
        }

        _clients[(client, role)] = entry;
    }

    private readonly record struct Entry(int Failures, int Checking, int Lockouts, DateTimeOffset Until, DateTimeOffset LastFailure);
}

/// <summary>
/// Tells the Manager in her chat with the bot when someone is locked out of the console after wrong passwords (for
/// either role), at most once every <see cref="Quiet"/> per role, so a patient guesser cannot fill her chat.
/// </summary>
internal sealed class ConsoleAlerts(EscalationService escalations, TimeProvider time)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMinutes(15);

    private readonly Lock _gate = new();
    private readonly Dictionary<EscalationRole, DateTimeOffset> _lastTold = [];

    /// <summary>Tells her (in the background: the sign-in page does not wait on a chat channel) unless told lately.</summary>
    public void LockedOut(EscalationRole role, int failures, TimeSpan wait)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_lastTold.TryGetValue(role, out var last) && now - last < Quiet)
            {
                return;
            }

            _lastTold[role] = now;
        }

        var minutes = Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes));
        var text = $"Security notice from the escalation console: someone typed a wrong password for the {EscalationPerson.RoleTitle(role)}'s " +
            $"sign-in {failures} times in a row, so signing in from there is paused for {minutes} minutes. If that was not you " +
            $"{(role == EscalationRole.Manager ? string.Empty : "or the Chair ")}, consider changing the console password (the console-password command).";
        _ = Task.Run(() => escalations.TellStaffAsync(EscalationRole.Manager, text, CancellationToken.None));
    }
}
