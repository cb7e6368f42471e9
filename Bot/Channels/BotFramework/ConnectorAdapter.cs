using WWPS.PolicyBot.Plumbing;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Replies;

namespace WWPS.PolicyBot.BotFramework;

/// <summary>
/// The Bot Connector adapter: a turn's replies leave through the <see cref="ConnectorOutbox"/>. The connector's ids
/// for them are not known when the turn goes on (delivery is in the background), so each send answers with a null
/// id; nothing in the bot updates or deletes its own messages. The connector serves many channels, so each reply is
/// drawn for the one it goes to (<see cref="Render"/>).
/// </summary>
internal sealed class ConnectorAdapter : BotAdapter
{
    // The connector's channels whose clients draw Adaptive Cards; any other (SMS, email, Telegram…) gets the reply's
    // text, which says everything the card does.
    private static readonly HashSet<string> CardChannels = new(StringComparer.OrdinalIgnoreCase)
    {
        Channels.MsTeams, Channels.WebChat, Channels.DirectLine, Channels.Emulator,
    };

    private readonly ConnectorOutbox _outbox;

    public ConnectorAdapter(ConnectorOutbox outbox, TypingMiddleware typing, ILogger<ConnectorAdapter> logger)
        : base(logger)
    {
        _outbox = outbox;
        Use(new LongMessageGuard());
        Use(typing);
    }

    public override Task<ResourceResponse[]> SendActivitiesAsync(ITurnContext turnContext, Activity[] activities, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activities);
        foreach (var activity in activities)
        {
            _outbox.Enqueue(Render(activity));
        }

        return Task.FromResult(activities.Select(_ => new ResourceResponse(null)).ToArray());
    }

    /// <summary>A reply as its channel draws it: a card with its text as summary, or the text alone.</summary>
    public static Activity Render(Activity activity) =>
        CardChannels.Contains(activity.ChannelId ?? string.Empty) ? ReplyRendering.WithCard(activity) : ReplyRendering.AsText(activity);
}

/// <summary>
/// Shows "typing…" when a turn is slow: if nothing has been sent after <see cref="BotFrameworkOptions.TypingDelay"/>,
/// a <c>typing</c> activity goes out first. Quick answers get none (a flash of dots before every reply is noise), and
/// <c>expectReplies</c> callers get none (they read one response body, not a live chat).
/// </summary>
internal sealed class TypingMiddleware(BotFrameworkOptions options, TimeProvider time) : Protocol.IMiddleware
{
    public async Task OnTurnAsync(ITurnContext turnContext, NextDelegate next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        ArgumentNullException.ThrowIfNull(next);
        var activity = turnContext.Activity;
        if (!activity.IsType(ActivityTypes.Message) || activity.DeliveryMode == DeliveryModes.ExpectReplies)
        {
            await next(cancellationToken).ConfigureAwait(false);
            return;
        }

        // One gate orders the indicator and the first real reply: typing must never arrive after the answer.
        using var gate = new SemaphoreSlim(1, 1);
        var answered = false;
        turnContext.OnSendActivities(async (tc, activities, send, ct) =>
        {
            if (answered || activities.All(a => a.IsType(ActivityTypes.Typing)))
            {
                return await send().ConfigureAwait(false);
            }

            await gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                answered = true;
                return await send().ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        });

        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var typing = SendTypingLaterAsync(turnContext, gate, () => answered, done.Token);
        try
        {
            await next(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await done.CancelAsync().ConfigureAwait(false);
            await typing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task SendTypingLaterAsync(ITurnContext turnContext, SemaphoreSlim gate, Func<bool> answered, CancellationToken cancellationToken)
    {
        await Task.Delay(options.TypingDelay, time, cancellationToken).ConfigureAwait(false);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!answered())
            {
                await turnContext.SendActivityAsync(new Activity { Type = ActivityTypes.Typing }, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            gate.Release();
        }
    }
}
