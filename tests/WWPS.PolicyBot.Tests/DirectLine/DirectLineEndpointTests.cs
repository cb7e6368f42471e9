using System.Net;
using System.Text.Json;
using WWPS.PolicyBot.Tests.Support;

namespace WWPS.PolicyBot.Tests.DirectLine;

/// <summary>One running bot for the class: every test opens its own conversation, so they cannot see each other.</summary>
public sealed class RunningBotFixture : IAsyncLifetime
{
    internal RunningBot Bot { get; private set; } = null!;

    public async Task InitializeAsync() => Bot = await RunningBot.StartAsync(("Storage:Provider", "memory"));

    public async Task DisposeAsync() => await Bot.DisposeAsync();
}

/// <summary>The Direct Line 3.0 subset over real HTTP, checked against what directlinejs and Web Chat rely on (Direct Line README).</summary>
public sealed class DirectLineEndpointTests(RunningBotFixture fixture) : IClassFixture<RunningBotFixture>
{
    private readonly DirectLineClient _client = new(fixture.Bot.Client);

    private HttpClient Http => fixture.Bot.Client;

    [Fact]
    public async Task StartingAConversationGreetsTheUserAsTheBot()
    {
        var (status, body) = await _client.SendAsync(HttpMethod.Post, "conversations", token: null, json: "{}");

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("token").GetString()));
        Assert.InRange(body.GetProperty("expires_in").GetInt32(), 60, 24 * 3600);

        var conversation = new DirectLineClient.Conversation(_client, body.GetProperty("conversationId").GetString()!, body.GetProperty("token").GetString()!);
        var (activities, watermark) = await conversation.PollAsync();
        var greeting = Assert.Single(activities);
        Assert.Equal("message", greeting.GetProperty("type").GetString());
        Assert.Equal("bot", greeting.GetProperty("from").GetProperty("role").GetString());
        Assert.Contains("policy", greeting.GetProperty("text").GetString()!, StringComparison.OrdinalIgnoreCase);
        Assert.False(string.IsNullOrEmpty(greeting.GetProperty("id").GetString()));
        Assert.EndsWith("Z", greeting.GetProperty("timestamp").GetString(), StringComparison.Ordinal);
        Assert.Equal("1", watermark);
    }

    [Fact]
    public async Task PostedMessageIsEchoedWithServerIdAndUnchangedClientActivityIdThenAnswered()
    {
        var conversation = await _client.StartAsync();
        var (_, afterGreeting) = await conversation.PollAsync();

        var id = await conversation.SayAsync("can I friend a parent?", "wc-client-42");

        var (activities, _) = await conversation.PollAsync(afterGreeting);
        Assert.Equal(2, activities.Count);
        var echo = activities[0];
        Assert.Equal(id, echo.GetProperty("id").GetString());
        Assert.Equal("wc-client-42", echo.GetProperty("channelData").GetProperty("clientActivityID").GetString());
        Assert.Equal("user", echo.GetProperty("from").GetProperty("role").GetString());
        Assert.Equal("can I friend a parent?", echo.GetProperty("text").GetString());
        Assert.True(echo.TryGetProperty("timestamp", out _));

        var reply = activities[1];
        Assert.Equal("bot", reply.GetProperty("from").GetProperty("role").GetString());
        Assert.Equal(id, reply.GetProperty("replyToId").GetString());
        Assert.Contains("add parents as friendships", ActivityJson.ReadableText(reply), StringComparison.OrdinalIgnoreCase);
        Assert.False(reply.TryGetProperty("text", out _), "Web Chat would draw the card and its text twin as two bubbles");
        Assert.Contains("application/vnd.microsoft.card.adaptive", reply.GetRawText(), StringComparison.Ordinal);
        Assert.NotEqual(echo.GetProperty("id").GetString(), reply.GetProperty("id").GetString());

        // Web Chat orders by timestamp with millisecond precision: the answer must sort after the question.
        Assert.True(reply.GetProperty("timestamp").GetDateTimeOffset() - echo.GetProperty("timestamp").GetDateTimeOffset() >= TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task PollingFromTheLatestWatermarkReturnsNothingNew()
    {
        var conversation = await _client.StartAsync();
        await conversation.SayAsync("who do I tell about a worrying post?", "c1");
        var (all, watermark) = await conversation.PollAsync();

        var (again, sameWatermark) = await conversation.PollAsync(watermark);

        Assert.Equal(3, all.Count);
        Assert.Empty(again);
        Assert.Equal(watermark, sameWatermark);
    }

    [Fact]
    public async Task GeneratedTokenStartsItsConversationExactlyOnce()
    {
        var (generated, body) = await _client.SendAsync(HttpMethod.Post, "tokens/generate", token: null, json: """{"user":{"id":"dl_page_user"}}""");
        Assert.Equal(HttpStatusCode.OK, generated);
        var token = body.GetProperty("token").GetString()!;
        var conversationId = body.GetProperty("conversationId").GetString()!;

        var (first, started) = await _client.SendAsync(HttpMethod.Post, "conversations", token, "{}");
        var (second, _) = await _client.SendAsync(HttpMethod.Post, "conversations", token, "{}");

        Assert.Equal(HttpStatusCode.Created, first);
        Assert.Equal(HttpStatusCode.OK, second);
        Assert.Equal(conversationId, started.GetProperty("conversationId").GetString());
        var (activities, _) = await new DirectLineClient.Conversation(_client, conversationId, token).PollAsync();
        var greeting = Assert.Single(activities);
        Assert.Equal("dl_page_user", greeting.GetProperty("recipient").GetProperty("id").GetString());
    }

    [Fact]
    public async Task RefreshedTokenOpensTheSameConversation()
    {
        var conversation = await _client.StartAsync();

        var (status, body) = await _client.SendAsync(HttpMethod.Post, "tokens/refresh", conversation.Token);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(conversation.Id, body.GetProperty("conversationId").GetString());
        var fresh = body.GetProperty("token").GetString()!;
        Assert.NotEqual(conversation.Token, fresh);
        conversation.Token = fresh;
        var (activities, _) = await conversation.PollAsync();
        Assert.Single(activities);
    }

    [Fact]
    public async Task ReconnectReturnsTheConversationForItsToken()
    {
        var conversation = await _client.StartAsync();

        var (status, body) = await _client.SendAsync(HttpMethod.Get, $"conversations/{conversation.Id}?watermark=1", conversation.Token);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(conversation.Id, body.GetProperty("conversationId").GetString());
        Assert.Equal(conversation.Token, body.GetProperty("token").GetString());
    }

    public static TheoryData<string, string> EveryConversationCall => new()
    {
        { "GET", "conversations/{0}" },
        { "GET", "conversations/{0}/activities?watermark=" },
        { "POST", "conversations/{0}/activities" },
    };

    [Theory]
    [MemberData(nameof(EveryConversationCall))]
    public async Task WrongMissingOrOtherConversationsTokenIsForbidden(string method, string pathFormat)
    {
        var mine = await _client.StartAsync();
        var other = await _client.StartAsync();
        var path = string.Format(System.Globalization.CultureInfo.InvariantCulture, pathFormat, mine.Id);
        var body = method == "POST" ? """{"type":"message","text":"hi"}""" : null;

        foreach (var token in new[] { "not-a-token", null, other.Token })
        {
            var (status, _) = await _client.SendAsync(new HttpMethod(method), path, token, body);
            Assert.Equal(HttpStatusCode.Forbidden, status);
        }

        // Nothing a stranger sent reached the conversation.
        var (activities, _) = await mine.PollAsync();
        Assert.Single(activities);
    }

    [Fact]
    public async Task RefreshWithAnUnknownTokenIsForbidden()
    {
        var (status, _) = await _client.SendAsync(HttpMethod.Post, "tokens/refresh", "not-a-token");

        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Theory]
    [MemberData(nameof(EveryConversationCall))]
    public async Task UnknownConversationIsNotFound(string method, string pathFormat)
    {
        var mine = await _client.StartAsync();
        var path = string.Format(System.Globalization.CultureInfo.InvariantCulture, pathFormat, "no-such-conversation");
        var body = method == "POST" ? """{"type":"message","text":"hi"}""" : null;

        var (status, _) = await _client.SendAsync(new HttpMethod(method), path, mine.Token, body);

        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("")]
    [InlineData("""{"type":"message","text":42}""")]
    public async Task MalformedActivityIsRejectedAndNotEchoed(string body)
    {
        var conversation = await _client.StartAsync();

        var (status, error) = await _client.SendAsync(HttpMethod.Post, $"conversations/{conversation.Id}/activities", conversation.Token, body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("BadArgument", error.GetProperty("error").GetProperty("code").GetString());
        var (activities, _) = await conversation.PollAsync();
        Assert.Single(activities);
    }

    [Theory]
    [InlineData("conversations")]
    [InlineData("tokens/generate")]
    public async Task MalformedStartParametersAreRejected(string path)
    {
        var (status, _) = await _client.SendAsync(HttpMethod.Post, path, token: null, json: "{\"user\":");

        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Fact]
    public async Task WatermarkThatWasNeverIssuedIsRejected()
    {
        var conversation = await _client.StartAsync();

        var (status, _) = await _client.SendAsync(HttpMethod.Get, $"conversations/{conversation.Id}/activities?watermark=abc", conversation.Token);

        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Fact]
    public async Task ClientCannotPoseAsTheBot()
    {
        var conversation = await _client.StartAsync();
        var (_, watermark) = await conversation.PollAsync();
        var forged = JsonSerializer.Serialize(new { type = "message", text = "I am the bot", from = new { id = "x", role = "bot" } });

        var (status, _) = await _client.SendAsync(HttpMethod.Post, $"conversations/{conversation.Id}/activities", conversation.Token, forged);

        Assert.Equal(HttpStatusCode.OK, status);
        var (activities, _) = await conversation.PollAsync(watermark);
        Assert.Equal("user", activities[0].GetProperty("from").GetProperty("role").GetString());
    }

    /// <summary>Security bug: from.id was taken from the client, so any page could speak as any user id.</summary>
    [Fact]
    public async Task AnActivityIsAlwaysFromTheConversationsUserWhateverFromIdTheClientWrites()
    {
        var conversation = await _client.StartAsync("dl_me", "Me");
        var (_, watermark) = await conversation.PollAsync();
        var forged = JsonSerializer.Serialize(new { type = "message", text = "hello", from = new { id = "dl_someone_else", name = "Renamed", role = "user" } });
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(HttpMethod.Post, $"conversations/{conversation.Id}/activities", conversation.Token, forged)).Status);
        var anonymous = JsonSerializer.Serialize(new { type = "message", text = "hello again" });
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(HttpMethod.Post, $"conversations/{conversation.Id}/activities", conversation.Token, anonymous)).Status);

        var (activities, _) = await conversation.PollAsync(watermark);
        var echoes = activities.Where(a => a.GetProperty("from").GetProperty("role").GetString() == "user").ToList();
        Assert.Equal(2, echoes.Count);
        Assert.All(echoes, e => Assert.Equal("dl_me", e.GetProperty("from").GetProperty("id").GetString()));
        // The display name is the client's when it sends one, the conversation's otherwise.
        Assert.Equal("Renamed", echoes[0].GetProperty("from").GetProperty("name").GetString());
        Assert.Equal("Me", echoes[1].GetProperty("from").GetProperty("name").GetString());
    }

    [Fact]
    public async Task WithNothingReservedAnyUserIdMayBeNamed()
    {
        foreach (var path in new[] { "tokens/generate", "conversations" })
        {
            var (status, _) = await _client.SendAsync(HttpMethod.Post, path, token: null, json: JsonSerializer.Serialize(new { user = new { id = "dl_manager" } }));
            Assert.True(status is HttpStatusCode.OK or HttpStatusCode.Created, path);
        }
    }

    [Fact]
    public async Task ServesTheWebChatPageAndBundle()
    {
        var page = await Http.GetStringAsync(new Uri("/", UriKind.Relative));
        using var bundle = await Http.GetAsync(new Uri("/lib/webchat.js", UriKind.Relative));

        Assert.Contains("/lib/webchat.js", page, StringComparison.Ordinal);
        Assert.Contains("West Wycombe Preschool", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, bundle.StatusCode);
    }
}
