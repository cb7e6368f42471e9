using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Text.Json;
using WWPS.PolicyBot.Tests.Support;
using WWPS.PolicyBot.Tests.Testing;

namespace WWPS.PolicyBot.Tests.BotFramework;

/// <summary>No app id: the bot serves this machine only, and replies go to the serviceUrl without a token.</summary>
[Trait("Category", "Slow")]
public sealed class LocalModeTests
{
    private static readonly Uri Messages = new("api/messages", UriKind.Relative);
    private static readonly Uri Unused = new("http://127.0.0.1:9/");

    [Theory]
    [InlineData("{not json", "malformed JSON")]
    [InlineData("null", "malformed JSON")]
    [InlineData("""{"type":"message","conversation":{"id":"c1"}}""", "missing serviceUrl")]
    [InlineData("""{"conversation":{"id":"c1"},"serviceUrl":"http://127.0.0.1:9/"}""", "missing type")]
    [InlineData("""{"type":"message","serviceUrl":"http://127.0.0.1:9/"}""", "missing conversation")]
    [InlineData("""{"type":"message","conversation":{"id":"c1"},"serviceUrl":"file:///etc/passwd"}""", "missing serviceUrl")]
    public async Task RefusesMalformedActivitiesWithAShortReason(string body, string reason)
    {
        await using var bot = await RunningBot.StartAsync();

        using var response = await bot.Client.PostAsync(Messages, Activities.Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal($$"""{"error":"{{reason}}"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RefusesOversizedBodies()
    {
        await using var bot = await RunningBot.StartAsync();
        var huge = Activities.Message("big", Unused, new string('a', 300 * 1024));

        using var response = await bot.Client.PostAsync(Messages, Activities.Json(huge));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task AcceptsAndIgnoresUnknownActivityTypes()
    {
        await using var bot = await RunningBot.StartAsync();
        const string body = """{"type":"somethingNew","id":"x1","channelId":"msteams","serviceUrl":"http://127.0.0.1:9/","conversation":{"id":"c1"},"deliveryMode":"expectReplies"}""";

        using var response = await bot.Client.PostAsync(Messages, Activities.Json(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"activities":[]}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task InvokeWithoutAnAnswerGets501()
    {
        await using var bot = await RunningBot.StartAsync();
        const string body = """{"type":"invoke","name":"adaptiveCard/action","id":"i1","channelId":"msteams","serviceUrl":"http://127.0.0.1:9/","conversation":{"id":"c1"},"value":{}}""";

        using var response = await bot.Client.PostAsync(Messages, Activities.Json(body));

        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
    }

    [Fact]
    public async Task LoopbackCallerWithoutATokenIsAnswered()
    {
        await using var bot = await RunningBot.StartAsync();

        using var response = await bot.Client.PostAsync(Messages, Activities.Json(Activities.Message("m1", Unused, "can I friend a parent?", deliveryMode: "expectReplies")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Friendships with parents", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestRelayedByAProxyIsRefused()
    {
        await using var bot = await RunningBot.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, Messages) { Content = Activities.Json(Activities.Message("m1", Unused, "hi")) };
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");

        using var response = await bot.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task RedeliveredActivityIsProcessedOnce()
    {
        await using var bot = await RunningBot.StartAsync();
        var json = Activities.Message("same-id", Unused, "can I friend a parent?", deliveryMode: "expectReplies");

        using var first = await bot.Client.PostAsync(Messages, Activities.Json(json));
        using var second = await bot.Client.PostAsync(Messages, Activities.Json(json));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Single(Replies(await first.Content.ReadAsStringAsync()));
        Assert.Empty(Replies(await second.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task RepliesReachTheConnectorAtTheReplyPathWithoutAToken()
    {
        await using var connector = await FakeConnector.StartAsync();
        await using var bot = await RunningBot.StartAsync();

        using var response = await bot.Client.PostAsync(Messages, Activities.Json(Activities.Message("m/1", connector.BaseAddress, "can I friend a parent?")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        var call = await connector.NextMessageAsync();
        Assert.Equal("/v3/conversations/a%3A1%3Bconv%40thread/activities/m%2F1", call.Path);
        Assert.Null(call.Authorization);
        Assert.Contains("Friendships with parents", ActivityJson.ReadableText(call.Activity), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlowTurnShowsTypingBeforeTheAnswer()
    {
        await using var connector = await FakeConnector.StartAsync();
        // A zero delay makes every turn "slow", so the order can be checked without a slow bot.
        await using var bot = await RunningBot.StartAsync(("BotFramework:TypingDelay", "00:00:00"));

        using var response = await bot.Client.PostAsync(Messages, Activities.Json(Activities.Message("t1", connector.BaseAddress, "can I friend a parent?")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("typing", (await connector.NextCallAsync()).Activity.GetProperty("type").GetString());
        Assert.Equal("message", (await connector.NextCallAsync()).Activity.GetProperty("type").GetString());
    }

    [Fact]
    public async Task QuickTurnSendsNoTyping()
    {
        await using var connector = await FakeConnector.StartAsync();
        await using var bot = await RunningBot.StartAsync(("BotFramework:TypingDelay", "00:00:10"));

        using var response = await bot.Client.PostAsync(Messages, Activities.Json(Activities.Message("t2", connector.BaseAddress, "can I friend a parent?")));

        Assert.Equal("message", (await connector.NextCallAsync()).Activity.GetProperty("type").GetString());
    }

    [Fact]
    public async Task ConnectorThatNeverAnswersDoesNotHoldTheRequest()
    {
        var clock = new ManualTimeProvider();
        var timeout = TimeSpan.FromSeconds(7);
        var backoff = TimeSpan.FromSeconds(3);
        await using var connector = await FakeConnector.StartAsync(hang: true);
        await using var bot = await RunningBot.StartAsync(
            services => services.AddSingleton<TimeProvider>(clock),
            ("BotFramework:ConnectorTimeout", "00:00:07"), ("BotFramework:ConnectorBackoff", "00:00:03"));
        var log = LogCapture.AttachTo(bot.Services);

        // The host's clock stands still, so no connector deadline can pass: the answer came back without waiting for one.
        using var response = await bot.Client.PostAsync(Messages, Activities.Json(Activities.Message("d1", connector.BaseAddress, "can I friend a parent?")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // Then each of the three attempts times out in turn, with the backoff between them.
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            await clock.WaitForTimerAsync(due => due == timeout);
            clock.Advance(timeout);
            if (attempt < 3)
            {
                var wait = backoff * Math.Pow(2, attempt - 1);
                await clock.WaitForTimerAsync(due => due == wait);
                clock.Advance(wait);
            }
        }

        var failure = await log.WaitForAsync(3007, TimeSpan.FromSeconds(20));
        Assert.Contains("timeout", failure.Message, StringComparison.Ordinal);
        Assert.Contains("3 attempt(s)", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("friend", failure.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ConnectorThatRefusesConnectionsDoesNotHoldTheRequest()
    {
        var clock = new ManualTimeProvider();
        var backoff = TimeSpan.FromSeconds(3);
        await using var bot = await RunningBot.StartAsync(services => services.AddSingleton<TimeProvider>(clock), ("BotFramework:ConnectorBackoff", "00:00:03"));
        var log = LogCapture.AttachTo(bot.Services);

        // The clock stands still, so the retries wait for ever: the answer came back without waiting for them.
        using var response = await bot.Client.PostAsync(Messages, Activities.Json(Activities.Message("r1", ClosedPort.ServiceUrl(), "can I friend a parent?")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        for (var retry = 1; retry < 3; retry++)
        {
            var wait = backoff * Math.Pow(2, retry - 1);
            await clock.WaitForTimerAsync(due => due == wait);
            clock.Advance(wait);
        }

        var failure = await log.WaitForAsync(3007, TimeSpan.FromSeconds(20));
        Assert.Contains("ConnectionError", failure.Message, StringComparison.Ordinal);
    }

    private static JsonElement[] Replies(string body)
    {
        using var document = JsonDocument.Parse(body);
        return [.. document.RootElement.GetProperty("activities").EnumerateArray().Select(e => e.Clone())];
    }
}
