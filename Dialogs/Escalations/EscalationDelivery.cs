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
