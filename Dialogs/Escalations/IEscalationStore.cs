using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Dialogs.Escalations;

/// <summary>
/// Escalations, their relayed messages, the audit log, the people's chat addresses and the notification retries.
/// Every write is durable when the task completes. State changes are conditional (accept only a waiting one, close
/// only an open one) and return null when the escalation was not in a state that allows it, so two people (or a
/// chat and the console) racing on the same escalation cannot both win. Transitions write their own audit row in the
/// same transaction. The store does not check who may do what: callers do (<see cref="EscalationAccess"/>).
/// </summary>
public interface IEscalationStore
{
    /// <summary>Stores a new waiting escalation (audited as <c>created</c> by the user) and returns it with its id.</summary>
    Task<Escalation> CreateAsync(NewEscalation escalation, CancellationToken cancellationToken);

    Task<Escalation?> GetAsync(long id, CancellationToken cancellationToken);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<Escalation>> ListAsync(EscalationFilter filter, CancellationToken cancellationToken);

    /// <summary>Waiting → accepted. Null when it is not waiting (already accepted, closed, timed out) or unknown.</summary>
    Task<Escalation?> AcceptAsync(long id, string actor, CancellationToken cancellationToken);

    /// <summary>Waiting or accepted → closed. Null when it is not open or unknown.</summary>
    Task<Escalation?> CloseAsync(long id, string actor, CancellationToken cancellationToken);

    /// <summary>Every waiting escalation whose deadline has passed → timed-out; returns those it changed.</summary>
    Task<IReadOnlyList<Escalation>> TimeOutAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Where to reach the user now: they may come back in a new conversation (a new Web Chat tab).</summary>
    Task UpdateUserReferenceAsync(long id, ConversationReference reference, CancellationToken cancellationToken);

    /// <summary>Stores a relayed message and audits it (without its text).</summary>
    Task<EscalationMessage> AddMessageAsync(long id, MessageSender sender, string actor, string text, CancellationToken cancellationToken);

    /// <summary>Oldest first.</summary>
    Task<IReadOnlyList<EscalationMessage>> GetMessagesAsync(long id, CancellationToken cancellationToken);

    Task AuditAsync(long? id, string actor, string action, CancellationToken cancellationToken);

    /// <summary>Oldest first; null id gives the whole log.</summary>
    Task<IReadOnlyList<AuditEntry>> GetAuditAsync(long? id, CancellationToken cancellationToken);

    /// <summary>The Manager's or Chair's own chat with the bot, kept from the last time they wrote to it.</summary>
    Task SetContactAsync(EscalationRole role, ConversationReference reference, CancellationToken cancellationToken);

    Task<ConversationReference?> GetContactAsync(EscalationRole role, CancellationToken cancellationToken);

    /// <summary>Adds or replaces the notification of one escalation on one channel.</summary>
    Task SaveNotificationAsync(EscalationNotification notification, CancellationToken cancellationToken);

    Task<IReadOnlyList<EscalationNotification>> GetNotificationsAsync(long id, CancellationToken cancellationToken);

    /// <summary>Pending notifications whose next attempt is due at <paramref name="now"/>.</summary>
    Task<IReadOnlyList<EscalationNotification>> DueNotificationsAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes escalations created before <paramref name="before"/> with their messages, notifications and audit rows
    /// (open ones too: retention is a promise about how long anything is kept). Returns how many escalations went.
    /// </summary>
    Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
