using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Dialogs.Escalations;

/// <summary>
/// <see cref="IEscalationStore"/> in memory, for tests and for <c>Storage:Provider=memory</c>. Same rules as the
/// SQLite store: conditional transitions, audit rows written with them, newest first in lists.
/// </summary>
public sealed class MemoryEscalationStore(TimeProvider time) : IEscalationStore
{
    private readonly Lock _gate = new();
    private readonly List<Escalation> _escalations = [];
    private readonly List<EscalationMessage> _messages = [];
    private readonly List<AuditEntry> _audit = [];
    private readonly Dictionary<(long, NotificationChannel), EscalationNotification> _notifications = [];
    private readonly Dictionary<EscalationRole, ConversationReference> _contacts = [];
    private long _nextId;
    private long _nextMessageId;
    private long _nextAuditId;

    public Task<Escalation> CreateAsync(NewEscalation escalation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(escalation);
        lock (_gate)
        {
            var created = new Escalation(
                ++_nextId, escalation.RequestedRole, escalation.Role, escalation.Source, escalation.Summary, escalation.User, escalation.UserName,
                escalation.UserReference, EscalationStatus.Waiting, time.GetUtcNow(), escalation.Deadline, null, null);
            _escalations.Add(created);
            AddAudit(created.Id, EscalationAccess.UserActor(escalation.User), AuditActions.Created);
            return Task.FromResult(created);
        }
    }

    public Task<Escalation?> GetAsync(long id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_escalations.Find(e => e.Id == id));
        }
    }

    public Task<IReadOnlyList<Escalation>> ListAsync(EscalationFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        lock (_gate)
        {
            IReadOnlyList<Escalation> found =
            [
                .. _escalations
                    .Where(e => (filter.Role is null || e.Role == filter.Role)
                        && (filter.User is null || e.User == filter.User)
                        && (filter.Statuses is null || filter.Statuses.Contains(e.Status)))
                    .OrderByDescending(e => e.Id),
            ];
            return Task.FromResult(found);
        }
    }

    public Task<Escalation?> AcceptAsync(long id, string actor, CancellationToken cancellationToken) =>
        Task.FromResult(Transition(id, e => e.Status == EscalationStatus.Waiting, e => e with { Status = EscalationStatus.Accepted, Accepted = time.GetUtcNow() }, actor, AuditActions.Accepted));

    public Task<Escalation?> CloseAsync(long id, string actor, CancellationToken cancellationToken) =>
        Task.FromResult(Transition(id, e => e.IsOpen, e => e with { Status = EscalationStatus.Closed, Ended = time.GetUtcNow() }, actor, AuditActions.Closed));

    public Task<IReadOnlyList<Escalation>> TimeOutAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var due = _escalations.Where(e => e.Status == EscalationStatus.Waiting && e.Deadline <= now).Select(e => e.Id).ToList();
            IReadOnlyList<Escalation> changed =
            [
                .. due.Select(id => Transition(id, _ => true, e => e with { Status = EscalationStatus.TimedOut, Ended = now }, "bot", AuditActions.TimedOut)!),
            ];
            return Task.FromResult(changed);
        }
    }

    public Task UpdateUserReferenceAsync(long id, ConversationReference reference, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var index = _escalations.FindIndex(e => e.Id == id);
            if (index >= 0)
            {
                _escalations[index] = _escalations[index] with { UserReference = reference };
            }
        }

        return Task.CompletedTask;
    }

    public Task<EscalationMessage> AddMessageAsync(long id, MessageSender sender, string actor, string text, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var message = new EscalationMessage(++_nextMessageId, id, sender, text, time.GetUtcNow());
            _messages.Add(message);
            AddAudit(id, actor, sender == MessageSender.User ? AuditActions.UserMessage : AuditActions.StaffMessage);
            return Task.FromResult(message);
        }
    }

    public Task<IReadOnlyList<EscalationMessage>> GetMessagesAsync(long id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<EscalationMessage> found = [.. _messages.Where(m => m.EscalationId == id).OrderBy(m => m.Id)];
            return Task.FromResult(found);
        }
    }

    public Task AuditAsync(long? id, string actor, string action, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            AddAudit(id, actor, action);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AuditEntry>> GetAuditAsync(long? id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<AuditEntry> found = [.. _audit.Where(a => id is null || a.EscalationId == id).OrderBy(a => a.Id)];
            return Task.FromResult(found);
        }
    }

    public Task SetContactAsync(EscalationRole role, ConversationReference reference, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _contacts[role] = reference;
        }

        return Task.CompletedTask;
    }

    public Task<ConversationReference?> GetContactAsync(EscalationRole role, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_contacts.GetValueOrDefault(role));
        }
    }

    public Task SaveNotificationAsync(EscalationNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        lock (_gate)
        {
            _notifications[(notification.EscalationId, notification.Channel)] = notification;
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<EscalationNotification>> GetNotificationsAsync(long id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<EscalationNotification> found = [.. _notifications.Values.Where(n => n.EscalationId == id).OrderBy(n => n.Channel)];
            return Task.FromResult(found);
        }
    }

    public Task<IReadOnlyList<EscalationNotification>> DueNotificationsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<EscalationNotification> found =
            [
                .. _notifications.Values.Where(n => n.State == NotificationState.Pending && n.NextAttempt <= now)
                    .OrderBy(n => n.EscalationId).ThenBy(n => n.Channel),
            ];
            return Task.FromResult(found);
        }
    }

    public Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var gone = _escalations.Where(e => e.Created < before).Select(e => e.Id).ToHashSet();
            _escalations.RemoveAll(e => gone.Contains(e.Id));
            _messages.RemoveAll(m => gone.Contains(m.EscalationId));
            _audit.RemoveAll(a => a.EscalationId is { } id && gone.Contains(id));
            foreach (var key in _notifications.Keys.Where(k => gone.Contains(k.Item1)).ToList())
            {
                _notifications.Remove(key);
            }

            return Task.FromResult(gone.Count);
        }
    }

    private Escalation? Transition(long id, Func<Escalation, bool> allowed, Func<Escalation, Escalation> change, string actor, string action)
    {
        lock (_gate)
        {
            var index = _escalations.FindIndex(e => e.Id == id);
            if (index < 0 || !allowed(_escalations[index]))
            {
                return null;
            }

            _escalations[index] = change(_escalations[index]);
            AddAudit(id, actor, action);
            return _escalations[index];
        }
    }

    private void AddAudit(long? id, string actor, string action) => _audit.Add(new AuditEntry(++_nextAuditId, id, actor, action, time.GetUtcNow()));
}
