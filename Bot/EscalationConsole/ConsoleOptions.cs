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
