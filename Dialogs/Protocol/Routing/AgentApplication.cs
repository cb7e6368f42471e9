using System.Text.RegularExpressions;

namespace WWPS.PolicyBot.Protocol;

public delegate Task RouteHandler(ITurnContext turnContext, CancellationToken cancellationToken);

public delegate Task MembersAddedHandler(ITurnContext turnContext, IReadOnlyList<ChannelAccount> membersAdded, CancellationToken cancellationToken);

public delegate Task<InvokeResponse> InvokeHandler(ITurnContext turnContext, CancellationToken cancellationToken);

/// <summary>Lower runs first. Routes of equal rank run in the order they were added.</summary>
public static class RouteRank
{
    public const int First = 0;
    public const int Default = 500;
    public const int Last = 1000;
}

/// <summary>
/// The bot as a table of routes: the first route (by rank, then order added) whose selector matches handles the
/// turn. Conversation and user state are loaded before the handler runs and saved after it returns; a turn that
/// throws saves nothing, so a failure never leaves half-changed state behind. The handler's replies are held until
/// the save succeeded, so nobody is answered for state that was not written.
/// </summary>
public sealed class AgentApplication : IBot
{
    private readonly List<Route> _routes = [];
    private readonly List<RouteHandler> _beforeSelection = [];

    public AgentApplication(ConversationState conversationState, UserState userState)
    {
        ArgumentNullException.ThrowIfNull(conversationState);
        ArgumentNullException.ThrowIfNull(userState);
        ConversationState = conversationState;
        UserState = userState;
    }

    public ConversationState ConversationState { get; }
    public UserState UserState { get; }

    /// <summary>
    /// Work done on every turn before a route is chosen, in the order added. Selectors are synchronous and cheap, so
    /// what they need to know about the turn (a reading of the message, who is writing) is found here once and put in
    /// turn state for them. It runs before conversation state is loaded and must not use it.
    /// </summary>
    public AgentApplication BeforeSelection(RouteHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _beforeSelection.Add(handler);
        return this;
    }

    /// <summary>Messages whose whole text (trimmed) equals <paramref name="text"/>, ignoring case.</summary>
    public AgentApplication OnMessage(string text, RouteHandler handler, int rank = RouteRank.Default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return OnMessage(tc => string.Equals(tc.Activity.Text?.Trim(), text, StringComparison.OrdinalIgnoreCase), handler, rank);
    }

    public AgentApplication OnMessage(Regex pattern, RouteHandler handler, int rank = RouteRank.Default)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return OnMessage(tc => tc.Activity.Text is { } t && pattern.IsMatch(t), handler, rank);
    }

    public AgentApplication OnMessage(Func<ITurnContext, bool> predicate, RouteHandler handler, int rank = RouteRank.Default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return Add(tc => tc.Activity.IsType(ActivityTypes.Message) && predicate(tc), handler, rank, isInvoke: false);
    }

    /// <summary>Every message no earlier route took.</summary>
    public AgentApplication OnMessage(RouteHandler handler) =>
        OnActivity(ActivityTypes.Message, handler, RouteRank.Last);

    /// <summary>
    /// Members other than the bot joined. The bot's own arrival is dropped here because welcoming is for people (§1).
    /// </summary>
    public AgentApplication OnMembersAdded(MembersAddedHandler handler, int rank = RouteRank.Default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add(
            tc => tc.Activity.IsType(ActivityTypes.ConversationUpdate) && OthersAdded(tc.Activity).Count > 0,
            (tc, ct) => handler(tc, OthersAdded(tc.Activity), ct),
            rank,
            isInvoke: false);
    }

    public AgentApplication OnEvent(string name, RouteHandler handler, int rank = RouteRank.Default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return Add(tc => tc.Activity.IsType(ActivityTypes.Event) && string.Equals(tc.Activity.Name, name, StringComparison.Ordinal), handler, rank, isInvoke: false);
    }

    /// <summary>An invoke by name; the handler's response goes back in the HTTP body (§2).</summary>
    public AgentApplication OnInvoke(string name, InvokeHandler handler, int rank = RouteRank.Default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(handler);
        return Add(
            tc => tc.Activity.IsType(ActivityTypes.Invoke) && string.Equals(tc.Activity.Name, name, StringComparison.Ordinal),
            async (tc, ct) => tc.TurnState.Set(BotAdapter.InvokeResponseKey, await handler(tc, ct).ConfigureAwait(false)),
            rank,
            isInvoke: true);
    }

    public AgentApplication OnActivity(string type, RouteHandler handler, int rank = RouteRank.Default)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        return Add(tc => tc.Activity.IsType(type), handler, rank, isInvoke: type == ActivityTypes.Invoke);
    }

    public AgentApplication OnActivity(Func<ITurnContext, bool> selector, RouteHandler handler, int rank = RouteRank.Default)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return Add(selector, handler, rank, isInvoke: false);
    }

    public async Task OnTurnAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        foreach (var handler in _beforeSelection)
        {
            await handler(turnContext, cancellationToken).ConfigureAwait(false);
        }

        var route = SelectRoute(turnContext);
        if (route is null)
        {
            return;
        }

        // Conversation state is read up front (every turn needs the dialog stack); user state only when a property of
        // it is first used (StateProperty loads it), which saves a read on every turn that does not touch it.
        await ConversationState.LoadAsync(turnContext, cancellationToken: cancellationToken).ConfigureAwait(false);

        // Replies wait until the state they follow from is saved: on a full disk the answer must not go out beside
        // the apology, and a user told "sent" must find it so. Invoke responses leave after the turn anyway.
        turnContext.HoldReplies();
        try
        {
            await route.Handler(turnContext, cancellationToken).ConfigureAwait(false);

            await ConversationState.SaveChangesAsync(turnContext, cancellationToken: cancellationToken).ConfigureAwait(false);
            await UserState.SaveChangesAsync(turnContext, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            turnContext.DropHeldReplies();
            turnContext.TurnState.Remove(BotAdapter.InvokeResponseKey);
            throw;
        }

        await turnContext.ReleaseRepliesAsync(cancellationToken).ConfigureAwait(false);
    }

    private Route? SelectRoute(ITurnContext turnContext)
    {
        // Invoke routes go first: the channel is waiting on the HTTP response for them.
        Route? best = null;
        foreach (var route in _routes)
        {
            if (best is not null && Compare(route, best) >= 0)
            {
                continue;
            }

            if (route.Selector(turnContext))
            {
                best = route;
            }
        }

        return best;
    }

    private static int Compare(Route a, Route b)
    {
        if (a.IsInvoke != b.IsInvoke)
        {
            return a.IsInvoke ? -1 : 1;
        }

        return a.Rank != b.Rank ? a.Rank.CompareTo(b.Rank) : a.Order.CompareTo(b.Order);
    }

    private AgentApplication Add(Func<ITurnContext, bool> selector, RouteHandler handler, int rank, bool isInvoke)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _routes.Add(new Route(selector, handler, rank, isInvoke, _routes.Count));
        return this;
    }

    private static List<ChannelAccount> OthersAdded(Activity activity) =>
        activity.MembersAdded is null
            ? []
            : [.. activity.MembersAdded.Where(m => !string.Equals(m.Id, activity.Recipient?.Id, StringComparison.Ordinal))];

    private sealed record Route(Func<ITurnContext, bool> Selector, RouteHandler Handler, int Rank, bool IsInvoke, int Order);
}
