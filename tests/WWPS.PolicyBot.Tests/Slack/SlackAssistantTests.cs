using System.Net;
using WWPS.PolicyBot.Dialogs.PolicyBot;
using WWPS.PolicyBot.Slack;
using WWPS.PolicyBot.Tests.BotFramework;
using WWPS.PolicyBot.Tests.Support;
using static WWPS.PolicyBot.Tests.Slack.SlackRequests;

namespace WWPS.PolicyBot.Tests.Slack;

/// <summary>
/// The assistant panel (Slack's "Agents &amp; AI Apps", issue 13) over real HTTP: signed <c>assistant_thread_*</c> and
/// threaded <c>message.im</c> events in, <c>assistant.threads.*</c> and <c>chat.postMessage</c> to the fake Web API out.
/// </summary>
[Trait("Category", "Slow")]
public sealed class SlackAssistantTests : IAsyncLifetime
{
    private const string Dm = "D0777";
    private const string Thread = "1729999327.187299";
    private const string SetStatus = "assistant.threads.setStatus";
    private const string SetSuggestedPrompts = "assistant.threads.setSuggestedPrompts";

    private FakeSlackApi _api = null!;
    private RunningBot _bot = null!;
    private int _ts;

    public async Task InitializeAsync()
    {
        _api = await FakeSlackApi.StartAsync();
        _bot = await RunningBot.StartAsync(
            ("Slack:SigningSecret", Secret),
            ("Slack:BotToken", "xoxb-test-token"),
            ("Slack:ApiBaseUrl", _api.ApiBaseUrl.AbsoluteUri),
            ("Slack:ApiBackoff", "00:00:00.050"),
            ("Storage:Provider", "memory"));
    }

    public async Task DisposeAsync()
    {
        await _bot.DisposeAsync();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task OpeningThePanelOffersTheBotsPromptsInThatThread()
    {
        using var response = await _bot.Client.SendAsync(Event(Envelope("EvOpen1", AssistantThread(Dm, Thread))));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var call = await _api.NextAssistantCallAsync();
        Assert.Equal(SetSuggestedPrompts, call.Method);
        Assert.Equal("Bearer xoxb-test-token", call.Authorization);
        Assert.Equal(Dm, call.ChannelId);
        Assert.Equal(Thread, call.ThreadTs);
        Assert.Equal("What would you like to do?", call.Title);
        Assert.Equal(
            [("Can I friend a parent?", "Can I friend a parent on Facebook?"), ("Check a draft post", "Check my post"), ("Talk to the Manager or Chair", "Talk to the Manager or Chair")],
            call.Prompts);

        // The prompts are the greeting: nothing is posted into the new thread before the user writes.
        await SayInThreadAsync("help");
        Assert.StartsWith("Ask me anything about the", (await _api.NextPostAsync()).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpeningThePanelIsAcknowledgedWithoutWaitingForSlack()
    {
        _api.Hold();

        using var response = await _bot.Client.SendAsync(Event(Envelope("EvOpenSlow", AssistantThread(Dm, Thread))));

        // Slack has the prompts in hand but has not answered: the acknowledgement did not wait for that.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(SetSuggestedPrompts, (await _api.NextAssistantCallAsync()).Method);
        _api.Release();
    }

    /// <summary>Each prompt, clicked (Slack posts its message into the thread), gets what its title promises, in the thread.</summary>
    [Theory]
    [InlineData("Can I friend a parent?", "Friendships with parents")]
    [InlineData("Check a draft post", BotText.DraftPrompt)]
    [InlineData("Talk to the Manager or Chair", "*Talk to the Manager or Chair*")]
    public async Task EachPromptGetsWhatItsTitleSays(string title, string expected)
    {
        await _bot.Client.SendAsync(Event(Envelope("EvOpen2", AssistantThread(Dm, Thread))));
        var prompt = (await _api.NextAssistantCallAsync()).Prompts.Single(p => p.Title == title);

        await SayInThreadAsync(prompt.Message);

        var answer = await _api.NextPostAsync();
        Assert.Equal(Dm, answer.Channel);
        Assert.Equal(Thread, answer.ThreadTs);
        Assert.Contains(expected, answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AContextChangeIsAcknowledgedAndChangesNothing()
    {
        var log = LogCapture.AttachTo(_bot.Services);

        using var response = await _bot.Client.SendAsync(Event(Envelope("EvContext1", AssistantThread(Dm, Thread, contextChannel: "C0099", type: "assistant_thread_context_changed"))));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await SayInThreadAsync("help");

        // Turns in a conversation run in order: a call made for the context change would come before the status.
        var first = await _api.NextAssistantCallAsync();
        Assert.Equal(SetStatus, first.Method);
        Assert.StartsWith("Ask me anything about the", (await _api.NextPostAsync()).Text, StringComparison.Ordinal);
        Assert.DoesNotContain(log.Entries, e => e.EventId is 1001 or 3108 or 3110 or 3111);
    }

    [Fact]
    public async Task AQuestionInTheThreadShowsAStatusAndIsAnsweredInTheThread()
    {
        await SayInThreadAsync("can I friend a parent on fb?");

        var status = await _api.NextAssistantCallAsync();
        Assert.Equal(SetStatus, status.Method);
        Assert.Equal(Dm, status.ChannelId);
        Assert.Equal(Thread, status.ThreadTs);
        Assert.Equal("is checking the policy…", status.Status);
        var answer = await _api.NextPostAsync();
        Assert.Equal(Dm, answer.Channel);
        Assert.Equal(Thread, answer.ThreadTs);
        Assert.Contains("Friendships with parents", answer.Text, StringComparison.Ordinal);
        Assert.True(status.Seq < answer.Seq, "the status must be set before the answer, which clears it");

        // The answer cleared the status, so the bot does not: the next call is the next turn's status.
        await SayInThreadAsync("help");
        Assert.Equal("is checking the policy…", (await _api.NextAssistantCallAsync()).Status);
    }

    [Fact]
    public async Task TheStatusIsClearedWhenNoAnswerReachesTheThread()
    {
        _api.AnswerNext(200, """{"ok":false,"error":"channel_not_found"}""");

        await SayInThreadAsync("can I friend a parent on fb?");

        Assert.Equal("is checking the policy…", (await _api.NextAssistantCallAsync()).Status);
        await _api.NextPostAsync();
        var cleared = await _api.NextAssistantCallAsync();
        Assert.Equal(SetStatus, cleared.Method);
        Assert.Equal(Dm, cleared.ChannelId);
        Assert.Equal(Thread, cleared.ThreadTs);
        Assert.Equal("", cleared.Status);
    }

    [Fact]
    public async Task ADirectMessageOutsideAThreadGetsNoStatusAndPlainButtons()
    {
        await _bot.Client.SendAsync(Event(Envelope(NextEventId(), DirectMessage("can I friend a parent on fb?", NextTs(), channel: Dm))));
        var answer = await _api.NextPostAsync();
        Assert.Null(answer.ThreadTs);
        Assert.Contains(answer.Buttons, b => b.GetProperty("text").GetProperty("text").GetString() == "Yes");
        Assert.Empty(answer.FeedbackButtons);

        // Turns in a conversation run in order: a status for the first message would be the first call recorded.
        await SayInThreadAsync("help");
        Assert.Equal(Thread, (await _api.NextAssistantCallAsync()).ThreadTs);
    }

    [Theory]
    [InlineData(true, BotText.Thanks)]
    [InlineData(false, BotText.NotHelpful)]
    public async Task FeedbackButtonsUnderAnAnswerReachTheHelpfulHandling(bool positive, string reply)
    {
        await SayInThreadAsync("can I friend a parent on fb?");
        var answer = await _api.NextPostAsync();
        var feedback = Assert.Single(answer.FeedbackButtons);
        Assert.Equal("Yes", feedback.GetProperty("positive_button").GetProperty("text").GetProperty("text").GetString());
        Assert.Equal("No", feedback.GetProperty("negative_button").GetProperty("text").GetProperty("text").GetString());
        Assert.Equal(Commands.Helpful, feedback.GetProperty("positive_button").GetProperty("accessibility_label").GetString());
        Assert.DoesNotContain(answer.Buttons, b => b.GetProperty("text").GetProperty("text").GetString() is "Yes" or "No");
        Assert.Contains(answer.Buttons, b => b.GetProperty("text").GetProperty("text").GetString() == Commands.AskAnother);

        using var response = await _bot.Client.SendAsync(Click(FeedbackClick(feedback, positive, answer)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var post = await _api.NextPostAsync();
        Assert.Equal(Dm, post.Channel);
        Assert.Equal(Thread, post.ThreadTs);
        Assert.Equal(SlackBlocks.Mrkdwn(reply), post.Text);
    }

    [Fact]
    public async Task RateLimitedPromptsAreSentAgainAfterRetryAfter()
    {
        _api.AnswerNextAssistantCall(429, """{"ok":false,"error":"ratelimited"}""", retryAfter: "1");

        await _bot.Client.SendAsync(Event(Envelope("EvOpen3", AssistantThread(Dm, Thread))));

        var refused = await _api.NextAssistantCallAsync();
        var sent = await _api.NextAssistantCallAsync();
        Assert.Equal(SetSuggestedPrompts, sent.Method);
        Assert.Equal(refused.Body.GetRawText(), sent.Body.GetRawText());
    }

    private async Task SayInThreadAsync(string text)
    {
        using var response = await _bot.Client.SendAsync(Event(Envelope(NextEventId(), InAssistantThread(text, NextTs(), Thread, channel: Dm))));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private string NextEventId() => "EvMsg" + Interlocked.Increment(ref _ts).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private string NextTs() => "1730000000." + Interlocked.Increment(ref _ts).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
}
