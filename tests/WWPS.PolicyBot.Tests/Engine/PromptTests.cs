using WWPS.PolicyBot.Dialogs.Engine;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Tests.Testing;

namespace WWPS.PolicyBot.Tests.Engine;

public sealed class PromptTests
{
    private static readonly List<Choice> Rooms =
    [
        new("Caterpillars") { Synonyms = ["baby room", "cats"] },
        new("Butterflies"),
        new("Ladybirds") { Synonyms = ["preschool"] },
    ];

    [Theory]
    [InlineData("1", "Caterpillars")]
    [InlineData("3.", "Ladybirds")]
    [InlineData("Butterflies", "Butterflies")]
    [InlineData("butterflies", "Butterflies")]
    [InlineData("  LADYBIRDS! ", "Ladybirds")]
    [InlineData("baby room", "Caterpillars")]
    [InlineData("Preschool", "Ladybirds")]
    [InlineData("the butterflies please", "Butterflies")]
    [InlineData("4", null)]
    [InlineData("0", null)]
    [InlineData("butterflies or ladybirds", null)]
    [InlineData("catering", null)]
    [InlineData("", null)]
    public void ChoicesAreRecognisedByNumberTitleOrSynonym(string answer, string? expected) =>
        Assert.Equal(expected, ChoicePrompt.Recognize(answer, Rooms)?.Value);

    [Theory]
    [InlineData("yes", true)]
    [InlineData("Yep", true)]
    [InlineData("y", true)]
    [InlineData("yeah!", true)]
    [InlineData("ok", true)]
    [InlineData("1", true)]
    [InlineData("no", false)]
    [InlineData("Nope.", false)]
    [InlineData("n", false)]
    [InlineData("nah", false)]
    [InlineData("no thanks", false)]
    [InlineData("2", false)]
    public async Task ConfirmAcceptsTheUsualWaysOfSayingYesAndNo(string answer, bool expected)
    {
        await new TestFlow(Adapter(), Host(new ConfirmPrompt("confirm"), PromptOptions.For("Sure?")))
            .Send("start").AssertReply(r => Assert.Equal(["Yes", "No"], r.SuggestedActions!.Actions.Select(a => a.Title)))
            .Send(answer).AssertReply($"result: {expected}")
            .StartTestAsync();
    }

    [Fact]
    public async Task FourOrMoreChoicesAreANumberedList()
    {
        var options = PromptOptions.For("Which day?", choices: Choice.From("Monday", "Tuesday", "Wednesday", "Thursday"));

        await new TestFlow(Adapter(), Host(new ChoicePrompt("choice"), options))
            .Send("start").AssertReply(r =>
            {
                Assert.Equal("Which day?\n\n1. Monday\n2. Tuesday\n3. Wednesday\n4. Thursday", r.Text);
                Assert.Null(r.SuggestedActions);
                Assert.Equal(InputHints.Expecting, r.InputHint);
            })
            .Send("4").AssertReply("result: FoundChoice { Value = Thursday, Index = 3 }")
            .StartTestAsync();
    }

    [Fact]
    public async Task ARepromptUsesTheRetryMessageUntilAttemptsRunOut()
    {
        var options = PromptOptions.For("Which room?", "Please pick a room.", Rooms) with { MaxAttempts = 3 };

        await new TestFlow(Adapter(), Host(new ChoicePrompt("choice"), options))
            .Send("start").AssertReply("Which room?")
            .Send("kitchen").AssertReply(r =>
            {
                Assert.Equal("Please pick a room.", r.Text);
                Assert.Equal(3, r.SuggestedActions!.Actions.Count);
            })
            .Send("garden").AssertReply("Please pick a room.")
            .Send("attic").AssertReply("result: (none)")
            .StartTestAsync();
    }

    [Fact]
    public async Task WithoutARetryMessageThePromptIsRepeated()
    {
        await new TestFlow(Adapter(), Host(new TextPrompt("text"), PromptOptions.For("Your name?")))
            .Send("start").AssertReply("Your name?")
            .Send("   ").AssertReply("Your name?")
            .Send(" Sam ").AssertReply("result: Sam")
            .StartTestAsync();
    }

    [Fact]
    public async Task AValidatorCanRejectAndExplainInsteadOfTheRetryMessage()
    {
        var attempts = new List<int>();
        var prompt = new TextPrompt("text", async (context, ct) =>
        {
            attempts.Add(context.AttemptCount);
            if (context.Recognized.Value!.Contains('@', StringComparison.Ordinal))
            {
                return true;
            }

            await context.Context.SendActivityAsync("That doesn't look like an email address.", cancellationToken: ct);
            return false;
        });

        await new TestFlow(Adapter(), Host(prompt, PromptOptions.For("Email?", "Email, please?")))
            .Send("start").AssertReply("Email?")
            .Send("sam").AssertReply("That doesn't look like an email address.").AssertNoReply()
            .Send("sam@example.org").AssertReply("result: sam@example.org")
            .StartTestAsync();

        Assert.Equal([1, 2], attempts);
    }

    [Fact]
    public async Task NonMessageActivitiesDoNotCountAsAnswers()
    {
        var adapter = Adapter();
        await new TestFlow(adapter, Host(new TextPrompt("text"), PromptOptions.For("Your name?")))
            .Send("start").AssertReply("Your name?")
            .Send(new Activity { Type = ActivityTypes.Typing }).AssertNoReply()
            .Send("Sam").AssertReply("result: Sam")
            .StartTestAsync();
    }

    private static TestAdapter Adapter() => new(new ListLogger());

    /// <summary>Runs one prompt as the only step of a waterfall and reports what it returned.</summary>
    private static BotCallbackHandler Host(Dialog prompt, PromptOptions options)
    {
        var storage = new MemoryStorage();
        var conversationState = new ConversationState(storage, TimeProvider.System);
        var dialogState = DialogState.CreateProperty(conversationState);
        var root = new PromptHost(prompt, options);
        return async (tc, ct) =>
        {
            await DialogRunner.RunAsync(root, tc, dialogState, ct);
            await conversationState.SaveChangesAsync(tc, cancellationToken: ct);
        };
    }

    private sealed class PromptHost : ComponentDialog
    {
        public PromptHost(Dialog prompt, PromptOptions options) : base("host")
        {
            AddDialog(new WaterfallDialog<Tally>("steps", EngineTestJsonContext.Default.Tally,
                (step, ct) => step.PromptAsync(prompt.Id, options, ct),
                async (step, ct) =>
                {
                    await step.Context.SendActivityAsync($"result: {step.Result ?? "(none)"}", cancellationToken: ct);
                    return await step.EndDialogAsync(cancellationToken: ct);
                }));
            AddDialog(prompt);
        }
    }
}
