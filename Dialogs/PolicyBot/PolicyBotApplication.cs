using WWPS.PolicyBot.Cognitive;
using WWPS.PolicyBot.Dialogs.Cards;
using WWPS.PolicyBot.Dialogs.Engine;
using WWPS.PolicyBot.Dialogs.Escalations;
using WWPS.PolicyBot.Dialogs.Insights;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Dialogs.PolicyBot;

/// <summary>
/// The bot's routes: greet people who join, and run every message through the main dialog (questions, follow-ups,
/// draft checks, help, cancel). Channels (Teams, Web Chat, Slack) all hand their turns to the application this
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
        var escalationRoutes = new EscalationRoutes(escalations);

        // One welcome per join, however many joined at once: a group chat should not get the same greeting five times.
        app.OnMembersAdded(async (turnContext, _, cancellationToken) =>
        {
            await escalationRoutes.NoteArrivalAsync(turnContext, cancellationToken).ConfigureAwait(false);
            await turnContext.SendActivityAsync(MainDialog.Welcome(services), cancellationToken).ConfigureAwait(false);
        });

        app.OnMessage(async (turnContext, cancellationToken) =>
        {
            // Teams puts "<at>PolicyBot</at>" in group messages; Web Chat's card buttons send their data with no text.
            turnContext.Activity.RemoveRecipientMention();
            CardSubmit.ApplyTo(turnContext.Activity);
            Recognizer.Of(turnContext);

            // Relayed messages, the Manager's and Chair's commands and "whoami" never reach the dialogs.
            if (await escalationRoutes.TryHandleAsync(turnContext, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            await DialogRunner.RunAsync(main, turnContext, dialogState, cancellationToken).ConfigureAwait(false);
        });
        app.OnEvent("handoff.status", escalationRoutes.HandleHandoffStatusAsync);
        return app;
    }
}
