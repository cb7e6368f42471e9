using WWPS.PolicyBot.Dialogs.PolicyBot;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Slack;

/// <summary>A suggested prompt: the panel shows <paramref name="Title"/>; a click posts <paramref name="Message"/>.</summary>
internal sealed record SlackPrompt(string Title, string Message);

/// <summary>
/// Slack's side of the assistant panel ("Agents &amp; AI Apps"), as middleware on <see cref="SlackAdapter"/> so the
/// dialogs never hear of it. When the panel opens (<see cref="SlackActivities.AssistantThreadStarted"/>) it offers
/// <see cref="Prompts"/> and the bot takes no turn. While a message in an assistant thread is being answered, the
/// thread says the app "is checking the policy…"; Slack takes the status away when the answer is posted, and this
/// takes it away itself when the turn posted nothing.
/// </summary>
internal sealed class SlackAssistant(SlackWebApi api) : Protocol.IMiddleware
{
    /// <summary>
    /// Slack puts the app's name in front ("WWPS PolicyBot is checking the policy…"); true of questions and draft
    /// checks alike, and the middleware cannot tell them apart before the turn.
    /// </summary>
    public const string WorkingStatus = "is checking the policy…";

    /// <summary>Heads the prompts; the question the bot asks when it waits for someone to start.</summary>
    public const string PromptsTitle = BotText.StartQuestion;

    /// <summary>
    /// The bot's three things, in its own words: a question it answers from the policy (the welcome's example), then
    /// the draft check and the way to a person, which post the commands their buttons post elsewhere. Also in the
    /// manifest's <c>assistant_view</c>, which Slack shows until this call replaces them; a test keeps the two the same.
    /// </summary>
    public static IReadOnlyList<SlackPrompt> Prompts { get; } =
    [
        new("Can I friend a parent?", "Can I friend a parent on Facebook?"),
        new("Check a draft post", Commands.CheckPost),
        new(Commands.Contact, Commands.Contact),
    ];

    public async Task OnTurnAsync(ITurnContext turnContext, NextDelegate next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        ArgumentNullException.ThrowIfNull(next);
        var activity = turnContext.Activity;
        var channel = activity.Conversation?.Id;
        var thread = SlackActivities.AssistantThreadOf(activity.Conversation);
        if (string.IsNullOrEmpty(channel) || thread is null)
        {
            await next(cancellationToken).ConfigureAwait(false);
            return;
        }

        if (activity.IsType(ActivityTypes.Event) && activity.Name == SlackActivities.AssistantThreadStarted)
        {
            // A refusal is logged by its code; the panel then shows the manifest's prompts, which are the same.
            await api.SetSuggestedPromptsAsync(channel, thread, PromptsTitle, Prompts, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!activity.IsType(ActivityTypes.Message))
        {
            await next(cancellationToken).ConfigureAwait(false);
            return;
        }

        await AnswerWithStatusAsync(turnContext, channel, thread, next, cancellationToken).ConfigureAwait(false);
    }

    private async Task AnswerWithStatusAsync(
        ITurnContext turnContext, string channel, string thread, NextDelegate next, CancellationToken cancellationToken)
    {
        // Started, not awaited: the policy is read meanwhile, so the status costs the answer nothing.
        var status = api.SetStatusAsync(channel, thread, WorkingStatus, cancellationToken);
        var posted = false;
        turnContext.OnSendActivities(async (_, _, send, _) =>
        {
            // Slack clears the status when the reply is posted; a status call landing after it would leave "checking
            // the policy…" under the answer for two minutes. So the reply waits for the call, which is usually long done.
            await status.ConfigureAwait(false);
            var responses = await send().ConfigureAwait(false);
            posted |= responses.Any(r => r.Id is not null);
            return responses;
        });

        try
        {
            await next(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Nothing reached the thread: a message relayed to the Manager, or a post Slack refused. Slack would
            // show the status for two minutes more. (A failed turn's apology comes after this and is posted as usual.)
            if (!posted && !cancellationToken.IsCancellationRequested && (await status.ConfigureAwait(false)).Ok)
            {
                await api.SetStatusAsync(channel, thread, "", cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
