using WWPS.PolicyBot.Cognitive;
using WWPS.PolicyBot.Dialogs.Cards;
using WWPS.PolicyBot.Dialogs.Engine;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Dialogs.Bot;

/// <summary>
/// The bot's routes: greet people who join, and run every message through the main dialog (questions, follow-ups,
/// draft checks, help, cancel). Channels (Teams, Web Chat, Slack) all hand their turns to the application this
/// builds; none of it knows which channel it is in.
/// </summary>
public static class PolicyBotApplication
{
    /// <summary>The conversation-state property holding the follow-up memory (the last question and its clauses).</summary>
    internal const string MemoryProperty = "policyBot";

    public static AgentApplication Create(CognitiveServices services, ConversationState conversationState, UserState userState)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(conversationState);
        var app = new AgentApplication(conversationState, userState);
        var memory = conversationState.CreateProperty(MemoryProperty, PolicyBotJsonContext.Default.ConversationMemory);
        var dialogState = DialogState.CreateProperty(conversationState);
        var main = new MainDialog(services, memory);

        // One welcome per join, however many joined at once: a group chat should not get the same greeting five times.
        app.OnMembersAdded((turnContext, _, cancellationToken) => turnContext.SendActivityAsync(MainDialog.Welcome(services), cancellationToken));

        app.OnMessage(async (turnContext, cancellationToken) =>
        {
            // Teams puts "<at>PolicyBot</at>" in group messages; Web Chat's card buttons send their data with no text.
            turnContext.Activity.RemoveRecipientMention();
            CardSubmit.ApplyTo(turnContext.Activity);
            await DialogRunner.RunAsync(main, turnContext, dialogState, cancellationToken).ConfigureAwait(false);
        });
        return app;
    }
}
