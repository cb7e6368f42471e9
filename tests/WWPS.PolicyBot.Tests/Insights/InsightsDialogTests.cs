using WWPS.PolicyBot.Dialogs.Insights;
using WWPS.PolicyBot.Dialogs.PolicyBot;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Tests.Testing;
using TestBot = WWPS.PolicyBot.Tests.Dialogs.PolicyBot;

namespace WWPS.PolicyBot.Tests.Insights;

/// <summary>
/// The bot with insights on (the bundled policy, the learned models): what it records as people talk to it, redacted
/// and without who they are, and how the Manager's decisions change its answers.
/// </summary>
public sealed class InsightsDialogTests
{
    private const string NotCoveredQuestion = "what time does the preschool open in the morning?";

    [Fact]
    public async Task QuestionsNotCoveredAnswersNotHelpfulAndClausesChosenAreRecordedRedacted()
    {
        var (adapter, bot, insights, state) = Start();

        await SayAsync(adapter, bot, "What time does the preschool open? My number is 07700 900123");
        Assert.StartsWith("The Social Networking Policy doesn't cover that", TestAdapter.ReadableText(adapter.TakeReply()), StringComparison.Ordinal);
        await SayAsync(adapter, bot, "can I friend a parent on facebook?");
        Assert.Contains("[methods-5]", TestAdapter.ReadableText(adapter.TakeReply()), StringComparison.Ordinal);
        await SayAsync(adapter, bot, "No, that didn't help");
        Assert.StartsWith("Sorry that didn't help", TestAdapter.ReadableText(adapter.TakeReply()), StringComparison.Ordinal);
        await SayAsync(adapter, bot, "is it ok to talk about work online");
        Assert.StartsWith("I'm not sure which part of the policy you mean", TestAdapter.ReadableText(adapter.TakeReply()), StringComparison.Ordinal);
        await SayAsync(adapter, bot, "Confidentiality");
        Assert.Contains("[methods-1]", TestAdapter.ReadableText(adapter.TakeReply()), StringComparison.Ordinal);
        await SayAsync(adapter, bot, "is it ok to talk about work online");
        adapter.TakeReply();
        await SayAsync(adapter, bot, "Something else");
        Assert.StartsWith("Then the policy may not cover it", TestAdapter.ReadableText(adapter.TakeReply()), StringComparison.Ordinal);

        await insights.Recorder!.FlushAsync(default);
        var week = Assert.Single(await insights.Store.ReadWeeksAsync(insights.KeptWeeks(), default));
        Assert.Equal("2026-W48", week.Week);
        Assert.Equal(
            [
                (InsightKind.NotCovered, "What time does the preschool open? My number is [PHONE]", (string?)null, 1),
                (InsightKind.NotHelpful, "can I friend a parent on facebook?", "methods-5", 1),
                (InsightKind.Clarified, "is it ok to talk about work online", "methods-1", 1),
                (InsightKind.Clarified, "is it ok to talk about work online", null, 1),
            ],
            week.Entries.Select(e => (e.Kind, e.Question!, e.Clause, e.Count)));
        Assert.Equal(["methods-1", "methods-4", "intent"], week.Entries[2].Offered!);

        // Nothing in the stored week says who asked, or in which conversation.
        var stored = (await state.ReadAsync([InsightsStore.WeekKey(week.Week)], default)).Single().Value.Value.GetRawText();
        Assert.DoesNotContain("07700", stored, StringComparison.Ordinal);
        Assert.DoesNotContain(adapter.Reference.User!.Id!, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(adapter.Reference.Conversation!.Id!, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(adapter.Reference.ChannelId!, stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANotCoveredTellThemAnswerReplacesTheGenericOneAndStillOffersAPerson()
    {
        var (adapter, bot, insights, _) = Start();
        await insights.Decisions.DecideAsync(Decision(NotCoveredQuestion, clause: null, answer: "We open at 9:00; the office can tell you more."), default);

        await SayAsync(adapter, bot, "What time does the preschool open in the morning");

        var reply = adapter.TakeReply()!;
        Assert.StartsWith("We open at 9:00; the office can tell you more.\n\nTalk to the Manager or Chair · Ask another", reply.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain("doesn't cover", reply.Summary, StringComparison.Ordinal);

        // It is still a question the policy does not cover: counted, and passed on when the user asks for a person.
        await SayAsync(adapter, bot, "Talk to the Manager or Chair");
        Assert.NotNull(adapter.TakeReply());
        await insights.Recorder!.FlushAsync(default);
        Assert.Equal(InsightKind.NotCovered, Assert.Single((await insights.Store.ReadWeeksAsync(insights.KeptWeeks(), default))[0].Entries).Kind);

        // Other questions are not touched.
        await SayAsync(adapter, bot, "what time does the preschool close?");
        Assert.StartsWith("The Social Networking Policy doesn't cover that", TestAdapter.ReadableText(adapter.TakeReply()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACoveredByDecisionAnswersFromThatClauseWithFeedback()
    {
        var (adapter, bot, insights, _) = Start();
        await insights.Decisions.DecideAsync(Decision(NotCoveredQuestion, clause: "methods-8", answer: null), default);

        await SayAsync(adapter, bot, "What time does the preschool open in the morning???");

        var reply = TestAdapter.ReadableText(adapter.TakeReply())!;
        Assert.Contains("**Contacting the preschool about a child** [methods-8]", reply, StringComparison.Ordinal);
        Assert.Contains("Was this helpful?", reply, StringComparison.Ordinal);

        // "Not helpful" on it is counted against the clause she chose.
        await SayAsync(adapter, bot, "no");
        adapter.TakeReply();
        await insights.Recorder!.FlushAsync(default);
        var entry = Assert.Single((await insights.Store.ReadWeeksAsync(insights.KeptWeeks(), default))[0].Entries);
        Assert.Equal((InsightKind.NotHelpful, "methods-8"), (entry.Kind, entry.Clause));
    }

    [Fact]
    public async Task WithoutInsightsNothingIsRecordedOrDecided()
    {
        var time = new ManualTimeProvider();
        var state = new MemoryStorage();
        var adapter = new TestAdapter(null, time);
        var bot = PolicyBotApplication.Create(TestBot.Services, new ConversationState(state, time, TimeSpan.FromMinutes(60)), new UserState(state, time));

        await SayAsync(adapter, bot, NotCoveredQuestion);

        Assert.StartsWith("The Social Networking Policy doesn't cover that", TestAdapter.ReadableText(adapter.TakeReply()), StringComparison.Ordinal);
        Assert.Empty(await state.ReadAsync([InsightsStore.WeekKey("2026-W48"), InsightsStore.GuardKey], default));
    }

    private static (TestAdapter Adapter, AgentApplication Bot, InsightsService Insights, MemoryStorage State) Start()
    {
        var time = new ManualTimeProvider();
        var state = new MemoryStorage();
        var store = new InsightsStore(state);
        var recorder = new InsightsRecorder(store, TestBot.Services.Reviewer.RedactAsync, TimeZoneInfo.Utc, time, new ListLogger());
        var insights = InsightsStoreTests.Service(state, time, recorder);
        var adapter = new TestAdapter(null, time);
        var bot = PolicyBotApplication.Create(
            TestBot.Services, new ConversationState(state, time, TimeSpan.FromMinutes(60)), new UserState(state, time), escalations: null, insights);
        return (adapter, bot, insights, state);
    }

    private static ManagerDecision Decision(string question, string? clause, string? answer) =>
        new(QuestionKey.Of(question), question, clause, answer, "manager", DateTimeOffset.UnixEpoch);

    private static Task<TurnOutcome> SayAsync(TestAdapter adapter, AgentApplication bot, string text) => adapter.ProcessAsync(adapter.MakeMessage(text), bot.OnTurnAsync);
}
