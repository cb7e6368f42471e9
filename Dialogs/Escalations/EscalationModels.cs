using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Dialogs.Escalations;

/// <summary>The two people the policy names for concerns (methods-9).</summary>
public enum EscalationRole
{
    Manager,
    Chair,
}

/// <summary>
/// Waiting for the person to accept; accepted (messages are relayed both ways); closed by the person, the user or a
/// hub; timed out when nobody accepted in time. Only waiting → accepted → closed and waiting → closed / timed-out.
/// </summary>
public enum EscalationStatus
{
    Waiting,
    Accepted,
    Closed,
    TimedOut,
}

/// <summary>Who wrote a relayed message.</summary>
public enum MessageSender
{
    User,
    Staff,
}

/// <summary>A person as a channel knows them: the same person in Teams and in Web Chat is two identities.</summary>
public sealed record PartyId(string ChannelId, string UserId)
{
    public static PartyId? From(Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        return activity.ChannelId is { Length: > 0 } channel && activity.From?.Id is { Length: > 0 } user ? new PartyId(channel, user) : null;
    }

    /// <summary>Whose chat a stored conversation reference is: its channel and its user.</summary>
    public static PartyId? From(ConversationReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return reference.ChannelId is { Length: > 0 } channel && reference.User?.Id is { Length: > 0 } user ? new PartyId(channel, user) : null;
    }

    public bool Is(Activity activity) => PartyId.From(activity) == this;

    public override string ToString() => $"{ChannelId}:{UserId}";
}

/// <summary>What the bot passes on, as the user confirmed it.</summary>
/// <param name="RequestedRole">Whom the user asked for.</param>
/// <param name="Role">Whom it went to: the other one when the concern is about the one asked for.</param>
/// <param name="Source">What led here: <c>concern</c>, <c>question</c> (the policy did not cover it) or <c>draft</c>.</param>
/// <param name="Summary">The text the user agreed to pass on (personal data trimmed unless they kept it).</param>
/// <param name="Deadline">When the escalation times out if nobody has accepted it.</param>
public sealed record NewEscalation(
    EscalationRole RequestedRole,
    EscalationRole Role,
    string Source,
    string Summary,
    PartyId User,
    string? UserName,
    ConversationReference UserReference,
    DateTimeOffset Deadline);

public sealed record Escalation(
    long Id,
    EscalationRole RequestedRole,
    EscalationRole Role,
    string Source,
    string Summary,
    PartyId User,
    string? UserName,
    ConversationReference UserReference,
    EscalationStatus Status,
    DateTimeOffset Created,
    DateTimeOffset Deadline,
    DateTimeOffset? Accepted,
    DateTimeOffset? Ended)
{
    /// <summary>Waiting or accepted: the user has a concern in hand and cannot start another.</summary>
    public bool IsOpen => Status is EscalationStatus.Waiting or EscalationStatus.Accepted;

    /// <summary>The concern was sent to the other person because it is about the one the user asked for.</summary>
    public bool Rerouted => RequestedRole != Role;

    /// <summary>
    /// The user chose not to be named: the Manager or Chair sees no name and replies through the bot. Stored as an
    /// empty name (unknown is null), so every store keeps it without a schema change.
    /// </summary>
    public bool IsAnonymous => UserName is { Length: 0 };

    /// <summary>The name kept for a user who asked to stay anonymous.</summary>
    public const string AnonymousName = "";
}

/// <summary>One message relayed while the escalation was accepted.</summary>
public sealed record EscalationMessage(long Id, long EscalationId, MessageSender Sender, string Text, DateTimeOffset Sent);

/// <summary>Who saw or did what, and when. Never message text: actions and ids only.</summary>
/// <param name="Actor">"user:{channel}:{id}", "manager", "chair", "bot" or "hub".</param>
public sealed record AuditEntry(long Id, long? EscalationId, string Actor, string Action, DateTimeOffset At);

public enum NotificationChannel
{
    Chat,
    Email,
}

public enum NotificationState
{
    Pending,
    Sent,
    Failed,
}

/// <summary>
/// One way of telling the person about an escalation (their chat with the bot, or email), with its retries. Pending
/// ones whose <see cref="NextAttempt"/> has come are retried; after the last attempt it is Failed and the user is told.
/// </summary>
public sealed record EscalationNotification(
    long EscalationId,
    NotificationChannel Channel,
    NotificationState State,
    int Attempts,
    DateTimeOffset? NextAttempt,
    string? LastError);

/// <summary>What <see cref="IEscalationStore.ListAsync"/> returns; null fields do not filter.</summary>
public sealed record EscalationFilter(
    EscalationRole? Role = null,
    PartyId? User = null,
    IReadOnlyCollection<EscalationStatus>? Statuses = null)
{
    public static readonly IReadOnlyCollection<EscalationStatus> Open = [EscalationStatus.Waiting, EscalationStatus.Accepted];
}

/// <summary>Audit actions, as stored.</summary>
public static class AuditActions
{
    public const string Created = "created";
    public const string Rerouted = "rerouted";
    public const string Listed = "listed";
    public const string Viewed = "viewed";
    public const string Accepted = "accepted";
    public const string Closed = "closed";
    public const string TimedOut = "timed-out";
    public const string UserMessage = "relayed-from-user";
    public const string StaffMessage = "relayed-from-staff";
    public const string RelayFailed = "relay-failed";
    public const string Notified = "notified";
    public const string NotifyFailed = "notify-failed";
    public const string NotifyGaveUp = "notify-gave-up";
    public const string Denied = "denied";
    public const string Purged = "purged";
    public const string HandoffInitiated = "handoff-initiated";
    public const string SignedIn = "console-signed-in";
    public const string SignInFailed = "console-sign-in-failed";
    public const string LockedOut = "console-locked-out";
    public const string SignedOut = "console-signed-out";

    /// <summary>The bot opened a direct conversation with the Manager or the Chair (Slack), who had not written to it.</summary>
    public const string ChatOpened = "chat-opened";

    /// <summary>The console's Insights page was read; one question's page is <c>insight-viewed:{question id}</c>.</summary>
    public const string InsightsViewed = "insights-viewed";
    public const string InsightViewed = "insight-viewed";

    /// <summary>The Manager decided a question is covered by a clause: <c>insight-covered:{clause}:{question id}</c>.</summary>
    public const string InsightCovered = "insight-covered";

    /// <summary>The Manager gave an answer for a question the policy does not cover: <c>insight-told:{question id}</c>.</summary>
    public const string InsightTold = "insight-told";

    /// <summary>The Manager took a decision back: <c>insight-forgotten:{question id}</c>.</summary>
    public const string InsightForgotten = "insight-forgotten";
}

public static class EscalationText
{
    public static string Name(EscalationStatus status) => status switch
    {
        EscalationStatus.Waiting => "waiting",
        EscalationStatus.Accepted => "accepted",
        EscalationStatus.Closed => "closed",
        EscalationStatus.TimedOut => "timed-out",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static EscalationStatus ParseStatus(string text) => text switch
    {
        "waiting" => EscalationStatus.Waiting,
        "accepted" => EscalationStatus.Accepted,
        "closed" => EscalationStatus.Closed,
        "timed-out" => EscalationStatus.TimedOut,
        _ => throw new FormatException($"Unknown escalation status '{text}'."),
    };

    public static string Name(EscalationRole role) => role == EscalationRole.Manager ? "manager" : "chair";

    public static EscalationRole ParseRole(string text) => text switch
    {
        "manager" => EscalationRole.Manager,
        "chair" => EscalationRole.Chair,
        _ => throw new FormatException($"Unknown escalation role '{text}'."),
    };

    public static EscalationRole Other(EscalationRole role) => role == EscalationRole.Manager ? EscalationRole.Chair : EscalationRole.Manager;
}

public static class EscalationListExtensions
{
    /// <summary>The first (for lists: the newest) or null.</summary>
    public static T? FirstOrNull<T>(this IReadOnlyList<T> list)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(list);
        return list.Count > 0 ? list[0] : null;
    }
}
