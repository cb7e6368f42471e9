using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using WWPS.PolicyBot.Dialogs.Escalations;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Dialogs.PolicyBot;

/// <summary>
/// What happens to a message before the dialogs see it: "whoami" for anyone; the Manager's and Chair's commands
/// (list, show, accept, reply, close) and their replies; and a user's messages while their escalation is accepted,
/// which are relayed and not answered by the bot. Anything else goes on to the dialogs.
/// </summary>
internal sealed partial class EscalationRoutes(EscalationService? service)
{
    /// <summary>True when the turn was handled here and the dialogs must not run.</summary>
    public async Task<bool> TryHandleAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        var activity = turnContext.Activity;
        var recognized = Recognizer.Of(turnContext);
        var text = recognized.Text;
        var party = PartyId.From(activity);
        var role = await NoteStaffAsync(turnContext, cancellationToken).ConfigureAwait(false);
        if (recognized.Is(Command.WhoAmI))
        {
            await turnContext.SendActivityAsync(WhoAmI(activity), cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }

        if (service is not { Options.IsEnabled: true } || party is null)
        {
            return false;
        }

        if (role is not null)
        {
            if (activity.Conversation?.IsGroup == true)
            {
                // Summaries and replies are for the staff member alone: in a group chat or channel, say where to go
                // instead of answering a command others would read.
                if (recognized.Is(Command.List) || recognized.Escalation is not null)
                {
                    await SayAsync(turnContext, BotText.ConcernsInPrivate, cancellationToken).ConfigureAwait(false);
                    return true;
                }

                return false;
            }

            return await HandleStaffAsync(turnContext, role.Value, recognized, cancellationToken).ConfigureAwait(false);
        }

        if (activity.Conversation?.IsGroup == true)
        {
            // A user's concern is private too: in a group chat or channel nothing is relayed, shown or listed, and
            // that conversation never becomes where news of their concern goes.
            if (IsStaffOnly(recognized))
            {
                await DenyAsync(turnContext, EscalationAccess.UserActor(party), cancellationToken).ConfigureAwait(false);
                return true;
            }

            if (recognized.Is(Command.Mine) || recognized.Escalation is not null)
            {
                await SayAsync(turnContext, BotText.ConcernsInPrivate, cancellationToken).ConfigureAwait(false);
                return true;
            }

            return false;
        }

        return await HandleUserAsync(turnContext, party, recognized, cancellationToken).ConfigureAwait(false);
    }

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
    public async Task<EscalationRole?> NoteStaffAsync(ITurnContext turnContext, CancellationToken cancellationToken)
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
    public async Task<Escalation?> FollowUserAsync(ITurnContext turnContext, PartyId party, CancellationToken cancellationToken)
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

    private async Task<bool> HandleStaffAsync(ITurnContext turnContext, EscalationRole role, Recognized recognized, CancellationToken cancellationToken)
    {
        var text = recognized.Text;
        var svc = service!;
        var actor = EscalationAccess.StaffActor(role);

        if (recognized.Is(Command.List))
        {
            await svc.Store.AuditAsync(null, actor, AuditActions.Listed, cancellationToken).ConfigureAwait(false);
            var open = await svc.Store.ListAsync(new EscalationFilter(role, Statuses: EscalationFilter.Open), cancellationToken).ConfigureAwait(false);
            await SayAsync(turnContext, open.Count == 0
                ? "Nothing is waiting for you."
                : "Your escalations:\n\n" + string.Join('\n', open.Reverse().Select(e => $"- {Number(e.Id)} {Status(e)} from {EscalationService.Words.UserName(e)}: {Short(e.Summary)}")) +
                  "\n\nSay \"show N\" to read one, \"accept N\" to take it, \"reply N your message\" and \"close N\" when done.", cancellationToken).ConfigureAwait(false);
            return true;
        }

        if (recognized.Escalation is { } command)
        {
            var verb = command.Verb;
            var id = command.Id;
            var escalation = await svc.Store.GetAsync(id, cancellationToken).ConfigureAwait(false);
            if (escalation is null || !EscalationAccess.CanHandle(escalation, PartyId.From(turnContext.Activity), svc.Options))
            {
                await svc.Store.AuditAsync(escalation?.Id, actor, AuditActions.Denied, cancellationToken).ConfigureAwait(false);
                await SayAsync(turnContext, $"There is no escalation {Number(id)} for you.", cancellationToken).ConfigureAwait(false);
                return true;
            }

            switch (verb)
            {
                case "show" or "read" or "open":
                    await svc.Store.AuditAsync(id, actor, AuditActions.Viewed, cancellationToken).ConfigureAwait(false);
                    await SayAsync(turnContext, await DescribeAsync(escalation, forStaff: true, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                    return true;
                case "accept":
                    var accepted = await svc.AcceptAsync(id, actor, cancellationToken).ConfigureAwait(false);
                    await SayAsync(turnContext, accepted is null
                        ? $"{Number(id)} is {Status(escalation)}, so it can't be accepted."
                        : $"You've accepted {Number(id)} from {EscalationService.Words.UserName(accepted)}:\n\n> {accepted.Summary}\n\n" +
                          $"What you write now goes to them (or say \"reply {id} …\" when you have more than one). Say \"close {id}\" when you're done.",
                        cancellationToken).ConfigureAwait(false);
                    return true;
                case "close":
                    var closed = await svc.CloseAsync(id, actor, cancellationToken).ConfigureAwait(false);
                    await SayAsync(turnContext, closed is null ? $"{Number(id)} is already {Status(escalation)}." : $"Closed {Number(id)}. I've told them.", cancellationToken)
                        .ConfigureAwait(false);
                    return true;
                default:
                    return await ReplyAsync(turnContext, escalation, command.Text, cancellationToken).ConfigureAwait(false);
            }
        }

        // Plain words while they handle exactly one accepted escalation: a reply to it.
        var active = await svc.Store.ListAsync(new EscalationFilter(role, Statuses: [EscalationStatus.Accepted]), cancellationToken).ConfigureAwait(false);
        if (active.Count == 1 && text.Length > 0)
        {
            return await ReplyAsync(turnContext, active[0], text, cancellationToken).ConfigureAwait(false);
        }

        if (active.Count > 1 && text.Length > 0)
        {
            await SayAsync(turnContext, $"You have {active.Count} conversations open ({string.Join(", ", active.Reverse().Select(e => Number(e.Id)))}): " +
                "say \"reply N your message\" so I know which one it's for.", cancellationToken).ConfigureAwait(false);
            return true;
        }

        return false;
    }

    private async Task<bool> ReplyAsync(ITurnContext turnContext, Escalation escalation, string text, CancellationToken cancellationToken)
    {
        if (escalation.Status != EscalationStatus.Accepted)
        {
            await SayAsync(turnContext, escalation.Status == EscalationStatus.Waiting
                ? $"Accept {Number(escalation.Id)} first (\"accept {escalation.Id}\"); then your replies go to them."
                : $"{Number(escalation.Id)} is {Status(escalation)}; your reply was not sent.", cancellationToken).ConfigureAwait(false);
            return true;
        }

        if (text.Length == 0)
        {
            await SayAsync(turnContext, $"Say \"reply {escalation.Id} your message\".", cancellationToken).ConfigureAwait(false);
            return true;
        }

        if (!await service!.SendFromStaffAsync(escalation, text, cancellationToken).ConfigureAwait(false))
        {
            await SayAsync(turnContext, $"I couldn't deliver that to {EscalationService.Words.UserName(escalation)} just now (they may have closed their chat). " +
                "It's saved with the escalation; try again later, or contact them through the preschool.", cancellationToken).ConfigureAwait(false);
        }

        // Delivered: nothing to add, as in any chat.
        return true;
    }

    private async Task<bool> HandleUserAsync(ITurnContext turnContext, PartyId party, Recognized recognized, CancellationToken cancellationToken)
    {
        var text = recognized.Text;
        var svc = service!;
        var actor = EscalationAccess.UserActor(party);
        var open = await FollowUserAsync(turnContext, party, cancellationToken).ConfigureAwait(false);
        if (recognized.Is(Command.Mine))
        {
            var mine = await svc.Store.ListAsync(new EscalationFilter(User: party), cancellationToken).ConfigureAwait(false);
            await svc.Store.AuditAsync(null, actor, AuditActions.Listed, cancellationToken).ConfigureAwait(false);
            await SayAsync(turnContext, mine.Count == 0
                ? "You haven't raised any concerns with me. Say \"talk to the Manager or Chair\" to raise one."
                : "Your concerns:\n\n" + string.Join('\n', mine.Select(e => $"- {Number(e.Id)} to {svc.Options.Person(e.Role).Title}: {Status(e)}")), cancellationToken)
                .ConfigureAwait(false);
            return true;
        }

        if (IsStaffOnly(recognized))
        {
            await DenyAsync(turnContext, actor, cancellationToken).ConfigureAwait(false);
            return true;
        }

        if (recognized.Escalation is { } show)
        {
            var id = show.Id;
            var escalation = await svc.Store.GetAsync(id, cancellationToken).ConfigureAwait(false);
            if (escalation is null || !EscalationAccess.CanRead(escalation, party, svc.Options))
            {
                await svc.Store.AuditAsync(escalation?.Id, actor, AuditActions.Denied, cancellationToken).ConfigureAwait(false);
                await SayAsync(turnContext, $"You have no concern {Number(id)}. Say \"my concerns\" to see your own.", cancellationToken).ConfigureAwait(false);
                return true;
            }

            await svc.Store.AuditAsync(id, actor, AuditActions.Viewed, cancellationToken).ConfigureAwait(false);
            await SayAsync(turnContext, await DescribeAsync(escalation, forStaff: false, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            return true;
        }

        if (open is not null && recognized.Is(Command.Withdraw))
        {
            var withdrawn = await svc.WithdrawAsync(open.Id, cancellationToken).ConfigureAwait(false);
            await SayAsync(turnContext, withdrawn is null
                ? $"Your concern ({Number(open.Id)}) is already {Status(open)}."
                : $"OK, I've withdrawn your concern ({Number(open.Id)}) and told {svc.Options.Person(open.Role).Title}. I'm back: ask me anything about the policy.",
                cancellationToken).ConfigureAwait(false);
            return true;
        }

        if (open is not { Status: EscalationStatus.Accepted } accepted)
        {
            // None, or waiting: the bot answers as usual meanwhile.
            return false;
        }

        if (text.Length == 0)
        {
            await SayAsync(turnContext, $"I can only pass on words while you're talking with {svc.Options.Person(accepted.Role).Title}.", cancellationToken).ConfigureAwait(false);
            return true;
        }

        if (!await svc.RelayFromUserAsync(accepted, text, cancellationToken).ConfigureAwait(false))
        {
            await SayAsync(turnContext, $"I couldn't pass that to {svc.Options.Person(accepted.Role).Title} just now. It's saved, and they'll see it with your concern; " +
                $"if it can't wait, contact the preschool{EscalationService.Words.Contacts(svc.Policy)}.", cancellationToken).ConfigureAwait(false);
        }

        // The bot stays quiet while a person is handling the concern.
        return true;
    }

    /// <summary>The Manager's and Chair's commands, other than "show N" (which a user may say about their own concern).</summary>
    private static bool IsStaffOnly(Recognized recognized) =>
        recognized.Is(Command.List) || recognized.Escalation is { Verb: not "show" };

    private async Task DenyAsync(ITurnContext turnContext, string actor, CancellationToken cancellationToken)
    {
        await service!.Store.AuditAsync(null, actor, AuditActions.Denied, cancellationToken).ConfigureAwait(false);
        await SayAsync(turnContext, "Only the Manager and the Chair can see and answer escalations. Say \"my concerns\" to see your own.", cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> DescribeAsync(Escalation escalation, bool forStaff, CancellationToken cancellationToken)
    {
        var svc = service!;
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

    private static Task<ResourceResponse> SayAsync(ITurnContext turnContext, string text, CancellationToken cancellationToken) =>
        turnContext.SendActivityAsync(text, cancellationToken: cancellationToken);

    private static string Number(long id) => "#" + id.ToString(CultureInfo.InvariantCulture);

    private static string Status(Escalation e) => EscalationText.Name(e.Status);

    private static string Short(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= 80 ? line : line[..77] + "…";
    }
}
