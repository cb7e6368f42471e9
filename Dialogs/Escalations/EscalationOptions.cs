using System.Globalization;

namespace WWPS.PolicyBot.Dialogs.Escalations;

/// <summary>The Manager or the Chair as configured: the name users see, their chat identity, and an email address.</summary>
/// <param name="Chat">Their identity in one channel (see the "whoami" command); null when they only get email.</param>
public sealed record EscalationPerson(EscalationRole Role, string DisplayName, PartyId? Chat, string? Email)
{
    /// <summary>
    /// They can sign in to the escalation console, where every concern and message waits for them: a chat that cannot
    /// be reached then delays the news but loses nothing, and is not reported to the user as a failure.
    /// </summary>
    public bool HasConsole { get; init; }

    /// <summary>"the Manager (Jane Smith)".</summary>
    public string Title => $"the {RoleTitle(Role)} ({DisplayName})";

    public static string RoleTitle(EscalationRole role) => role == EscalationRole.Manager ? "Manager" : "Chair";
}

/// <summary>
/// Escalation settings (the <c>Escalation</c> configuration section). Escalation is on only when both people are
/// configured: with one missing the bot gives the preschool's contacts instead, as before.
/// </summary>
public sealed record EscalationOptions
{
    public EscalationPerson? Manager { get; init; }

    public EscalationPerson? Chair { get; init; }

    public WorkingHours Hours { get; init; } = WorkingHours.Default;

    /// <summary>How long a waiting escalation may wait for someone to accept, counted from when working hours next start.</summary>
    public TimeSpan AcceptTimeout { get; init; } = TimeSpan.FromHours(4);

    /// <summary>How long escalations, their messages and audit rows are kept, from when they were raised.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(90);

    /// <summary>Also send the Bot Framework <c>handoff.initiate</c> event to the user's channel (for agent hubs).</summary>
    public bool HandoffEvents { get; init; }

    /// <summary>Attempts for each notification (chat, email) before it is given up on and the user told.</summary>
    public int NotifyAttempts { get; init; } = 5;

    /// <summary>The wait before the second attempt; doubled for each attempt after.</summary>
    public TimeSpan NotifyRetryDelay { get; init; } = TimeSpan.FromMinutes(1);

    public bool IsEnabled => Manager is not null && Chair is not null;

    public EscalationPerson Person(EscalationRole role) =>
        (role == EscalationRole.Manager ? Manager : Chair) ?? throw new InvalidOperationException($"The {role} is not configured.");

    /// <summary>The role whose configured chat identity this is; null for everyone else.</summary>
    public EscalationRole? RoleOf(PartyId? party) =>
        party is null ? null
        : Manager?.Chat == party ? EscalationRole.Manager
        : Chair?.Chat == party ? EscalationRole.Chair
        : null;
}

/// <summary>The preschool's working hours in its own time zone; outside them a user is told when to expect a reply.</summary>
public sealed record WorkingHours(IReadOnlySet<DayOfWeek> Days, TimeOnly Start, TimeOnly End, TimeZoneInfo TimeZone)
{
    public static WorkingHours Default { get; } = new(
        new HashSet<DayOfWeek> { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday },
        new TimeOnly(9, 0),
        new TimeOnly(15, 0),
        FindZone("Europe/London"));

    public bool IsOpen(DateTimeOffset utc)
    {
        var local = TimeZoneInfo.ConvertTime(utc, TimeZone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        return Days.Contains(local.DayOfWeek) && time >= Start && time < End;
    }

    /// <summary><paramref name="utc"/> itself when open; otherwise the start of the next working day.</summary>
    public DateTimeOffset NextOpen(DateTimeOffset utc)
    {
        if (IsOpen(utc) || Days.Count == 0)
        {
            return utc;
        }

        var local = TimeZoneInfo.ConvertTime(utc, TimeZone);
        for (var day = 0; day <= 7; day++)
        {
            var date = DateOnly.FromDateTime(local.DateTime).AddDays(day);
            var opening = date.ToDateTime(Start);
            if (Days.Contains(date.DayOfWeek) && opening > local.DateTime)
            {
                return new DateTimeOffset(opening, TimeZone.GetUtcOffset(opening)).ToUniversalTime();
            }
        }

        return utc;
    }

    /// <summary>
    /// The moment <paramref name="duration"/> of working time has passed after <paramref name="utc"/>: time outside the
    /// working hours does not count, so a wait that starts late in the day carries on the next working day.
    /// </summary>
    public DateTimeOffset AddWorkingTime(DateTimeOffset utc, TimeSpan duration)
    {
        var at = NextOpen(utc);
        if (Days.Count == 0 || End <= Start)
        {
            return at + duration;
        }

        var left = duration;

        // Bounded: a working day at a time, and no wait is configured in years.
        for (var day = 0; day < 3_700 && left > TimeSpan.Zero; day++)
        {
            var local = TimeZoneInfo.ConvertTime(at, TimeZone);
            var closing = DateOnly.FromDateTime(local.DateTime).ToDateTime(End);
            var closingUtc = new DateTimeOffset(closing, TimeZone.GetUtcOffset(closing)).ToUniversalTime();
            var today = closingUtc - at;
            if (today >= left)
            {
                return at + left;
            }

            left -= today;
            at = NextOpen(closingUtc);
        }

        return at + left;
    }

    /// <summary>"Monday to Friday, 9:00 to 15:00".</summary>
    public string Describe()
    {
        var ordered = Enumerable.Range(1, 7).Select(d => (DayOfWeek)(d % 7)).Where(Days.Contains).ToList();
        var contiguous = ordered.Count > 1 && ordered.Zip(ordered.Skip(1)).All(p => ((int)p.First + 1) % 7 == (int)p.Second);
        var days = ordered.Count == 0 ? "no days"
            : contiguous ? $"{ordered[0]} to {ordered[^1]}"
            : string.Join(", ", ordered);
        return $"{days}, {Clock(Start)} to {Clock(End)}";
    }

    /// <summary>"Monday at 9:00" for an opening time in UTC.</summary>
    public string DescribeOpening(DateTimeOffset utc)
    {
        var local = TimeZoneInfo.ConvertTime(utc, TimeZone);
        return $"{local.DayOfWeek} at {Clock(TimeOnly.FromDateTime(local.DateTime))}";
    }

    public static TimeZoneInfo FindZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            // A machine without tz data: UTC is right for half the year in the UK, and says so in the hours shown.
            return TimeZoneInfo.Utc;
        }
    }

    private static string Clock(TimeOnly time) => time.ToString("H:mm", CultureInfo.InvariantCulture);
}

/// <summary>Who may see and do what, and how they are named in the audit log.</summary>
public static class EscalationAccess
{
    public static string UserActor(PartyId user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return "user:" + user;
    }

    public static string StaffActor(EscalationRole role) => EscalationText.Name(role);

    /// <summary>The person it was routed to, or the user who raised it. Not the other role: it may be about them.</summary>
    public static bool CanRead(Escalation escalation, PartyId? viewer, EscalationOptions options)
    {
        ArgumentNullException.ThrowIfNull(escalation);
        ArgumentNullException.ThrowIfNull(options);
        return viewer is not null && (escalation.User == viewer || options.RoleOf(viewer) == escalation.Role);
    }

    /// <summary>Only the person it was routed to may accept, answer or close it as staff.</summary>
    public static bool CanHandle(Escalation escalation, PartyId? viewer, EscalationOptions options)
    {
        ArgumentNullException.ThrowIfNull(escalation);
        ArgumentNullException.ThrowIfNull(options);
        return viewer is not null && options.RoleOf(viewer) == escalation.Role;
    }

    /// <summary>
    /// The same rule for someone known by their role rather than a chat identity (the console's signed-in person): only
    /// the role it was routed to may read or handle it.
    /// </summary>
    public static bool CanHandle(Escalation escalation, EscalationRole role)
    {
        ArgumentNullException.ThrowIfNull(escalation);
        return escalation.Role == role;
    }
}
