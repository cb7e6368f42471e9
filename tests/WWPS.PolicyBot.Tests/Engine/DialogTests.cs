using System.Text.Json.Serialization;
using WWPS.PolicyBot.Dialogs.Engine;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Tests.Testing;

namespace WWPS.PolicyBot.Tests.Engine;

public sealed class DialogTests
{
    private readonly MemoryStorage _storage = new();
    private readonly ManualTimeProvider _time = new();
    private readonly TestAdapter _adapter;

    public DialogTests() => _adapter = new TestAdapter(new ListLogger(), _time);

    [Fact]
    public async Task WelcomesPeopleWhoJoin()
    {
        await new TestFlow(_adapter, SampleBot.Create(_storage, _time))
            .Send(new Activity
            {
                Type = ActivityTypes.ConversationUpdate,
                MembersAdded = [new ChannelAccount { Id = "bot1" }, new ChannelAccount { Id = "user1", Name = "Sam" }],
            })
            .AssertReply("Welcome, Sam! Say anything to begin.")
            .AssertNoReply()
            .StartTestAsync();
    }

    [Fact]
    public async Task AConversationIdleTooLongStartsAfresh()
    {
        await new TestFlow(_adapter, SampleBot.Create(_storage, _time))
            .Send("hi").AssertReply("What's your name?")
            .Send("Sam").AssertReply(r => Assert.StartsWith("Hi Sam.", r.Text, StringComparison.Ordinal))
            .Then(_ =>
            {
                _time.Advance(SampleBot.IdleExpiry + TimeSpan.FromSeconds(1));
                return Task.CompletedTask;
            })
            .Send("Butterflies").AssertReply("What's your name?")
            .StartTestAsync();
    }

    [Fact]
    public async Task AStepCanMoveOnWithoutWaitingAndValuesCarryThrough()
    {
        var dialog = new WaterfallDialog<Tally>("tally", EngineTestJsonContext.Default.Tally,
            (step, ct) => { step.Values.Count = 40; return step.NextAsync(2, ct); },
            async (step, ct) =>
            {
                step.Values.Count += step.TryGetResult<int>(out var n) ? n : 0;
                await step.Context.SendActivityAsync($"count {step.Values.Count}", cancellationToken: ct);
                return DialogTurnResult.Waiting;
            },
            async (step, ct) =>
            {
                // A step that waited without a prompt gets the next message's text as its result.
                await step.Context.SendActivityAsync($"you said {step.Result} and count is {step.Values.Count}", cancellationToken: ct);
                return await step.EndDialogAsync(step.Values.Count, ct);
            });

        await new TestFlow(_adapter, Runner(dialog))
            .Send("go").AssertReply("count 42")
            .Send("ok").AssertReply("you said ok and count is 42")
            .StartTestAsync();
    }

    [Fact]
    public async Task OptionsOfTheValuesTypeSeedTheWaterfall()
    {
        var child = new WaterfallDialog<Tally>("child", EngineTestJsonContext.Default.Tally,
            async (step, ct) =>
            {
                await step.Context.SendActivityAsync($"seeded with {step.Values.Count}", cancellationToken: ct);
                return await step.EndDialogAsync(step.Values.Count * 2, ct);
            });
        var parent = new ParentDialog(child);

        await new TestFlow(_adapter, Runner(parent))
            .Send("go").AssertReply("seeded with 21").AssertReply("child returned 42")
            .StartTestAsync();
    }

    [Fact]
    public async Task DialogStateIsStoredAsPlainJsonOfTheValuesType()
    {
        await new TestFlow(_adapter, SampleBot.Create(_storage, _time))
            .Send("hi").AssertReply("What's your name?")
            .Send("Sam").AssertReply(_ => { })
            .Send("Ladybirds").AssertReply("How many days a week?")
            .StartTestAsync();

        var stored = (await _storage.ReadAsync(["test/conversations/conversation1"], default))["test/conversations/conversation1"];
        var json = stored.Value.GetRawText();
        Assert.Contains("\"id\":\"enrolment\"", json, StringComparison.Ordinal);
        Assert.Contains("\"Name\":\"Sam\"", json, StringComparison.Ordinal);
        Assert.Contains("\"Room\":\"Ladybirds\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStackNamingAnUnknownDialogFailsTheTurnPolitely()
    {
        var conversationState = new ConversationState(_storage, _time);
        var known = new WaterfallDialog<Tally>("known", EngineTestJsonContext.Default.Tally, (s, ct) => Task.FromResult(DialogTurnResult.Waiting));
        var renamed = new WaterfallDialog<Tally>("renamed", EngineTestJsonContext.Default.Tally, (s, ct) => Task.FromResult(DialogTurnResult.Waiting));

        await new TestFlow(_adapter, Runner(known, conversationState)).Send("a").AssertNoReply().StartTestAsync();
        await new TestFlow(_adapter, Runner(renamed, conversationState)).Send("b").AssertReply(BotAdapter.DefaultErrorMessage).StartTestAsync();
    }

    private BotCallbackHandler Runner(Dialog dialog, ConversationState? state = null)
    {
        var conversationState = state ?? new ConversationState(_storage, _time);
        var dialogState = DialogState.CreateProperty(conversationState);
        return async (tc, ct) =>
        {
            await DialogRunner.RunAsync(dialog, tc, dialogState, ct);
            await conversationState.SaveChangesAsync(tc, cancellationToken: ct);
        };
    }

    private sealed class ParentDialog : ComponentDialog
    {
        public ParentDialog(Dialog child) : base("parent")
        {
            AddDialog(new WaterfallDialog<Tally>("steps", EngineTestJsonContext.Default.Tally,
                (step, ct) => step.BeginDialogAsync("child", new Tally { Count = 21 }, ct),
                async (step, ct) =>
                {
                    await step.Context.SendActivityAsync($"child returned {step.Result}", cancellationToken: ct);
                    return await step.EndDialogAsync(cancellationToken: ct);
                }));
            AddDialog(child);
        }
    }
}

internal sealed class Tally
{
    public int Count { get; set; }
}

[JsonSerializable(typeof(Tally))]
internal sealed partial class EngineTestJsonContext : JsonSerializerContext;
