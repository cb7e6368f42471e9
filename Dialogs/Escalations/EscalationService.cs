using System.Globalization;
using Microsoft.Extensions.Logging;
using WWPS.PolicyBot.Cognitive.Policy;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Dialogs.Escalations;

/// <summary>Delivers activities into a stored conversation (proactive messages). Throws when it cannot.</summary>
public interface IProactiveMessenger
{
    Task SendAsync(ConversationReference reference, IReadOnlyList<Activity> activities, CancellationToken cancellationToken);

    /// <summary>
    /// A direct conversation with <paramref name="person"/>, opened by the bot, for someone who has never written to it
    /// (Slack's <c>conversations.open</c>). Null where the channel cannot open one (Web Chat) or it failed.
    /// </summary>
    Task<ConversationReference?> OpenDirectAsync(PartyId person, CancellationToken cancellationToken) => Task.FromResult<ConversationReference?>(null);
}

/// <summary>Sends the email that tells the Manager or the Chair a concern is waiting. Throws when it cannot.</summary>
public interface IEscalationMailer
{
    bool IsConfigured { get; }

    Task SendAsync(string address, string subject, string body, CancellationToken cancellationToken);
}

/// <summary>A mailer for when no SMTP server is configured.</summary>
public sealed class NoEscalationMailer : IEscalationMailer
{
    public static NoEscalationMailer Instance { get; } = new();

    public bool IsConfigured => false;

    public Task SendAsync(string address, string subject, string body, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("Email is not configured.");
}

/// <summary>A delivery that could not be made, with a short kind for the audit log and the logs (never text).</summary>
public sealed class EscalationDeliveryException(string kind) : Exception(kind)
{
    public string Kind { get; } = kind;
}

/// <param name="ChatSent">The person was told in their chat with the bot.</param>
/// <param name="EmailSent">Null when no email is configured for them.</param>
public sealed record RaiseResult(Escalation Escalation, bool ChatSent, bool? EmailSent);

/// <summary>
/// What happens to an escalation, whoever triggers it (a chat turn, the console, the background monitor): raising it
/// and notifying the person (retried with backoff, never silently dropped), accepting, relaying both ways with labels,
/// closing, timing out. Each step is stored before anyone is told, so a crash never leaves someone told of a change
/// that was lost. Logs carry ids and kinds only.
/// </summary>
public sealed partial class EscalationService(
    IEscalationStore store,
    EscalationOptions options,
    IProactiveMessenger messenger,
    IEscalationMailer mailer,
    PolicyMetadata policy,
    TimeProvider time,
    ILogger logger)
{
    public IEscalationStore Store => store;

    public EscalationOptions Options => options;

    public PolicyMetadata Policy => policy;

    public TimeProvider Time => time;

    /// <summary>
    /// When an escalation raised now times out if nobody accepts it: the accept timeout counted in working time, so
    /// nothing times out overnight or at a weekend.
    /// </summary>
    public DateTimeOffset DeadlineFor(DateTimeOffset now) => options.Hours.AddWorkingTime(now, options.AcceptTimeout);

    public async Task<RaiseResult> RaiseAsync(NewEscalation request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var escalation = await store.CreateAsync(request, cancellationToken).ConfigureAwait(false);
        Raised(logger, escalation.Id, escalation.Role, escalation.Source);
        if (escalation.Rerouted)
        {
            await store.AuditAsync(escalation.Id, "bot", AuditActions.Rerouted, cancellationToken).ConfigureAwait(false);
        }

        var chat = await AttemptAsync(escalation, NotificationChannel.Chat, 0, tellUserOnGivingUp: false, cancellationToken).ConfigureAwait(false);
        bool? email = mailer.IsConfigured && options.Person(escalation.Role).Email is { Length: > 0 }
            ? await AttemptAsync(escalation, NotificationChannel.Email, 0, tellUserOnGivingUp: false, cancellationToken).ConfigureAwait(false)
            : null;
        return new RaiseResult(escalation, chat, email);
    }

    /// <summary>Staff: waiting → accepted, and the user is told. Null when it was not waiting.</summary>
    public async Task<Escalation?> AcceptAsync(long id, string actor, CancellationToken cancellationToken)
    {
        var accepted = await store.AcceptAsync(id, actor, cancellationToken).ConfigureAwait(false);
        if (accepted is not null)
        {
            await TellUserAsync(accepted, Words.Accepted(accepted, options), cancellationToken).ConfigureAwait(false);
        }

        return accepted;
    }

    /// <summary>Staff or user: open → closed, and the user is told the bot is back. Null when it was not open.</summary>
    public async Task<Escalation?> CloseAsync(long id, string actor, CancellationToken cancellationToken)
    {
        var closed = await store.CloseAsync(id, actor, cancellationToken).ConfigureAwait(false);
        if (closed is not null)
        {
            await TellUserAsync(closed, Words.Closed(closed, options), cancellationToken).ConfigureAwait(false);
        }

        return closed;
    }

    /// <summary>
    /// The user takes their concern back (waiting or accepted → closed): the person is told, and the bot answers the
    /// user again. Null when it was not open.
    /// </summary>
    public async Task<Escalation?> WithdrawAsync(long id, CancellationToken cancellationToken)
    {
        var escalation = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (escalation is null)
        {
            return null;
        }

        var closed = await store.CloseAsync(id, EscalationAccess.UserActor(escalation.User), cancellationToken).ConfigureAwait(false);
        if (closed is not null)
        {
            var contact = await ContactAsync(closed.Role, cancellationToken).ConfigureAwait(false);
            await DeliverAsync(closed, contact, Words.Withdrawn(closed), cancellationToken).ConfigureAwait(false);
        }

        return closed;
    }

    /// <summary>
    /// The user's message, stored and passed to the person labelled with who sent it. False only when it reached them
    /// nowhere: saved for a person who has the console is delivered, whether or not their chat could be written to.
    /// </summary>
    public async Task<bool> RelayFromUserAsync(Escalation escalation, string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(escalation);
        await store.AddMessageAsync(escalation.Id, MessageSender.User, EscalationAccess.UserActor(escalation.User), text, cancellationToken).ConfigureAwait(false);
        var contact = await ContactAsync(escalation.Role, cancellationToken).ConfigureAwait(false);
        var chat = await DeliverAsync(escalation, contact, Words.FromUser(escalation, text), cancellationToken).ConfigureAwait(false);
        return chat || options.Person(escalation.Role).HasConsole;
    }

    /// <summary>The person's reply (from chat or the console), stored and passed to the user labelled with who wrote it.</summary>
    public async Task<bool> SendFromStaffAsync(Escalation escalation, string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(escalation);
        await store.AddMessageAsync(escalation.Id, MessageSender.Staff, EscalationAccess.StaffActor(escalation.Role), text, cancellationToken).ConfigureAwait(false);
        return await DeliverAsync(escalation, escalation.UserReference, Words.FromStaff(escalation, options, text), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A message of the bot's own (the weekly insights digest) to the Manager or the Chair, in the chat where they are
    /// told of concerns. False when they have no chat the bot can reach yet, or the channel refused it; the reason is
    /// logged by kind, never with the text.
    /// </summary>
    public async Task<bool> TellStaffAsync(EscalationRole role, string text, CancellationToken cancellationToken)
    {
        try
        {
            var contact = await ContactAsync(role, cancellationToken).ConfigureAwait(false) ?? throw new EscalationDeliveryException("no-chat-yet");
            await messenger.SendAsync(contact, [MessageFactory.Text(text)], cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            StaffMessageFailed(logger, role, ex is EscalationDeliveryException delivery ? delivery.Kind : ex.GetType().Name);
            return false;
        }
    }

    /// <summary>
    /// One pass of the background work: waiting escalations past their deadline time out (the user is told, with the
    /// preschool's contacts), and notifications due for another attempt are retried.
    /// </summary>
    public async Task ProcessDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var timedOut in await store.TimeOutAsync(now, cancellationToken).ConfigureAwait(false))
        {
            TimedOut(logger, timedOut.Id);
            await TellUserAsync(timedOut, Words.TimedOut(timedOut, options, policy), cancellationToken).ConfigureAwait(false);
            var contact = await ContactAsync(timedOut.Role, cancellationToken).ConfigureAwait(false);
            await DeliverAsync(timedOut, contact, Words.TimedOutForStaff(timedOut), cancellationToken).ConfigureAwait(false);
        }

        foreach (var due in await store.DueNotificationsAsync(now, cancellationToken).ConfigureAwait(false))
        {
            await RetryAsync(due, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Retries at once the chat notifications still pending for <paramref name="role"/>: called when that person writes
    /// to the bot, since their chat has only just become reachable.
    /// </summary>
    public async Task RetryChatNowAsync(EscalationRole role, CancellationToken cancellationToken)
    {
        foreach (var escalation in await store.ListAsync(new EscalationFilter(role, Statuses: [EscalationStatus.Waiting]), cancellationToken).ConfigureAwait(false))
        {
            var notifications = await store.GetNotificationsAsync(escalation.Id, cancellationToken).ConfigureAwait(false);
            if (notifications.FirstOrDefault(n => n.Channel == NotificationChannel.Chat) is { State: NotificationState.Pending } pending)
            {
                await RetryAsync(pending, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task RetryAsync(EscalationNotification notification, CancellationToken cancellationToken)
    {
        var escalation = await store.GetAsync(notification.EscalationId, cancellationToken).ConfigureAwait(false);
        if (escalation is not { Status: EscalationStatus.Waiting })
        {
            // Accepted, closed or timed out meanwhile: the person no longer needs telling.
            await store.SaveNotificationAsync(notification with { State = NotificationState.Failed, NextAttempt = null, LastError = "not-waiting" }, cancellationToken)
                .ConfigureAwait(false);
            return;
        }

        await AttemptAsync(escalation, notification.Channel, notification.Attempts, tellUserOnGivingUp: true, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> AttemptAsync(
        Escalation escalation, NotificationChannel channel, int previousAttempts, bool tellUserOnGivingUp, CancellationToken cancellationToken)
    {
        var attempts = previousAttempts + 1;
        var person = options.Person(escalation.Role);
        string? error = null;
        try
        {
            if (channel == NotificationChannel.Chat)
            {
                var contact = await ContactAsync(escalation.Role, cancellationToken).ConfigureAwait(false)
                    ?? throw new EscalationDeliveryException("no-chat-yet");
                await messenger.SendAsync(contact, [MessageFactory.Text(Words.NewForStaff(escalation, time))], cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await mailer.SendAsync(person.Email!, Words.EmailSubject(escalation), Words.EmailBody(escalation, person, options), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            error = ex is EscalationDeliveryException delivery ? delivery.Kind : ex.GetType().Name;
        }

        var actor = "bot";
        var kind = channel.ToString().ToLowerInvariant();
        if (error is null)
        {
            await store.SaveNotificationAsync(new EscalationNotification(escalation.Id, channel, NotificationState.Sent, attempts, null, null), cancellationToken)
                .ConfigureAwait(false);
            await store.AuditAsync(escalation.Id, actor, $"{AuditActions.Notified}:{kind}", cancellationToken).ConfigureAwait(false);
            return true;
        }

        NotifyFailed(logger, escalation.Id, kind, attempts, error);
        await store.AuditAsync(escalation.Id, actor, $"{AuditActions.NotifyFailed}:{kind}", cancellationToken).ConfigureAwait(false);
        if (attempts >= options.NotifyAttempts)
        {
            await store.SaveNotificationAsync(new EscalationNotification(escalation.Id, channel, NotificationState.Failed, attempts, null, error), cancellationToken)
                .ConfigureAwait(false);
            await store.AuditAsync(escalation.Id, actor, $"{AuditActions.NotifyGaveUp}:{kind}", cancellationToken).ConfigureAwait(false);
            if (tellUserOnGivingUp && !person.HasConsole)
            {
                await TellUserAsync(escalation, Words.CouldNotNotify(escalation, options, policy, channel), cancellationToken).ConfigureAwait(false);
            }

            return false;
        }

        var wait = options.NotifyRetryDelay * Math.Pow(2, attempts - 1);
        await store.SaveNotificationAsync(
            new EscalationNotification(escalation.Id, channel, NotificationState.Pending, attempts, time.GetUtcNow() + wait, error), cancellationToken).ConfigureAwait(false);
        return false;
    }

    /// <summary>
    /// Where <paramref name="role"/>'s person is reached: their chat with the bot, as kept the last time they wrote to
    /// it, if it is still the configured identity's (a chat kept for someone no longer in the role is not theirs to
    /// read); otherwise a direct conversation the bot opens for them where the channel can (Slack), kept for next time.
    /// Null when there is neither yet.
    /// </summary>
    private async Task<ConversationReference?> ContactAsync(EscalationRole role, CancellationToken cancellationToken)
    {
        if (options.Person(role).Chat is not { } chat)
        {
            return null;
        }

        var contact = await store.GetContactAsync(role, cancellationToken).ConfigureAwait(false);
        if (contact is not null && PartyId.From(contact) == chat)
        {
            return contact;
        }

        var opened = await messenger.OpenDirectAsync(chat, cancellationToken).ConfigureAwait(false);
        if (opened is not null)
        {
            await store.SetContactAsync(role, opened, cancellationToken).ConfigureAwait(false);
            await store.AuditAsync(null, "bot", AuditActions.ChatOpened + ":" + EscalationAccess.StaffActor(role), cancellationToken).ConfigureAwait(false);
        }

        return opened;
    }

    private Task<bool> TellUserAsync(Escalation escalation, string text, CancellationToken cancellationToken) =>
        DeliverAsync(escalation, escalation.UserReference, text, cancellationToken);

    private async Task<bool> DeliverAsync(Escalation escalation, ConversationReference? reference, string text, CancellationToken cancellationToken)
    {
        try
        {
            if (reference is null)
            {
                throw new EscalationDeliveryException("no-chat-yet");
            }

            await messenger.SendAsync(reference, [MessageFactory.Text(text)], cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var kind = ex is EscalationDeliveryException delivery ? delivery.Kind : ex.GetType().Name;
            DeliveryFailed(logger, escalation.Id, kind);
            await store.AuditAsync(escalation.Id, "bot", AuditActions.RelayFailed, cancellationToken).ConfigureAwait(false);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Escalation {Id} raised for the {Role} ({Source})")]
    private static partial void Raised(ILogger logger, long id, EscalationRole role, string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "Escalation {Id} timed out")]
    private static partial void TimedOut(ILogger logger, long id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Escalation {Id}: {Channel} notification attempt {Attempt} failed ({Error})")]
    private static partial void NotifyFailed(ILogger logger, long id, string channel, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A message for the {Role} could not be delivered ({Error})")]
    private static partial void StaffMessageFailed(ILogger logger, EscalationRole role, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Escalation {Id}: a message could not be delivered ({Error})")]
    private static partial void DeliveryFailed(ILogger logger, long id, string error);

    /// <summary>What the escalation says to users and staff; kept together so the voice stays the same.</summary>
    internal static class Words
    {
        public static string Number(Escalation e) => "#" + e.Id.ToString(CultureInfo.InvariantCulture);

        public static string UserName(Escalation e) =>
            e.IsAnonymous ? "someone who asked not to be named" : string.IsNullOrWhiteSpace(e.UserName) ? "the person who raised it" : e.UserName;

        public static string NewForStaff(Escalation e, TimeProvider time) =>
            $"New concern {Number(e)} from {UserName(e)} ({Source(e.Source)}):\n\n> {e.Summary.Replace("\n", "\n> ", StringComparison.Ordinal)}\n\n" +
            (e.Rerouted ? $"It came to you because it is about the {EscalationPerson.RoleTitle(e.RequestedRole)}. " : string.Empty) +
            $"Say \"accept {e.Id.ToString(CultureInfo.InvariantCulture)}\" to take it, or \"escalations\" to see everything waiting for you.";

        public static string Accepted(Escalation e, EscalationOptions options) =>
            $"{Capital(options.Person(e.Role).Title)} has picked up your concern ({Number(e)}) and will reply here. " +
            "Until they close it, what you write goes to them, not to me.";

        public static string Closed(Escalation e, EscalationOptions options) =>
            $"{Capital(options.Person(e.Role).Title)} has closed the conversation about your concern ({Number(e)}). " +
            "I'm back: ask me anything about the policy, or say \"talk to the Manager or Chair\" to raise something new.";

        public static string FromUser(Escalation e, string text) => $"From {UserName(e)} (via PolicyBot, {Number(e)}): {text}";

        public static string FromStaff(Escalation e, EscalationOptions options, string text) =>
            $"From {options.Person(e.Role).Title}: {text}";

        public static string TimedOut(Escalation e, EscalationOptions options, PolicyMetadata policy) =>
            $"Sorry: nobody has been able to pick up your concern ({Number(e)}) in time, so I've closed it. " +
            $"Please contact {options.Person(e.Role).Title} through the preschool{Contacts(policy)}.";

        public static string TimedOutForStaff(Escalation e) =>
            $"{Number(e)} from {UserName(e)} timed out before anyone accepted it. I've given them the preschool's contacts.";

        public static string Withdrawn(Escalation e) => $"{UserName(e)} has withdrawn {Number(e)}. It's closed; nothing more will reach you about it.";

        public static string CouldNotNotify(Escalation e, EscalationOptions options, PolicyMetadata policy, NotificationChannel channel) =>
            $"I'm sorry: I still couldn't reach {options.Person(e.Role).Title} {(channel == NotificationChannel.Chat ? "in their chat with me" : "by email")} " +
            $"about your concern ({Number(e)}). It's still waiting for them, but please also contact the preschool{Contacts(policy)}.";

        public static string EmailSubject(Escalation e) => $"PolicyBot: a concern is waiting for you ({Number(e)})";

        public static string EmailBody(Escalation e, EscalationPerson person, EscalationOptions options) =>
            $"Hello {person.DisplayName},\n\nSomeone has raised a concern with you through PolicyBot ({Number(e)}). To keep it private, " +
            "its details are only in your chat with the bot: open it and say \"escalations\".\n\n" +
            $"If nobody accepts it, it will time out at {options.Hours.DescribeOpening(e.Deadline)} ({e.Deadline.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC).\n";

        public static string Contacts(PolicyMetadata policy)
        {
            var parts = new List<string>();
            if (policy.ContactEmail is { } email)
            {
                parts.Add($"email {email}");
            }

            if (policy.ContactPhone is { } phone)
            {
                parts.Add($"phone {phone}");
            }

            return parts.Count == 0 ? string.Empty : ": " + string.Join(" or ", parts);
        }

        public static string Source(string source) => source switch
        {
            "question" => "a question the policy doesn't answer",
            "draft" => "a draft post the bot said not to post",
            _ => "a concern",
        };

        public static string Capital(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
    }
}
