using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WWPS.PolicyBot.Dialogs.PolicyBot;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Slack;
using WWPS.PolicyBot.Tests.BotFramework;
using WWPS.PolicyBot.Tests.Support;
using static WWPS.PolicyBot.Tests.Slack.SlackRequests;

namespace WWPS.PolicyBot.Tests.Slack;

/// <summary>The Slack channel over real HTTP: Slack's signed requests in, <c>chat.postMessage</c> to a fake Web API out.</summary>
[Trait("Category", "Slow")]
public sealed class SlackChannelTests : IAsyncLifetime
{
    private FakeSlackApi _api = null!;
    private RunningBot _bot = null!;

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

    public static TheoryData<string, string> WronglySigned => new()
    {
        { "bad signature", "secret" },
        { "stale timestamp", "stale" },
        { "unsupported signature version", "version" },
        { "missing signature headers", "unsigned" },
        { "bad timestamp", "timestamp" },
    };

    [Theory]
    [MemberData(nameof(WronglySigned))]
    public async Task RefusesRequestsSlackDidNotSign(string reason, string how)
    {
        foreach (var path in new[] { SlackChannel.EventsPath, SlackChannel.InteractivePath })
        {
            var body = Envelope("Ev1", DirectMessage("can I friend a parent?", "1700000000.000100"));
            using var request = how switch
            {
                "secret" => Signed(path, body, secret: "not-the-secret"),
                "stale" => Signed(path, body, at: DateTimeOffset.UtcNow.AddMinutes(-6)),
                "version" => Signed(path, body, version: "v1"),
                "unsigned" => Signed(path, body, sign: false),
                _ => Signed(path, body),
            };
            if (how == "timestamp")
            {
                request.Headers.Remove(SlackSignature.TimestampHeader);
                request.Headers.Add(SlackSignature.TimestampHeader, "yesterday");
            }

            using var response = await _bot.Client.SendAsync(request);

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal($$"""{"error":"{{reason}}"}""", await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(0, _api.PostsSoFar);
    }

    [Fact]
    public async Task RefusesABodyChangedAfterSigning()
    {
        using var request = Signed(SlackChannel.EventsPath, Envelope("Ev1", DirectMessage("hello", "1.1")));
        request.Content = new StringContent(Envelope("Ev1", DirectMessage("hello!", "1.1")), System.Text.Encoding.UTF8, "application/json");

        using var response = await _bot.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task AnswersTheUrlVerificationChallenge()
    {
        using var response = await _bot.Client.SendAsync(Signed(SlackChannel.EventsPath,
            """{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task DirectMessageQuestionIsAnsweredWithTheCitedClause()
    {
        using var response = await _bot.Client.SendAsync(Event(Envelope("Ev1", DirectMessage("can I friend a parent on fb?", "1700000000.000100"))));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var post = await _api.NextPostAsync();

        Assert.Equal("Bearer xoxb-test-token", post.Authorization);
        Assert.Equal("D0001", post.Channel);
        Assert.Null(post.ThreadTs);
        Assert.Contains("*Friendships with parents*", post.Text, StringComparison.Ordinal);
        Assert.Contains("Friendships with parents", post.Blocks, StringComparison.Ordinal);
        Assert.Contains(post.Buttons, b => b.GetProperty("text").GetProperty("text").GetString() == Commands.AskAnother);
        Assert.Contains(post.Buttons, b => b.GetProperty("text").GetProperty("text").GetString() == "Yes");
    }

    [Fact]
    public async Task MentionInAThreadIsAnsweredInTheThreadWithoutTheMention()
    {
        // "help" only means help on its own: with the mention left in, it would be taken for a question.
        using var response = await _bot.Client.SendAsync(Event(Envelope("Ev2", Mention($"<@{BotUserId}> help", "1700000000.000200", threadTs: "1700000000.000150"))));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var post = await _api.NextPostAsync();

        Assert.Equal("C0001", post.Channel);
        Assert.Equal("1700000000.000150", post.ThreadTs);
        Assert.StartsWith("Ask me anything about the", post.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MentionOutsideAThreadIsAnsweredInTheChannel()
    {
        await _bot.Client.SendAsync(Event(Envelope("Ev3", Mention($"<@{BotUserId}> can I friend a parent?", "1700000000.000300", threadTs: null))));

        var post = await _api.NextPostAsync();

        Assert.Equal("C0001", post.Channel);
        Assert.Null(post.ThreadTs);
        Assert.Contains("Friendships with parents", post.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EventsAreAcknowledgedWithoutWaitingForTheReply()
    {
        _api.Hold();

        using var response = await _bot.Client.SendAsync(Event(Envelope("EvSlow", DirectMessage("can I friend a parent?", "1700000000.000050"))));

        // Slack has the answer in hand but has not said it took it: the acknowledgement did not wait for that.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Friendships with parents", (await _api.NextPostAsync()).Text, StringComparison.Ordinal);
        _api.Release();
    }

    [Fact]
    public async Task RetriedAndDuplicatedEventsAreAnsweredOnce()
    {
        var question = Envelope("Ev4", DirectMessage("can I friend a parent?", "1700000000.000400"));
        using (var first = await _bot.Client.SendAsync(Event(question)))
        using (var retry = await _bot.Client.SendAsync(Event(question, retryNum: 1)))
        using (var duplicate = await _bot.Client.SendAsync(Event(question)))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
            Assert.Equal(HttpStatusCode.OK, duplicate.StatusCode);
        }

        // Turns in one conversation run in order: had the retry been taken in, its answer would come before "help"'s.
        await _bot.Client.SendAsync(Event(Envelope("Ev5", DirectMessage("help", "1700000000.000500"))));

        Assert.Contains("Friendships with parents", (await _api.NextPostAsync()).Text, StringComparison.Ordinal);
        Assert.StartsWith("Ask me anything about the", (await _api.NextPostAsync()).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BotsOwnAndEditedMessagesAreIgnored()
    {
        var ignored = new[]
        {
            With(DirectMessage("can I friend a parent?", "1.1"), "bot_id", "B0001"),
            With(DirectMessage("can I friend a parent?", "1.2"), "subtype", "bot_message"),
            DirectMessage("can I friend a parent?", "1.3", user: BotUserId),
            With(DirectMessage("can I friend a parent?", "1.4"), "subtype", "message_changed"),
            With(DirectMessage("can I friend a parent?", "1.5"), "channel_type", "channel"),
        };
        var n = 0;
        foreach (var slackEvent in ignored)
        {
            using var response = await _bot.Client.SendAsync(Event(Envelope($"EvIgnored{n++}", slackEvent)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await _bot.Client.SendAsync(Event(Envelope("Ev6", DirectMessage("help", "1700000000.000600"))));

        Assert.StartsWith("Ask me anything about the", (await _api.NextPostAsync()).Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Yes", BotText.Thanks)]
    [InlineData(Commands.AskAnother, BotText.AskPrompt)]
    public async Task ClickingAnAnswersButtonGetsTheSameReplyAsTypingIt(string button, string reply)
    {
        await _bot.Client.SendAsync(Event(Envelope("Ev7", DirectMessage("can I friend a parent?", "1700000000.000700"))));
        var answer = await _api.NextPostAsync();

        using var response = await _bot.Client.SendAsync(Click(BlockAction(answer.Button(button), answer)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        var post = await _api.NextPostAsync();
        Assert.Equal("D0001", post.Channel);
        Assert.Equal(BlockKitText(reply), post.Text);
    }

    [Fact]
    public async Task AClickReplayedWithinTheSigningWindowIsActedOnOnce()
    {
        await _bot.Client.SendAsync(Event(Envelope("Ev7r", DirectMessage("can I friend a parent?", "1700000000.000750"))));
        var answer = await _api.NextPostAsync();
        using var click = Click(BlockAction(answer.Button("No"), answer));
        var body = await click.Content!.ReadAsStringAsync();

        foreach (var copy in new[] { click, Copy(click, body), Copy(click, body) })
        {
            using var response = await _bot.Client.SendAsync(copy);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(BlockKitText(BotText.NotHelpful), (await _api.NextPostAsync()).Text);

        // What comes next is the answer to the next message, not a second "not helpful".
        await _bot.Client.SendAsync(Event(Envelope("Ev7s", DirectMessage("help", "1700000000.000760"))));
        Assert.StartsWith("Ask me anything about the", (await _api.NextPostAsync()).Text, StringComparison.Ordinal);
    }

    /// <summary>The same signed request again, byte for byte, as someone who captured it would send it.</summary>
    private static HttpRequestMessage Copy(HttpRequestMessage original, string body)
    {
        var copy = new HttpRequestMessage(original.Method, original.RequestUri)
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, original.Content!.Headers.ContentType!.MediaType!),
        };
        foreach (var header in original.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        return copy;
    }

    [Fact]
    public async Task ClickingASuggestedActionPostsItsWords()
    {
        await _bot.Client.SendAsync(Event(Envelope("Ev8", DirectMessage("can I friend a parent?", "1700000000.000800"))));
        var answer = await _api.NextPostAsync();
        await _bot.Client.SendAsync(Click(BlockAction(answer.Button("No"), answer)));
        var notHelpful = await _api.NextPostAsync();
        Assert.Equal(BlockKitText(BotText.NotHelpful), notHelpful.Text);

        // The "not helpful" reply offers suggested actions; Slack draws them as buttons that say their words back.
        await _bot.Client.SendAsync(Click(BlockAction(notHelpful.Button(Commands.Contact), notHelpful)));

        Assert.StartsWith("*Talk to the Manager or Chair*", (await _api.NextPostAsync()).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DoYouMeanOffersAButtonPerClauseAndTheOneClickedAnswers()
    {
        await _bot.Client.SendAsync(Event(Envelope("Ev8b", DirectMessage("is it ok to talk about work online", "1700000000.000850"))));
        var question = await _api.NextPostAsync();
        Assert.Contains("Do you mean", question.Text, StringComparison.Ordinal);
        Assert.Contains(question.Buttons, b => b.GetProperty("text").GetProperty("text").GetString() == Commands.SomethingElse);

        await _bot.Client.SendAsync(Click(BlockAction(question.Button("Confidentiality"), question)));

        var answer = await _api.NextPostAsync();
        Assert.Contains("*Confidentiality*", answer.Text, StringComparison.Ordinal);
        Assert.Contains("methods-1", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAgainButtonAsksForTheRevisedPost()
    {
        await _bot.Client.SendAsync(Event(Envelope("Ev9", DirectMessage("check my post: Text me on 07700 900300 about Leo's nappy rash", "1700000000.000900"))));
        var review = await _api.NextPostAsync();
        Assert.Contains("[PHONE]", review.Text, StringComparison.Ordinal);

        await _bot.Client.SendAsync(Click(BlockAction(review.Button(Commands.CheckAgain), review)));

        Assert.Equal(BotText.RevisedPrompt, (await _api.NextPostAsync()).Text);
    }

    [Fact]
    public async Task RateLimitedPostIsSentAgainAfterRetryAfter()
    {
        _api.AnswerNext(429, """{"ok":false,"error":"ratelimited"}""", retryAfter: "1");

        await _bot.Client.SendAsync(Event(Envelope("Ev10", DirectMessage("help", "1700000000.001000"))));

        var refused = await _api.NextPostAsync();
        var sent = await _api.NextPostAsync();
        Assert.Equal(refused.Body.GetRawText(), sent.Body.GetRawText());
    }

    [Fact]
    public async Task SlackErrorIsLoggedByCodeAndTheBotGoesOn()
    {
        var log = LogCapture.AttachTo(_bot.Services);
        _api.AnswerNext(200, """{"ok":false,"error":"channel_not_found"}""");

        await _bot.Client.SendAsync(Event(Envelope("Ev11", DirectMessage("can I friend a parent?", "1700000000.001100"))));
        await _api.NextPostAsync();
        var (_, level, message) = await log.WaitForAsync(3108, TimeSpan.FromSeconds(10));

        Assert.Equal(LogLevel.Error, level);
        Assert.Equal("Slack chat.postMessage to D0001 failed: channel_not_found", message);
        await _bot.Client.SendAsync(Event(Envelope("Ev12", DirectMessage("help", "1700000000.001200"))));
        Assert.StartsWith("Ask me anything about the", (await _api.NextPostAsync()).Text, StringComparison.Ordinal);
        Assert.DoesNotContain(log.Entries, e => e.EventId is 1001 or 3111);
        Assert.DoesNotContain(log.Entries, e => e.Message.Contains("friend", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task ProactiveMessageGoesToTheReferencedThread()
    {
        var adapter = _bot.Services.GetRequiredService<SlackAdapter>();
        var reference = new ConversationReference(
            null,
            new ChannelAccount { Id = "U0001" },
            new ChannelAccount { Id = BotUserId },
            new ConversationAccount { Id = "C0042", Properties = new() { [SlackActivities.ThreadProperty] = JsonSerializer.SerializeToElement("1700000000.004200") } },
            SlackActivities.ChannelId,
            null,
            null);

        await adapter.ContinueConversationAsync(reference, (turn, ct) => turn.SendActivityAsync("The Manager has replied to your concern.", cancellationToken: ct), CancellationToken.None);

        var post = await _api.NextPostAsync();
        Assert.Equal("C0042", post.Channel);
        Assert.Equal("1700000000.004200", post.ThreadTs);
        Assert.Equal("The Manager has replied to your concern.", post.Text);
    }

    private static string BlockKitText(string text) => SlackBlocks.Mrkdwn(text);

    private static Dictionary<string, object?> With(Dictionary<string, object?> slackEvent, string key, string value)
    {
        slackEvent[key] = value;
        return slackEvent;
    }
}

/// <summary>One worker with room for one waiting event: what happens when the bot falls behind.</summary>
[Trait("Category", "Slow")]
public sealed class SlackQueueTests
{
    [Fact]
    public async Task FullQueueRefusesWith503AndTakesSlacksRetry()
    {
        await using var api = await FakeSlackApi.StartAsync();
        await using var bot = await RunningBot.StartAsync(
            ("Slack:SigningSecret", Secret), ("Slack:BotToken", "xoxb-test-token"), ("Slack:ApiBaseUrl", api.ApiBaseUrl.AbsoluteUri),
            ("Slack:Workers", "1"), ("Slack:QueueCapacity", "1"), ("Storage:Provider", "memory"));
        api.Hold();
        await bot.Client.SendAsync(Event(Envelope("EvBusy", DirectMessage("help", "1.1"))));
        await api.NextPostAsync();

        using var queued = await bot.Client.SendAsync(Event(Envelope("EvQueued", DirectMessage("help", "1.2", channel: "D0002"))));
        using var refused = await bot.Client.SendAsync(Event(Envelope("EvRefused", DirectMessage("can I friend a parent?", "1.3", channel: "D0003"))));
        api.Release();

        Assert.Equal(HttpStatusCode.OK, queued.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("D0002", (await api.NextPostAsync()).Channel);
        using var retry = await bot.Client.SendAsync(Event(Envelope("EvRefused", DirectMessage("can I friend a parent?", "1.3", channel: "D0003")), retryNum: 1));
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        var answer = await api.NextPostAsync();
        Assert.Equal("D0003", answer.Channel);
        Assert.Contains("Friendships with parents", answer.Text, StringComparison.Ordinal);
    }
}

/// <summary>Without a signing secret nothing can be verified, so the Slack endpoints are not there at all.</summary>
[Trait("Category", "Slow")]
public sealed class SlackOffTests
{
    [Fact]
    public async Task EndpointsAreNotServedAndTheLogSaysWhy()
    {
        var log = new LogCapture();
        await using var bot = await RunningBot.StartAsync(services => services.AddSingleton<ILoggerProvider>(log), ("Storage:Provider", "memory"));

        using var events = await bot.Client.SendAsync(Signed(SlackChannel.EventsPath, """{"type":"url_verification","challenge":"x"}"""));
        using var interactive = await bot.Client.SendAsync(Signed(SlackChannel.InteractivePath, "payload=%7B%7D", "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.NotFound, events.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, interactive.StatusCode);
        Assert.Contains(log.Entries, e => e.EventId == 3101 && e.Message.Contains("no Slack:SigningSecret", StringComparison.Ordinal));
    }
}
