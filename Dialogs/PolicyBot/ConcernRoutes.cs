using WWPS.PolicyBot.Dialogs.Escalations;
using WWPS.PolicyBot.Protocol;
using static WWPS.PolicyBot.Dialogs.PolicyBot.EscalationRoutes;

namespace WWPS.PolicyBot.Dialogs.PolicyBot;

/// <summary>
/// The routes of someone who has raised concerns, in their one-to-one chat with the bot: "my concerns", "show N" for
/// one of their own, withdrawing an open one, and, while the Manager or the Chair has accepted it, their words relayed
/// to that person instead of answered by the bot. Selected in <see cref="PolicyBotApplication"/>.
/// </summary>
internal sealed class ConcernRoutes(EscalationService service)
{
    public async Task ListMineAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        var party = Speaker.Of(turnContext).Party;
        var mine = await service.Store.ListAsync(new EscalationFilter(User: party), cancellationToken).ConfigureAwait(false);
        await service.Store.AuditAsync(null, EscalationAccess.UserActor(party), AuditActions.Listed, cancellationToken).ConfigureAwait(false);
        await SayAsync(turnContext, mine.Count == 0
            ? "You haven't raised any concerns with me. Say \"talk to the Manager or Chair\" to raise one."
            : "Your concerns:\n\n" + string.Join('\n', mine.Select(e => $"- {Number(e.Id)} to {service.Options.Person(e.Role).Title}: {Status(e)}")), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>"show N" about a concern of their own; any other number is not theirs to read.</summary>
    public async Task ShowAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        var party = Speaker.Of(turnContext).Party;
        var actor = EscalationAccess.UserActor(party);
        var id = Recognizer.Of(turnContext).Escalation!.Id;
        var escalation = await service.Store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (escalation is null || !EscalationAccess.CanRead(escalation, party, service.Options))
        {
            await service.Store.AuditAsync(escalation?.Id, actor, AuditActions.Denied, cancellationToken).ConfigureAwait(false);
            await SayAsync(turnContext, $"You have no concern {Number(id)}. Say \"my concerns\" to see your own.", cancellationToken).ConfigureAwait(false);
            return;
        }

        await service.Store.AuditAsync(id, actor, AuditActions.Viewed, cancellationToken).ConfigureAwait(false);
        await SayAsync(turnContext, await DescribeAsync(service, escalation, forStaff: false, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    public async Task WithdrawAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        var open = Speaker.Of(turnContext).Open!;
        var withdrawn = await service.WithdrawAsync(open.Id, cancellationToken).ConfigureAwait(false);
        await SayAsync(turnContext, withdrawn is null
            ? $"Your concern ({Number(open.Id)}) is already {Status(open)}."
            : $"OK, I've withdrawn your concern ({Number(open.Id)}) and told {service.Options.Person(open.Role).Title}. I'm back: ask me anything about the policy.",
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>While a person handles their concern, what the user writes goes to that person; the bot stays quiet.</summary>
    public async Task RelayAsync(ITurnContext turnContext, CancellationToken cancellationToken)
    {
        var accepted = Speaker.Of(turnContext).Open!;
        var text = Recognizer.Of(turnContext).Text;
        if (text.Length == 0)
        {
            await SayAsync(turnContext, $"I can only pass on words while you're talking with {service.Options.Person(accepted.Role).Title}.", cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!await service.RelayFromUserAsync(accepted, text, cancellationToken).ConfigureAwait(false))
        {
            await SayAsync(turnContext, $"I couldn't pass that to {service.Options.Person(accepted.Role).Title} just now. It's saved, and they'll see it with your concern; " +
                $"if it can't wait, contact the preschool{EscalationService.Words.Contacts(service.Policy)}.", cancellationToken).ConfigureAwait(false);
        }
    }
}
