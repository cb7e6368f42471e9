using WWPS.PolicyBot.Cognitive;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Dialogs.Bot;

/// <summary>
/// The bot's routes: greet new members, answer questions from the policy. Channels (Teams, Web Chat, Slack) all
/// hand their turns to the application this builds; none of it knows which channel it is in.
/// </summary>
public static class PolicyBotApplication
{
    public const string Greeting =
        "Hello! I'm the West Wycombe Preschool policy assistant. Ask me about the Social Networking Policy, " +
        "for example \"can I friend a parent on Facebook?\", and I'll answer with the clause it rests on.";

    public static AgentApplication Create(CognitiveServices services, ConversationState conversationState, UserState userState)
    {
        var app = new AgentApplication(conversationState, userState);
        app.OnMembersAdded(async (turnContext, members, cancellationToken) =>
        {
            foreach (var _ in members)
            {
                await turnContext.SendActivityAsync(Greeting, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        });
        app.OnMessage(async (turnContext, cancellationToken) =>
        {
            var answer = services.Answerer.Answer(turnContext.Activity.Text ?? "");
            var text = answer.Answer + string.Concat(answer.Citations.Select(c => $"\n\n**{c.Title}** [{c.Clause}]\n> {c.Text}"));
            await turnContext.SendActivityAsync(text, cancellationToken: cancellationToken).ConfigureAwait(false);
        });
        return app;
    }
}
