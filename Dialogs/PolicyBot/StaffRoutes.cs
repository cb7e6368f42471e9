using WWPS.PolicyBot.Dialogs.Escalations;
using WWPS.PolicyBot.Protocol;
using static WWPS.PolicyBot.Dialogs.PolicyBot.EscalationRoutes;

namespace WWPS.PolicyBot.Dialogs.PolicyBot;

/// <summary>
/// The Manager's and the Chair's routes in their one-to-one chat with the bot: the list of escalations waiting,
/// "show / accept / reply / close N", and plain words as a reply to the one conversation they are handling.
/// Selected in <see cref="PolicyBotApplication"/>; each reads the turn's <see cref="Speaker"/> and <see cref="Recognized"/>.
/// </summary>
internal sealed class StaffRoutes(EscalationService service)
{
    /// <summary>"escalations", "list": what is waiting for them, newest last.</summary>
    public async Task ListAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        var role = Speaker.Of(turnContext).Role!.Value;
        var actor = EscalationAccess.StaffActor(role);
        await service.Store.AuditAsync(null, actor, AuditActions.Listed, cancellationToken).ConfigureAwait(false);
        var open = await service.Store.ListAsync(new EscalationFilter(role, Statuses: EscalationFilter.Open), cancellationToken).ConfigureAwait(false);
        await SayAsync(turnContext, open.Count == 0
            ? "Nothing is waiting for you."
            : "Your escalations:\n\n" + string.Join('\n', open.Reverse().Select(e => $"- {Number(e.Id)} {Status(e)} from {EscalationService.Words.UserName(e)}: {Short(e.Summary)}")) +
              "\n\nSay \"show N\" to read one, \"accept N\" to take it, \"reply N your message\" and \"close N\" when done.", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>"show N", "accept N", "close N", "reply N your message", for an escalation that is theirs to handle.</summary>
    public async Task CommandAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        var actor = EscalationAccess.StaffActor(Speaker.Of(turnContext).Role!.Value);
        var command = Recognizer.Of(turnContext).Escalation!;
        var id = command.Id;
        var escalation = await service.Store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (escalation is null || !EscalationAccess.CanHandle(escalation, PartyId.From(turnContext.Activity), service.Options))
        {
            await service.Store.AuditAsync(escalation?.Id, actor, AuditActions.Denied, cancellationToken).ConfigureAwait(false);
            await SayAsync(turnContext, $"There is no escalation {Number(id)} for you.", cancellationToken).ConfigureAwait(false);
            return;
        }

        switch (command.Verb)
        {
            case "show" or "read" or "open":
                await service.Store.AuditAsync(id, actor, AuditActions.Viewed, cancellationToken).ConfigureAwait(false);
                await SayAsync(turnContext, await DescribeAsync(service, escalation, forStaff: true, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                return;
            case "accept":
                var accepted = await service.AcceptAsync(id, actor, cancellationToken).ConfigureAwait(false);
                await SayAsync(turnContext, accepted is null
                    ? $"{Number(id)} is {Status(escalation)}, so it can't be accepted."
                    : $"You've accepted {Number(id)} from {EscalationService.Words.UserName(accepted)}:\n\n> {accepted.Summary}\n\n" +
                      $"What you write now goes to them (or say \"reply {id} …\" when you have more than one). Say \"close {id}\" when you're done.",
                    cancellationToken).ConfigureAwait(false);
                return;
            case "close":
                var closed = await service.CloseAsync(id, actor, cancellationToken).ConfigureAwait(false);
                await SayAsync(turnContext, closed is null ? $"{Number(id)} is already {Status(escalation)}." : $"Closed {Number(id)}. I've told them.", cancellationToken)
                    .ConfigureAwait(false);
                return;
            default:
                await ReplyAsync(turnContext, escalation, command.Text, cancellationToken).ConfigureAwait(false);
                return;
        }
    }

    /// <summary>Plain words while they handle exactly one accepted escalation: a reply to it.</summary>
    public Task ReplyToHandledAsync(ITurnContext turnContext, CancellationToken cancellationToken) =>
        ReplyAsync(turnContext, Speaker.Of(turnContext).Handling[0], Recognizer.Of(turnContext).Text, cancellationToken);

    /// <summary>Plain words while they handle more than one: which is it for?</summary>
    public static Task AskWhichAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        var active = Speaker.Of(turnContext).Handling;
        return SayAsync(turnContext, $"You have {active.Count} conversations open ({string.Join(", ", active.Reverse().Select(e => Number(e.Id)))}): " +
            "say \"reply N your message\" so I know which one it's for.", cancellationToken);
    }

    private async Task ReplyAsync(ITurnContext turnContext, Escalation escalation, string text, CancellationToken cancellationToken)
    {
        if (escalation.Status != EscalationStatus.Accepted)
        {
            await SayAsync(turnContext, escalation.Status == EscalationStatus.Waiting
                ? $"Accept {Number(escalation.Id)} first (\"accept {escalation.Id}\"); then your replies go to them."
                : $"{Number(escalation.Id)} is {Status(escalation)}; your reply was not sent.", cancellationToken).ConfigureAwait(false);
            return;
        }

        if (text.Length == 0)
        {
            await SayAsync(turnContext, $"Say \"reply {escalation.Id} your message\".", cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!await service.SendFromStaffAsync(escalation, text, cancellationToken).ConfigureAwait(false))
        {
            await SayAsync(turnContext, $"I couldn't deliver that to {EscalationService.Words.UserName(escalation)} just now (they may have closed their chat). " +
                "It's saved with the escalation; try again later, or contact them through the preschool.", cancellationToken).ConfigureAwait(false);
        }

        // Delivered: nothing to add, as in any chat.
    }
}
