namespace WWPS.PolicyBot.Protocol;

public delegate Task BotCallbackHandler(ITurnContext turnContext, CancellationToken cancellationToken);

/// <summary>
/// Runs just before activities leave through the adapter; call <paramref name="next"/> to send them. A typing
/// indicator or transcript logger hooks in here.
/// </summary>
public delegate Task<ResourceResponse[]> SendActivitiesHandler(
    ITurnContext turnContext, IReadOnlyList<Activity> activities, Func<Task<ResourceResponse[]>> next, CancellationToken cancellationToken);

/// <summary>The bot's view of one incoming activity and the way to answer it.</summary>
public interface ITurnContext
{
    BotAdapter Adapter { get; }
    Activity Activity { get; }

    /// <summary>True once something other than a typing indicator has been sent this turn.</summary>
    bool Responded { get; }

    TurnStateBag TurnState { get; }

    Task<ResourceResponse> SendActivityAsync(Activity activity, CancellationToken cancellationToken = default);

    Task<ResourceResponse[]> SendActivitiesAsync(IReadOnlyList<Activity> activities, CancellationToken cancellationToken = default);

    /// <summary>Adds a handler that sees every send of this turn, in the order added.</summary>
    ITurnContext OnSendActivities(SendActivitiesHandler handler);

    /// <summary>
    /// From now on replies (not typing indicators) pass the send handlers but wait here instead of leaving, until
    /// <see cref="ReleaseRepliesAsync"/> sends them or <see cref="DropHeldReplies"/> forgets them. The route table
    /// holds a turn's replies until its state is saved, so a user is never answered for a change that was not kept.
    /// </summary>
    void HoldReplies();

    /// <summary>Sends what was held, in order, and stops holding.</summary>
    Task ReleaseRepliesAsync(CancellationToken cancellationToken);

    /// <summary>Forgets what was held and stops holding: later sends (the turn-error apology) leave at once.</summary>
    void DropHeldReplies();
}

public static class TurnContextExtensions
{
    public static Task<ResourceResponse> SendActivityAsync(
        this ITurnContext turnContext, string text, string? inputHint = null, CancellationToken cancellationToken = default) =>
        turnContext.SendActivityAsync(MessageFactory.Text(text, inputHint: inputHint), cancellationToken);
}

internal sealed class TurnContext(BotAdapter adapter, Activity activity) : ITurnContext
{
    private readonly List<SendActivitiesHandler> _onSend = [];

    // expectReplies: the caller reads every reply from the HTTP response, so nothing may be sent on its own.
    private readonly List<Activity>? _buffered =
        activity.DeliveryMode == DeliveryModes.ExpectReplies ? [] : null;

    public BotAdapter Adapter { get; } = adapter;
    public Activity Activity { get; } = activity;
    public bool Responded { get; private set; }
    // Replies waiting for the turn's state to be saved; null when not holding.
    private List<Activity>? _held;

    public TurnStateBag TurnState { get; } = new();
    public IReadOnlyList<Activity>? BufferedReplies => _buffered;

    public async Task<ResourceResponse> SendActivityAsync(Activity activity, CancellationToken cancellationToken = default)
    {
        var responses = await SendActivitiesAsync([activity], cancellationToken).ConfigureAwait(false);
        return responses.Length > 0 ? responses[0] : new ResourceResponse(null);
    }

    public Task<ResourceResponse[]> SendActivitiesAsync(IReadOnlyList<Activity> activities, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(activities);
        if (activities.Count == 0)
        {
            return Task.FromResult(Array.Empty<ResourceResponse>());
        }

        // Copy before addressing: callers (prompts) keep their activities in state, and those must not pick up
        // the user's name and ids.
        var reference = Activity.GetConversationReference();
        var outgoing = activities.Select(a => (a with { }).ApplyConversationReference(reference)).ToArray();
        if (_held is null || outgoing.All(a => a.IsType(ActivityTypes.Typing)))
        {
            return SendNowAsync(outgoing, cancellationToken);
        }

        // Held before the send handlers, so they see the replies when they really leave (Slack's status waits for a
        // post that reached the thread). Typing indicators still go now: they promise nothing, and a slow turn should
        // show it is working. (One may be sent from a timer while the turn runs, so only the turn touches the list.)
        _held.AddRange(outgoing.Where(a => !a.IsType(ActivityTypes.Typing)));
        Responded = true;
        var typing = outgoing.Where(a => a.IsType(ActivityTypes.Typing)).ToArray();
        return typing.Length == 0 ? Task.FromResult(Placeholders(outgoing.Length)) : SendTypingAsync();

        async Task<ResourceResponse[]> SendTypingAsync()
        {
            await SendNowAsync(typing, cancellationToken).ConfigureAwait(false);
            return Placeholders(outgoing.Length);
        }
    }

    public ITurnContext OnSendActivities(SendActivitiesHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _onSend.Add(handler);
        return this;
    }

    public void HoldReplies() => _held ??= [];

    public async Task ReleaseRepliesAsync(CancellationToken cancellationToken)
    {
        var held = _held;
        _held = null;
        if (held is { Count: > 0 })
        {
            await SendNowAsync([.. held], cancellationToken).ConfigureAwait(false);
        }
    }

    public void DropHeldReplies() => _held = null;

    // A held reply has no channel id yet; nothing in the bot edits or deletes its own messages.
    private static ResourceResponse[] Placeholders(int count) => [.. Enumerable.Range(0, count).Select(_ => new ResourceResponse(null))];

    /// <summary>Through the send handlers, then out.</summary>
    private Task<ResourceResponse[]> SendNowAsync(Activity[] outgoing, CancellationToken cancellationToken)
    {
        return RunHandlersAsync(0);

        Task<ResourceResponse[]> RunHandlersAsync(int index) => index < _onSend.Count
            ? _onSend[index](this, outgoing, () => RunHandlersAsync(index + 1), cancellationToken)
            : DeliverAsync(outgoing, cancellationToken);
    }

    private async Task<ResourceResponse[]> DeliverAsync(Activity[] activities, CancellationToken cancellationToken)
    {
        ResourceResponse[] responses;
        if (_buffered is not null)
        {
            _buffered.AddRange(activities);
            responses = Placeholders(activities.Length);
        }
        else
        {
            responses = await Adapter.SendActivitiesAsync(this, activities, cancellationToken).ConfigureAwait(false);
        }

        // A typing indicator is not an answer: prompts decide whether to re-prompt on this flag.
        if (activities.Any(a => !a.IsType(ActivityTypes.Typing)))
        {
            Responded = true;
        }

        return responses;
    }
}
