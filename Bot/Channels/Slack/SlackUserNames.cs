using System.Collections.Concurrent;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Slack;

/// <summary>
/// Gives a Slack message the sender's name, as Teams and Web Chat activities carry one: Slack's events hold only the
/// user id, so the name comes from <c>users.info</c>, asked once per person and kept for an hour (at most
/// <see cref="Capacity"/> people). The escalation console and the Manager's notifications then say who raised a concern.
/// A lookup that fails leaves the message nameless; it never stops the turn.
/// </summary>
internal sealed class SlackUserNames(SlackWebApi api, TimeProvider time) : Protocol.IMiddleware
{
    private const int Capacity = 2_000;
    private static readonly TimeSpan Keep = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, (string? Name, DateTimeOffset Until)> _known = new(StringComparer.Ordinal);

    public async Task OnTurnAsync(ITurnContext turnContext, NextDelegate next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        ArgumentNullException.ThrowIfNull(next);
        var activity = turnContext.Activity;
        if (activity.IsType(ActivityTypes.Message) && activity.From is { Id: { Length: > 0 } id, Name: null or "" } sender)
        {
            if (await NameOfAsync(id, cancellationToken).ConfigureAwait(false) is { } name)
            {
                activity.From = sender with { Name = name.Length > 64 ? name[..64] : name };
            }
        }

        await next(cancellationToken).ConfigureAwait(false);
    }

    private async Task<string?> NameOfAsync(string userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_known.TryGetValue(userId, out var known) && known.Until > now)
        {
            return known.Name;
        }

        var result = await api.GetUserNameAsync(userId, cancellationToken).ConfigureAwait(false);
        if (_known.Count >= Capacity)
        {
            _known.Clear();
        }

        // A failure is remembered for a few minutes only, so a missing scope or an outage is not asked about on every message.
        _known[userId] = (result.Ts, now + (result.Ok ? Keep : TimeSpan.FromMinutes(5)));
        return result.Ts;
    }
}
