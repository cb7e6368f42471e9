using WWPS.PolicyBot.Cognitive;
using WWPS.PolicyBot.Replies;
using WWPS.PolicyBot.Dialogs.Engine;
using WWPS.PolicyBot.Dialogs.Escalations;
using WWPS.PolicyBot.Dialogs.Insights;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Dialogs.PolicyBot;

/// <summary>
/// The bot's route table: everything it does, in the order it is tried. Before a route is chosen each message is
/// read once (<see cref="Recognizer"/>) and, with escalations on, who is writing is found (<see cref="Speaker"/>); the
/// selectors below read only those. Channels (Teams, Web Chat, Slack) all hand their turns to the application this
/// builds; none of it knows which channel it is in.
/// </summary>
public static class PolicyBotApplication
{
    /// <summary>The conversation-state property holding the follow-up memory (the last question and its clauses).</summary>
    internal const string MemoryProperty = "policyBot";

    public static AgentApplication Create(CognitiveServices services, ConversationState conversationState, UserState userState) =>
        Create(services, conversationState, userState, escalations: null);

    /// <param name="escalations">
    /// Private hand-off to the Manager or the Chair; null, or without both people configured, gives contacts instead.
    /// </param>
    public static AgentApplication Create(CognitiveServices services, ConversationState conversationState, UserState userState, EscalationService? escalations) =>
        Create(services, conversationState, userState, escalations, insights: null);

    /// <param name="insights">
    /// What the Manager learns from the questions (recorded as they happen) and her decisions about them (answered by);
    /// null for neither.
    /// </param>
    internal static AgentApplication Create(
        CognitiveServices services, ConversationState conversationState, UserState userState, EscalationService? escalations, InsightsService? insights)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(conversationState);
        var app = new AgentApplication(conversationState, userState);
        var memory = conversationState.CreateProperty(MemoryProperty, PolicyBotJsonContext.Default.ConversationMemory);
        var dialogState = DialogState.CreateProperty(conversationState);
        var main = new MainDialog(services, memory, escalations, insights);
        var enabled = escalations is { Options.IsEnabled: true } ? escalations : null;
        var people = new EscalationRoutes(enabled);

        app.BeforeSelection(async (turnContext, cancellationToken) =>
        {
            if (!turnContext.Activity.IsType(ActivityTypes.Message))
            {
                return;
            }

            // Teams puts "<at>PolicyBot</at>" in group messages; Web Chat's card buttons send their data with no text.
            turnContext.Activity.RemoveRecipientMention();
            CardSubmit.ApplyTo(turnContext.Activity);
            Recognizer.Of(turnContext);
            await people.NoteSpeakerAsync(turnContext, cancellationToken).ConfigureAwait(false);
        });

        // One welcome per join, however many joined at once: a group chat should not get the same greeting five times.
        app.OnMembersAdded(async (turnContext, _, cancellationToken) =>
        {
            await people.NoteArrivalAsync(turnContext, cancellationToken).ConfigureAwait(false);
            await turnContext.SendActivityAsync(MainDialog.Welcome(services), cancellationToken).ConfigureAwait(false);
        });
        app.OnEvent("handoff.status", people.HandleHandoffStatusAsync);
        app.OnMessage(Said(Command.WhoAmI), EscalationRoutes.WhoAmIAsync);

        if (enabled is not null)
        {
            var staff = new StaffRoutes(enabled);
            var concerns = new ConcernRoutes(enabled);

            // The Manager and the Chair. Their lists and replies are for them alone, never in a group chat or channel.
            app.OnMessage(When((s, r) => s is { IsStaff: true, InGroup: true } && (r.Is(Command.List) || r.Escalation is not null)), EscalationRoutes.ConcernsInPrivateAsync);
            app.OnMessage(When((s, r) => s is { IsStaff: true, InGroup: false } && r.Is(Command.List)), staff.ListAsync);
            app.OnMessage(When((s, r) => s is { IsStaff: true, InGroup: false } && r.Escalation is not null), staff.CommandAsync);
            app.OnMessage(When((s, r) => s is { IsStaff: true, Handling.Count: 1 } && r.Text.Length > 0), staff.ReplyToHandledAsync);
            app.OnMessage(When((s, r) => s is { IsStaff: true, Handling.Count: > 1 } && r.Text.Length > 0), StaffRoutes.AskWhichAsync);

            // Someone who raises concerns. In a group chat or channel nothing is relayed, shown or listed.
            app.OnMessage(When((s, r) => s is { IsStaff: false, InGroup: true } && EscalationRoutes.IsStaffOnly(r)), people.DenyAsync);
            app.OnMessage(When((s, r) => s is { IsStaff: false, InGroup: true } && (r.Is(Command.Mine) || r.Escalation is not null)), EscalationRoutes.ConcernsInPrivateAsync);
            app.OnMessage(When((s, r) => s is { IsStaff: false, InGroup: false } && r.Is(Command.Mine)), concerns.ListMineAsync);
            app.OnMessage(When((s, r) => s is { IsStaff: false, InGroup: false } && EscalationRoutes.IsStaffOnly(r)), people.DenyAsync);
            app.OnMessage(When((s, r) => s is { IsStaff: false, InGroup: false } && r.Escalation is not null), concerns.ShowAsync);
            app.OnMessage(When((s, r) => s is { Open: not null } && r.Is(Command.Withdraw)), concerns.WithdrawAsync);

            // While the Manager or the Chair is handling their concern the bot stays quiet: what the user writes goes to that person.
            app.OnMessage(When((s, _) => s is { Open.Status: EscalationStatus.Accepted }), concerns.RelayAsync);
        }

        // Everything else is a conversation with the bot: questions, follow-ups, draft checks, concerns raised, help
        // and cancel (MainDialog decides what a message starts; the dialog waiting for an answer hears it first).
        app.OnMessage((turnContext, cancellationToken) => DialogRunner.RunAsync(main, turnContext, dialogState, cancellationToken));
        return app;
    }

    private static Func<ITurnContext, bool> Said(Command command) => turnContext => Recognizer.Of(turnContext).Is(command);

    /// <summary>A selector over who is writing and what they said; false when escalations are off or the sender has no id.</summary>
    private static Func<ITurnContext, bool> When(Func<Speaker, Recognized, bool> test) =>
        turnContext => Speaker.Find(turnContext) is { } speaker && test(speaker, Recognizer.Of(turnContext));
}
