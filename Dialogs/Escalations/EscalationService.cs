using Microsoft.Extensions.Logging;
using WWPS.PolicyBot.Cognitive.Policy;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Dialogs.Escalations;

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
}
