using WWPS.PolicyBot.Dialogs.Escalations;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Slack;

namespace WWPS.PolicyBot.Escalations;

/// <summary>
/// Which adapter can write into a stored conversation, by the reference's channel id. Each channel registers itself
/// with one line at start-up (Direct Line, the Bot Connector for Teams and the rest, Slack). A channel with no
/// adapter of its own goes through the fallback (the Bot Connector, which reaches any channel by its serviceUrl). A
/// channel that can open a direct conversation with someone who never wrote to the bot (Slack) registers an opener.
/// </summary>
public sealed class ProactiveChannels : IProactiveMessenger
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (BotAdapter Adapter, Func<ConversationReference, CancellationToken, Task<bool>>? Reachable)> _channels = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Func<string, CancellationToken, Task<ConversationReference?>>> _openers = new(StringComparer.OrdinalIgnoreCase);
    private BotAdapter? _fallback;

    /// <param name="reachable">
    /// Whether the conversation can still be written to, for adapters that would otherwise drop a message without
    /// saying (Direct Line conversations end when idle); null means "try".
    /// </param>
    public ProactiveChannels Register(string channelId, BotAdapter adapter, Func<ConversationReference, CancellationToken, Task<bool>>? reachable = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(channelId);
        ArgumentNullException.ThrowIfNull(adapter);
        lock (_gate)
        {
            _channels[channelId] = (adapter, reachable);
        }

        return this;
    }

    /// <summary>
    /// How the channel opens a direct conversation with a user id that has never written to the bot (Slack:
    /// <c>conversations.open</c>); null from <paramref name="open"/> when it could not.
    /// </summary>
    public ProactiveChannels RegisterOpener(string channelId, Func<string, CancellationToken, Task<ConversationReference?>> open)
    {
        ArgumentException.ThrowIfNullOrEmpty(channelId);
        ArgumentNullException.ThrowIfNull(open);
        lock (_gate)
        {
            _openers[channelId] = open;
        }

        return this;
    }

    public Task<ConversationReference?> OpenDirectAsync(PartyId person, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(person);
        Func<string, CancellationToken, Task<ConversationReference?>>? open;
        lock (_gate)
        {
            _openers.TryGetValue(person.ChannelId, out open);
        }

        return open is null ? Task.FromResult<ConversationReference?>(null) : open(person.UserId, cancellationToken);
    }

    public ProactiveChannels RegisterFallback(BotAdapter adapter)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        lock (_gate)
        {
            _fallback = adapter;
        }

        return this;
    }

    public async Task SendAsync(ConversationReference reference, IReadOnlyList<Activity> activities, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(activities);
        BotAdapter adapter;
        Func<ConversationReference, CancellationToken, Task<bool>>? reachable = null;
        lock (_gate)
        {
            if (reference.ChannelId is { } channel && _channels.TryGetValue(channel, out var found))
            {
                (adapter, reachable) = found;
            }
            else
            {
                adapter = _fallback ?? throw new EscalationDeliveryException("no-adapter");
            }
        }

        if (reachable is not null && !await reachable(reference, cancellationToken).ConfigureAwait(false))
        {
            throw new EscalationDeliveryException("conversation-ended");
        }

        var failure = (Exception?)null;
        await adapter.ContinueConversationAsync(reference, async (turnContext, ct) =>
        {
            try
            {
                await turnContext.SendActivitiesAsync(activities, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The adapter's turn-error handler would swallow this; the caller must hear of it to retry.
                failure = ex;
            }
        }, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            throw new EscalationDeliveryException(failure switch
            {
                EscalationDeliveryException delivery => delivery.Kind,
                SlackDeliveryException slack => "slack-" + slack.Error,
                _ => failure.GetType().Name,
            });
        }
    }
}
