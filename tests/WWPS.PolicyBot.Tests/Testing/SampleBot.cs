using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using WWPS.PolicyBot.Dialogs.Engine;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Tests.Testing;

/// <summary>
/// A small bot for exercising the engine: "echo …" answers directly; anything else runs a form with a text, a
/// choice, a validated number and a confirm prompt, interruptible by help / cancel / start over.
/// </summary>
internal static partial class SampleBot
{
    public static readonly TimeSpan IdleExpiry = TimeSpan.FromMinutes(30);

    public static AgentApplication Create(IStorage storage, TimeProvider timeProvider)
    {
        var conversationState = new ConversationState(storage, timeProvider, IdleExpiry);
        var dialogState = DialogState.CreateProperty(conversationState);
        var main = new EnrolmentDialog();

        return new AgentApplication(conversationState, new UserState(storage, timeProvider))
            .OnMembersAdded((tc, members, ct) => tc.SendActivityAsync($"Welcome, {members[0].Name}! Say anything to begin.", cancellationToken: ct))
            .OnMessage(EchoPattern(), (tc, ct) => tc.SendActivityAsync(tc.Activity.Text!["echo ".Length..], cancellationToken: ct))
            .OnMessage(async (tc, ct) => await DialogRunner.RunAsync(main, tc, dialogState, ct));
    }

    [GeneratedRegex("^echo ", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex EchoPattern();
}

internal sealed class EnrolmentValues
{
    public string? Name { get; set; }
    public string? Room { get; set; }
    public int Days { get; set; }
}

[JsonSerializable(typeof(EnrolmentValues))]
internal sealed partial class SampleJsonContext : JsonSerializerContext;

internal sealed class EnrolmentDialog : InterruptibleDialog
{
    public EnrolmentDialog() : base("enrolment")
    {
        AddDialog(new WaterfallDialog<EnrolmentValues>("form", SampleJsonContext.Default.EnrolmentValues,
            AskNameAsync, AskRoomAsync, AskDaysAsync, ConfirmAsync, FinishAsync));
        AddDialog(new TextPrompt("name"));
        AddDialog(new ChoicePrompt("room"));
        AddDialog(new TextPrompt("days", ValidateDaysAsync) { DefaultMaxAttempts = 2 });
        AddDialog(new ConfirmPrompt("confirm"));
    }

    protected override string HelpText => "I'm collecting a few details for a session booking. Say cancel to stop or start over to begin again.";

    private static Task<DialogTurnResult> AskNameAsync(WaterfallStepContext<EnrolmentValues> step, CancellationToken ct) =>
        step.PromptAsync("name", PromptOptions.For("What's your name?"), ct);

    private static Task<DialogTurnResult> AskRoomAsync(WaterfallStepContext<EnrolmentValues> step, CancellationToken ct)
    {
        step.Values.Name = step.TryGetResult<string>(out var name) ? name : null;
        return step.PromptAsync("room", PromptOptions.For(
            $"Hi {step.Values.Name}. Which room is your child in?",
            retryPrompt: "Please pick one of the rooms.",
            choices:
            [
                new Choice("Caterpillars") { Synonyms = ["baby room"] },
                new Choice("Butterflies"),
                new Choice("Ladybirds") { Synonyms = ["preschool"] },
            ]), ct);
    }

    private static Task<DialogTurnResult> AskDaysAsync(WaterfallStepContext<EnrolmentValues> step, CancellationToken ct)
    {
        step.Values.Room = step.TryGetResult<FoundChoice>(out var room) ? room.Value : null;
        return step.PromptAsync("days", PromptOptions.For("How many days a week?"), ct);
    }

    private static async Task<DialogTurnResult> ConfirmAsync(WaterfallStepContext<EnrolmentValues> step, CancellationToken ct)
    {
        if (!step.TryGetResult<string>(out var days))
        {
            await step.Context.SendActivityAsync("Let's leave it there for now.", cancellationToken: ct);
            return await step.EndDialogAsync(cancellationToken: ct);
        }

        step.Values.Days = int.Parse(days, CultureInfo.InvariantCulture);
        return await step.PromptAsync("confirm", PromptOptions.For(
            $"So: {step.Values.Name}, {step.Values.Room}, {step.Values.Days} days a week. Is that right?"), ct);
    }

    private static async Task<DialogTurnResult> FinishAsync(WaterfallStepContext<EnrolmentValues> step, CancellationToken ct)
    {
        if (step.TryGetResult<bool>(out var yes) && yes)
        {
            // Days went through JSON between turns; doing arithmetic on it proves it came back as an int.
            await step.Context.SendActivityAsync($"Thanks, that's saved: {step.Values.Days * 3} hours a week.", cancellationToken: ct);
            return await step.EndDialogAsync(step.Values, ct);
        }

        await step.Context.SendActivityAsync("OK, let's try again.", cancellationToken: ct);
        return await step.ReplaceDialogAsync("form", cancellationToken: ct);
    }

    private static async Task<bool> ValidateDaysAsync(PromptValidatorContext<string> context, CancellationToken ct)
    {
        if (int.TryParse(context.Recognized.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days is >= 1 and <= 5)
        {
            return true;
        }

        await context.Context.SendActivityAsync("Please give a number from 1 to 5.", cancellationToken: ct);
        return false;
    }
}
