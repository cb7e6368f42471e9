using System.Text.Json.Serialization;
using WWPS.PolicyBot.Dialogs.Escalations;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.EscalationConsole;

/// <summary>
/// Wrong console passwords, counted per client address (<see cref="Plumbing.ClientAddress"/>) and role: after
/// <see cref="ConsoleOptions.LockoutFailures"/> in a row that client cannot sign in as that role for
/// <see cref="ConsoleOptions.Lockout"/>, whatever password it gives, and each further lockout of the same client and
/// role doubles the wait (up to a day). Someone guessing from one place is slowed more and more, while the Manager
/// signing in from anywhere else is not held up: the lockout is never the whole role's.
/// </summary>
/// <remarks>
/// Kept in the bot's storage, as the console's sessions are (<see cref="ConsoleSessions"/>), so every instance on one
/// database counts the same tries and honours the same lockout: with counts in each process's memory, two instances
/// gave a guesser twice the tries. One small record per client and role (a hash of the address, never the address),
/// changed under its ETag (a new one under a guard's) so two instances counting at once do not lose a count; a client is forgotten a day after
/// its last wrong password, and the state purge deletes records nobody has written for <c>State:RetentionHours</c>.
/// </remarks>
internal sealed class ConsoleLockout(IStorage storage, ConsoleOptions options, TimeProvider time)
{
    private const string KeyPrefix = "console/lockout/";

    // A constant record whose ETag orders the creation of new records (StorageChanges). Under the retained prefix, so
    // the state purge, which forgets quiet clients, leaves it alone: it says nothing about anyone.
    private const string GuardKey = StorageKeys.Retained + "console/lockout-guard";

    private static readonly TimeSpan LongestLock = TimeSpan.FromDays(1);
    private static readonly TimeSpan Forget = TimeSpan.FromDays(1);

    // A check that never ended (its instance stopped mid-way) stops counting after this; a check takes milliseconds.
    private static readonly TimeSpan CheckLasts = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Starts checking a password from <paramref name="client"/> for <paramref name="role"/>: null when it may go
    /// ahead (end it with <see cref="FailAsync"/> or <see cref="SucceedAsync"/>); otherwise how long that client must
    /// wait. Checks under way count as failures until they end, so wrong passwords sent at the same time (to any
    /// instance) cannot get more tries than the limit.
    /// </summary>
    public Task<TimeSpan?> TryBeginAsync(string client, EscalationRole role, CancellationToken cancellationToken) =>
        UpdateAsync(client, role, (entry, now) =>
        {
            if (entry.Until > now)
            {
                return (null, entry.Until - now);
            }

            return entry.Failures + entry.Checking >= options.LockoutFailures
                ? (null, options.Lockout)
                : (entry with { Checking = entry.Checking + 1, CheckingSince = now }, (TimeSpan?)null);
        }, cancellationToken);

    /// <summary>Counts a wrong password; the wait when it has just locked the client out of the role, else null.</summary>
    public Task<TimeSpan?> FailAsync(string client, EscalationRole role, CancellationToken cancellationToken) =>
        UpdateAsync(client, role, (entry, now) =>
        {
            entry = entry with { Checking = Math.Max(0, entry.Checking - 1), Failures = entry.Failures + 1, LastFailure = now };
            if (entry.Failures < options.LockoutFailures)
            {
                return (entry, (TimeSpan?)null);
            }

            var wait = options.Lockout * Math.Pow(2, Math.Min(entry.Lockouts, 16));
            wait = wait > LongestLock ? LongestLock : wait;
            return (entry with { Failures = 0, Lockouts = entry.Lockouts + 1, Until = now + wait }, wait);
        }, cancellationToken);

    /// <summary>The right password: the client's count for the role starts again.</summary>
    public Task SucceedAsync(string client, EscalationRole role, CancellationToken cancellationToken) =>
        UpdateAsync(client, role, (entry, _) =>
        {
            var next = entry.Checking > 1 ? new ConsoleLockoutRecord { Checking = entry.Checking - 1, CheckingSince = entry.CheckingSince } : new ConsoleLockoutRecord();
            return (next == entry ? null : next, (TimeSpan?)null);
        }, cancellationToken);

    /// <summary>Reads the record, applies <paramref name="change"/>, and writes what it returns (null: unchanged).</summary>
    /// <remarks>
    /// Under the lockout records' guard (<see cref="StorageChanges"/>): between instances, and between sign-ins at the
    /// same moment, the ETag decides, a new record's creation included, so no wrong password goes uncounted.
    /// </remarks>
    private Task<TimeSpan?> UpdateAsync(
        string client, EscalationRole role, Func<ConsoleLockoutRecord, DateTimeOffset, (ConsoleLockoutRecord? Next, TimeSpan? Result)> change, CancellationToken cancellationToken) =>
        storage.ChangeAsync(Key(client, role), GuardKey, ConsoleLockoutJson.Default.ConsoleLockoutRecord, stored =>
        {
            var now = time.GetUtcNow();
            return change(Current(stored, now), now);
        }, time, cancellationToken);

    private static ConsoleLockoutRecord Current(ConsoleLockoutRecord? stored, DateTimeOffset now)
    {
        if (stored is not { } entry)
        {
            return new ConsoleLockoutRecord();
        }

        if (entry.Checking > 0 && now - entry.CheckingSince >= CheckLasts)
        {
            entry = entry with { Checking = 0 };
        }

        return entry.Checking > 0 || now - entry.LastFailure < Forget || entry.Until > now ? entry : new ConsoleLockoutRecord();
    }

    // The client's address is hashed: the database need not say who tried to sign in from where.
    private static string Key(string client, EscalationRole role) =>
        KeyPrefix + (role == EscalationRole.Manager ? "manager/" : "chair/") + StorageKeys.Hashed(client);
}

/// <summary>One client's wrong passwords for one role.</summary>
internal sealed record ConsoleLockoutRecord
{
    public int Failures { get; init; }
    public int Checking { get; init; }
    public DateTimeOffset CheckingSince { get; init; }
    public int Lockouts { get; init; }
    public DateTimeOffset Until { get; init; }
    public DateTimeOffset LastFailure { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ConsoleLockoutRecord))]
internal sealed partial class ConsoleLockoutJson : JsonSerializerContext;

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
