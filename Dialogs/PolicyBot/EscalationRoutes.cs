using System.Globalization;
using System.Text;
using System.Text.Json;
using WWPS.PolicyBot.Dialogs.Escalations;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Dialogs.PolicyBot;

/// <summary>
/// Who is writing, as escalations see it, found once before a route is chosen (route selectors are synchronous and
/// cannot ask the store): the Manager or the Chair, or a user and their open concern. Absent when escalations are off
/// or the sender has no id.
/// </summary>
/// <param name="Role">The Manager or the Chair; null for everyone else.</param>
/// <param name="InGroup">A group chat or channel, where concerns are never shown, relayed or taken.</param>
/// <param name="Open">A user's open concern, in a one-to-one chat; null otherwise.</param>
/// <param name="Handling">The concerns the Manager or the Chair has accepted, in a one-to-one chat; empty otherwise.</param>
internal sealed record Speaker(PartyId Party, EscalationRole? Role, bool InGroup, Escalation? Open, IReadOnlyList<Escalation> Handling)
{
    public static readonly TurnStateKey<Speaker> Key = new("policyBot.speaker");

    public bool IsStaff => Role is not null;

    public static Speaker? Find(ITurnContext turnContext) => turnContext.TurnState.Get(Key);

    /// <summary>For a route whose selector has found the speaker.</summary>
    public static Speaker Of(ITurnContext turnContext) =>
        Find(turnContext) ?? throw new InvalidOperationException("No speaker for this turn: the route's selector should have required one.");
}

/// <summary>
/// What the escalation routes share: finding the <see cref="Speaker"/> before a route is chosen (and keeping where
/// to reach staff and users with an open concern), "whoami", the hand-off hub's status event, and the replies that
/// refuse (concerns are private; escalations are the staff's). The routes themselves are in
/// <see cref="PolicyBotApplication"/>; the staff's handlers in <see cref="StaffRoutes"/>, users' in <see cref="ConcernRoutes"/>.
/// </summary>
internal sealed class EscalationRoutes(EscalationService? service)
{
    /// <summary>Before a message's route is chosen: who is writing (see <see cref="Speaker"/>).</summary>
    public async Task NoteSpeakerAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        var role = await NoteStaffAsync(turnContext, cancellationToken).ConfigureAwait(false);
        if (service is not { Options.IsEnabled: true } || PartyId.From(turnContext.Activity) is not { } party)
        {
            return;
        }

        var inGroup = turnContext.Activity.Conversation?.IsGroup == true;
        Escalation? open = null;
        IReadOnlyList<Escalation> handling = [];
        if (!inGroup && role is { } staff)
        {
            handling = await service.Store.ListAsync(new EscalationFilter(staff, Statuses: [EscalationStatus.Accepted]), cancellationToken).ConfigureAwait(false);
        }
        else if (!inGroup)
        {
            // A user's concern is private: in a group chat or channel that conversation never becomes where news of it goes.
            open = await FollowUserAsync(turnContext, party, cancellationToken).ConfigureAwait(false);
        }

        turnContext.TurnState.Set(Speaker.Key, new Speaker(party, role, inGroup, open, handling));
    }

    public static Task WhoAmIAsync(ITurnContext turnContext, CancellationToken cancellationToken) =>
        turnContext.SendActivityAsync(WhoAmI(turnContext.Activity), cancellationToken: cancellationToken);

    /// <summary>
    /// Summaries, replies and concerns are for one person: in a group chat or channel, say where to go instead of
    /// answering where others would read it.
    /// </summary>
    public static Task ConcernsInPrivateAsync(ITurnContext turnContext, CancellationToken cancellationToken) =>
        SayAsync(turnContext, BotText.ConcernsInPrivate, cancellationToken);

    /// <summary>A user tried one of the Manager's and Chair's commands.</summary>
    public async Task DenyAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        await service!.Store.AuditAsync(null, EscalationAccess.UserActor(Speaker.Of(turnContext).Party), AuditActions.Denied, cancellationToken).ConfigureAwait(false);
        await SayAsync(turnContext, "Only the Manager and the Chair can see and answer escalations. Say \"my concerns\" to see your own.", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The Manager's and Chair's commands, other than "show N" (which a user may say about their own concern).</summary>
    public static bool IsStaffOnly(Recognized recognized) =>
        recognized.Is(Command.List) || recognized.Escalation is { Verb: not "show" };

    /// <summary>
    /// <c>handoff.status</c> from an agent hub (protocols.md §1.6): accepted, completed (closed) or failed for the
    /// sender's open escalation.
    /// </summary>
    public async Task HandleHandoffStatusAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        // Only with a hub configured (Escalation:HandoffEvents): otherwise anyone who can post an event (Direct Line)
        // could mark their own concern accepted or closed.
        if (service is not { Options.IsEnabled: true, Options.HandoffEvents: true } || PartyId.From(turnContext.Activity) is not { } party)
        {
            return;
        }

        var open = (await service.Store.ListAsync(new EscalationFilter(User: party, Statuses: EscalationFilter.Open), cancellationToken).ConfigureAwait(false)).FirstOrNull();
        var state = turnContext.Activity.Value is { ValueKind: JsonValueKind.Object } value && value.TryGetProperty("state", out var s) && s.ValueKind == JsonValueKind.String
            ? s.GetString()
            : null;
        if (open is null || state is null)
        {
            return;
        }

        switch (state)
        {
            case "accepted":
                await service.AcceptAsync(open.Id, "hub", cancellationToken).ConfigureAwait(false);
                break;
            case "completed":
                await service.CloseAsync(open.Id, "hub", cancellationToken).ConfigureAwait(false);
                break;
            case "failed":
                await service.Store.AuditAsync(open.Id, "hub", "handoff-failed", cancellationToken).ConfigureAwait(false);
                await turnContext.SendActivityAsync(
                    $"The hand-off to a person did not go through. Your concern ({Number(open.Id)}) is still waiting for {service.Options.Person(open.Role).Title}; " +
                    $"if it can't wait, contact the preschool{EscalationService.Words.Contacts(service.Policy)}.",
                    cancellationToken: cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>
    /// When the Manager or the Chair writes to the bot (or opens a chat with it) one to one, that chat is where new
    /// concerns reach them: keep it, and deliver at once anything that could not reach them before. Null for everyone else.
    /// </summary>
    private async Task<EscalationRole?> NoteStaffAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        if (service is not { Options.IsEnabled: true } || service.Options.RoleOf(PartyId.From(turnContext.Activity)) is not { } role)
        {
            return null;
        }

        // Only a one-to-one chat: a channel they mentioned the bot in (Slack, Teams) is read by others, and new
        // concerns' summaries must not be posted there.
        if (turnContext.Activity.Conversation?.IsGroup != true)
        {
            await service.Store.SetContactAsync(role, ProactiveReference(turnContext.Activity), cancellationToken).ConfigureAwait(false);
        }

        await service.RetryChatNowAsync(role, cancellationToken).ConfigureAwait(false);
        return role;
    }

    /// <summary>
    /// A user with an open escalation may be writing from a new conversation (a new Web Chat tab, or after the bot
    /// restarted): news of their concern (accepted, replies, closed) goes there from now on. Returns that escalation.
    /// </summary>
    private async Task<Escalation?> FollowUserAsync(ITurnContext turnContext, PartyId party, CancellationToken cancellationToken)
    {
        var open = (await service!.Store.ListAsync(new EscalationFilter(User: party, Statuses: EscalationFilter.Open), cancellationToken).ConfigureAwait(false))
            .FirstOrNull();
        var reference = ProactiveReference(turnContext.Activity);
        if (open is not null && reference.Conversation?.Id != open.UserReference.Conversation?.Id)
        {
            await service.Store.UpdateUserReferenceAsync(open.Id, reference, cancellationToken).ConfigureAwait(false);
            open = open with { UserReference = reference };
        }

        return open;
    }

    /// <summary>Someone opened a chat with the bot: keep where to reach them if they are staff or have an open escalation.</summary>
    public async Task NoteArrivalAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        if (await NoteStaffAsync(turnContext, cancellationToken).ConfigureAwait(false) is null
            && service is { Options.IsEnabled: true }
            && turnContext.Activity.Conversation?.IsGroup != true
            && PartyId.From(turnContext.Activity) is { } party)
        {
            await FollowUserAsync(turnContext, party, cancellationToken).ConfigureAwait(false);
        }
    }

    internal static async Task<string> DescribeAsync(EscalationService svc, Escalation escalation, bool forStaff, CancellationToken cancellationToken)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{Number(escalation.Id)} to {svc.Options.Person(escalation.Role).Title}, {Status(escalation)}");
        if (forStaff)
        {
            sb.Append(CultureInfo.InvariantCulture, $", from {EscalationService.Words.UserName(escalation)}");
        }

        sb.Append(":\n\n> ").Append(escalation.Summary.Replace("\n", "\n> ", StringComparison.Ordinal));
        foreach (var message in await svc.Store.GetMessagesAsync(escalation.Id, cancellationToken).ConfigureAwait(false))
        {
            var who = message.Sender == MessageSender.User ? (forStaff ? EscalationService.Words.UserName(escalation) : "You") : EscalationService.Words.Capital(svc.Options.Person(escalation.Role).Title);
            sb.Append(CultureInfo.InvariantCulture, $"\n- {who}: {message.Text}");
        }

        return sb.ToString();
    }

    /// <summary>
    /// Where to write later: the conversation, not the message it was taken from. A notification that replied to an
    /// old message would be threaded under it in a Teams channel, out of sight.
    /// </summary>
    internal static ConversationReference ProactiveReference(Activity activity) => activity.GetConversationReference() with { ActivityId = null };

    private static string WhoAmI(Activity activity) =>
        $"Your chat identity here: channel \"{activity.ChannelId}\", user id \"{activity.From?.Id}\". " +
        (activity.ChannelId == Channels.DirectLine
            ? "In the web chat this id is new each time the page opens, so it cannot name the Manager or the Chair: the " +
              "administrator chooses an id for them in the settings (Escalation:Manager:UserId with ChannelId \"directline\"), " +
              "and they open their chat from the escalation console."
            : "To make someone the Manager or the Chair, the administrator puts these in the bot's settings " +
              "(Escalation:Manager:ChannelId and Escalation:Manager:UserId, or the same under Escalation:Chair).");

    internal static Task<ResourceResponse> SayAsync(ITurnContext turnContext, string text, CancellationToken cancellationToken) =>
        turnContext.SendActivityAsync(text, cancellationToken: cancellationToken);

    internal static string Number(long id) => "#" + id.ToString(CultureInfo.InvariantCulture);

    internal static string Status(Escalation e) => EscalationText.Name(e.Status);

    internal static string Short(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= 80 ? line : line[..77] + "…";
    }
}
