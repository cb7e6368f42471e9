using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CsCheck;
using WWPS.PolicyBot.Slack;
using WWPS.PolicyBot.Tests.DirectLine;
using WWPS.PolicyBot.Tests.Slack;
using WWPS.PolicyBot.Tests.Support;
using Xunit.Abstractions;

namespace WWPS.PolicyBot.Tests.Fuzz;

/// <summary>One running bot for the protocol fuzz tests (local mode, Slack on with a fake Web API, state in memory).</summary>
public sealed class FuzzBotFixture : IAsyncLifetime
{
    internal RunningBot Bot { get; private set; } = null!;

    internal FakeSlackApi Slack { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Slack = await FakeSlackApi.StartAsync();
        Bot = await RunningBot.StartAsync(
            ("Storage:Provider", "memory"),
            ("Slack:SigningSecret", SlackRequests.Secret),
            ("Slack:BotToken", "xoxb-test-token"),
            ("Slack:ApiBaseUrl", Slack.ApiBaseUrl.AbsoluteUri),
            ("Slack:ApiAttempts", "1"),
            ("BotFramework:ConnectorTimeout", "00:00:00.2"),
            ("BotFramework:ConnectorBackoff", "00:00:00.01"));
    }

    public async Task DisposeAsync()
    {
        await Bot.DisposeAsync();
        await Slack.DisposeAsync();
    }
}

/// <summary>
/// Random requests into every endpoint a stranger (or a channel) can reach: whatever arrives, the answer is never a
/// server error (5xx; an invoke no route takes gets the protocol's 501). Hundreds of cases each in CI; <c>POLICYBOT_FUZZ_SECONDS</c> runs each for that long instead.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ProtocolFuzzTests(FuzzBotFixture fixture, ITestOutputHelper output) : IClassFixture<FuzzBotFixture>
{
    private static readonly string[] ActivityFields =
    [
        "type", "id", "channelId", "serviceUrl", "conversation", "from", "recipient", "text", "value", "attachments", "entities",
        "channelData", "deliveryMode", "replyToId", "membersAdded", "membersRemoved", "name", "locale", "timestamp", "suggestedActions",
        "textFormat", "summary", "action", "relatesTo", "contentType", "content", "contentUrl", "role", "isGroup", "conversationType", "tenantId",
    ];

    private static readonly Dictionary<string, string[]> KnownActivityValues = new(StringComparer.Ordinal)
    {
        ["type"] = ["\"message\"", "\"conversationUpdate\"", "\"invoke\"", "\"event\"", "\"messageReaction\"", "\"installationUpdate\"", "\"typing\""],
        ["serviceUrl"] = ["\"http://127.0.0.1:9/\"", "\"https://127.0.0.1:9\""],
        ["conversation"] = ["{\"id\":\"fuzz-1\"}", "{\"id\":\"fuzz-2\",\"isGroup\":true}", "{\"id\":\"\"}"],
        ["from"] = ["{\"id\":\"u1\",\"name\":\"Pat\"}", "{\"id\":\"dl_manager\"}", "{}"],
        ["deliveryMode"] = ["\"expectReplies\"", "\"normal\""],
        ["channelId"] = ["\"msteams\"", "\"emulator\"", "\"directline\"", "\"slack\""],
        ["name"] = ["\"adaptiveCard/action\"", "\"handoff.status\"", "\"signin/verifyState\""],
        ["text"] = ["\"can I friend a parent?\"", "\"help\"", "\"talk to the manager\"", "\"check my post\"", "\"accept 1\"", "\"whoami\""],
        ["value"] = ["{\"action\":\"helpful\"}", "{\"state\":\"accepted\"}", "{\"choice\":\"methods-1\"}"],
    };

    private static readonly string[] EventFields =
    [
        "type", "event", "event_id", "team_id", "api_app_id", "event_time", "authorizations", "challenge", "channel", "channel_type",
        "user", "text", "ts", "thread_ts", "subtype", "bot_id", "assistant_thread", "channel_id", "context", "user_id", "blocks",
    ];

    private static readonly Dictionary<string, string[]> KnownEventValues = new(StringComparer.Ordinal)
    {
        ["type"] = ["\"event_callback\"", "\"url_verification\"", "\"message\"", "\"app_mention\"", "\"assistant_thread_started\"", "\"block_actions\""],
        ["event"] = ["{\"type\":\"message\",\"channel_type\":\"im\",\"channel\":\"D1\",\"user\":\"U1\",\"text\":\"help\",\"ts\":\"1.1\"}"],
        ["channel_type"] = ["\"im\"", "\"channel\""],
        ["channel"] = ["\"D0001\"", "{\"id\":\"D0001\",\"name\":\"directmessage\"}"],
        ["user"] = ["\"U0001\"", "{\"id\":\"U0001\"}"],
        ["ts"] = ["\"1700000000.000100\"", "\"x\""],
    };

    private static readonly string[] InteractiveFields =
    [
        "type", "user", "team", "channel", "container", "message", "actions", "trigger_id", "response_url", "api_app_id",
        "action_id", "value", "action_ts", "block_id", "text", "id", "name", "message_ts", "channel_id", "thread_ts",
    ];

    private static readonly Dictionary<string, string[]> KnownInteractiveValues = new(StringComparer.Ordinal)
    {
        ["type"] = ["\"block_actions\"", "\"button\"", "\"view_submission\""],
        ["user"] = ["{\"id\":\"U0001\"}"],
        ["channel"] = ["{\"id\":\"D0001\",\"name\":\"directmessage\"}"],
        ["actions"] = ["[{\"type\":\"button\",\"action_id\":\"submit:helpful\",\"value\":\"{\\\"action\\\":\\\"helpful\\\"}\",\"action_ts\":\"1.2\"}]", "[]", "[{}]"],
    };

    private static readonly string[] DirectLinePaths =
    [
        "tokens/generate", "tokens/refresh", "conversations", "conversations/{id}", "conversations/{id}/activities",
        "conversations/{id}/activities?watermark={text}", "conversations/{id}/upload", "conversations/{id}/attachments/{text}",
        "conversations/{text}/activities", "conversations/{id}/stream", "conversations/{text}",
    ];

    private static readonly string[] ContentTypes =
    [
        "application/json", "text/plain", "multipart/form-data; boundary=xyz", "multipart/form-data", "application/vnd.microsoft.activity", "",
    ];

    private HttpClient Http => fixture.Bot.Client;

    [Fact]
    public async Task AnyActivityJsonIntoApiMessagesIsNeverAServerError()
    {
        // Half are a well-formed message (so the turn runs, on random text and random extra fields), half anything.
        var message = Gen.Select(Gen.Int[0, 50], FuzzText.Text(15), Gen.Bool, FuzzJson.Object(ActivityFields, 1, KnownActivityValues), (conversation, text, expect, extra) =>
            $$"""{"type":"message","id":"{{Guid.NewGuid():N}}","channelId":"msteams","serviceUrl":"http://127.0.0.1:9/","conversation":{"id":"fuzz-{{conversation}}"},"from":{"id":"u{{conversation}}"},"text":{{JsonSerializer.Serialize(text)}}{{(expect ? ",\"deliveryMode\":\"expectReplies\"" : string.Empty)}}{{(extra.Length > 2 ? "," + extra[1..^1] : string.Empty)}}}""");
        var activity = Gen.Frequency((1, message), (1, FuzzJson.Body(FuzzJson.Object(ActivityFields, 2, KnownActivityValues))));
        var (iterations, seconds) = FuzzText.Budget(1_500);
        await activity.SampleAsync(async body =>
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await Http.PostAsync(new Uri("api/messages", UriKind.Relative), content);

            // 501 is the protocol's answer to an invoke that no route takes (the SDK's too), not a failure.
            Assert.True((int)response.StatusCode < 500 || response.StatusCode == HttpStatusCode.NotImplemented, $"{(int)response.StatusCode} for {body}");
        }, writeLine: output.WriteLine, iter: iterations, time: seconds, threads: 2);
    }

    [Fact]
    public async Task AnyDirectLineRequestIsNeverAServerError()
    {
        var conversation = await new DirectLineClient(Http).StartAsync("dl_fuzz", "Fuzz");
        var request = Gen.Select(
            Gen.OneOf(DirectLinePaths),
            Gen.OneOf("GET", "POST", "PUT", "DELETE"),
            Gen.Int[0, 3],
            Gen.OneOf(ContentTypes),
            FuzzJson.Body(FuzzJson.Object(ActivityFields, 2, KnownActivityValues)),
            FuzzText.Text(6),
            (path, method, token, type, body, text) => (path, method, token, type, body, text));
        var (iterations, seconds) = FuzzText.Budget(1_500);
        await request.SampleAsync(async r =>
        {
            var path = r.path.Replace("{id}", conversation.Id, StringComparison.Ordinal).Replace("{text}", Uri.EscapeDataString(r.text), StringComparison.Ordinal);
            using var message = new HttpRequestMessage(new HttpMethod(r.method), new Uri(DirectLineClient.Domain + path, UriKind.Relative));
            if (r.method != "GET")
            {
                message.Content = new StringContent(r.body, Encoding.UTF8);
                message.Content.Headers.ContentType = r.type.Length == 0 ? null : MediaTypeHeaderValue.Parse(r.type);
            }

            var token = r.token switch { 0 => null, 1 => conversation.Token, 2 => Uri.EscapeDataString(r.text), _ => conversation.Token + "x" };
            if (token is not null)
            {
                message.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
            }

            using var response = await Http.SendAsync(message);
            Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode} for {r.method} {path} ({r.type}): {r.body}");
        }, writeLine: output.WriteLine, iter: iterations, time: seconds, threads: 2);
    }

    [Fact]
    public async Task AnySignedSlackPayloadIsNeverAServerError()
    {
        var events = FuzzJson.Body(FuzzJson.Object(EventFields, 2, KnownEventValues)).Select(body => (SlackChannel.EventsPath, body, "application/json"));
        var clicks = FuzzJson.Body(FuzzJson.Object(InteractiveFields, 2, KnownInteractiveValues))
            .Select(payload => (SlackChannel.InteractivePath, "payload=" + Uri.EscapeDataString(payload), "application/x-www-form-urlencoded"));
        var forms = FuzzText.Text(30).Select(text => (SlackChannel.InteractivePath, text, "application/x-www-form-urlencoded"));
        var (iterations, seconds) = FuzzText.Budget(1_500);
        await Gen.Frequency((5, events), (4, clicks), (1, forms)).SampleAsync(async r =>
        {
            using var request = SlackRequests.Signed(r.Item1, r.Item2, r.Item3);
            using var response = await Http.SendAsync(request);
            Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode} for {r.Item1}: {r.Item2}");
        }, writeLine: output.WriteLine, iter: iterations, time: seconds, threads: 2);
    }
}
