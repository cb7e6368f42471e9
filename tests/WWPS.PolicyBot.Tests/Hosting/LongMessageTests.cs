using System.Net;
using System.Text;
using System.Text.Json;
using WWPS.PolicyBot.Tests.BotFramework;
using WWPS.PolicyBot.Tests.DirectLine;
using WWPS.PolicyBot.Tests.Slack;
using WWPS.PolicyBot.Tests.Support;
using static WWPS.PolicyBot.Tests.Slack.SlackRequests;

namespace WWPS.PolicyBot.Tests.Hosting;

/// <summary>
/// A message longer than the longest draft the bot checks (20,000 characters) is refused with a clear message on every
/// channel, and neither answered as a question or a draft nor kept: a stranger cannot fill the bot with text.
/// </summary>
[Trait("Category", "Slow")]
public sealed class LongMessageTests
{
    private const string Refusal = "That message is 20,001 characters; I can read up to 20,000 at a time. Please send it in parts, or shorten it.";

    // A marker to look for in the database afterwards, padded to one character over the limit.
    private static readonly string LongText = ("zebracrossingmarker can I friend a parent? " + new string('x', 20_001))[..20_001];

    [Fact]
    public async Task DirectLineRefusesWith413BeforeStoringIt()
    {
        await using var bot = await RunningBot.StartAsync();
        var client = new DirectLineClient(bot.Client);
        var conversation = await client.StartAsync();
        var (_, afterGreeting) = await conversation.PollAsync();

        var message = JsonSerializer.Serialize(new { type = "message", text = LongText, channelData = new { clientActivityID = "wc-1" } });
        var (status, body) = await client.SendAsync(HttpMethod.Post, $"conversations/{conversation.Id}/activities", conversation.Token, message);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("MessageSizeTooBig", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(Refusal, body.GetProperty("error").GetProperty("message").GetString());
        var (activities, _) = await conversation.PollAsync(afterGreeting);
        Assert.Empty(activities);
        await AssertNotStoredAsync(bot);
    }

    [Fact]
    public async Task TeamsMessageIsAnsweredWithTheRefusalAndNotKept()
    {
        await using var bot = await RunningBot.StartAsync();
        var json = Activities.Message("long-1", new Uri("http://127.0.0.1:9/"), LongText, deliveryMode: "expectReplies");

        using var response = await bot.Client.PostAsync(new Uri("api/messages", UriKind.Relative), Activities.Json(json));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var replies = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var reply = Assert.Single(replies.RootElement.GetProperty("activities").EnumerateArray());
        Assert.Equal(Refusal, reply.GetProperty("text").GetString());
        await AssertNotStoredAsync(bot);
    }

    [Fact]
    public async Task SlackMessageIsAnsweredWithTheRefusal()
    {
        await using var api = await FakeSlackApi.StartAsync();
        await using var bot = await RunningBot.StartAsync(
            ("Slack:SigningSecret", Secret), ("Slack:BotToken", "xoxb-test-token"), ("Slack:ApiBaseUrl", api.ApiBaseUrl.AbsoluteUri));

        using var response = await bot.Client.SendAsync(Event(Envelope("EvLong", DirectMessage(LongText, "1700000000.000100"))));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var post = await api.NextPostAsync();
        Assert.Equal(Refusal, post.Text);
        await AssertNotStoredAsync(bot);
    }

    /// <summary>Nothing the bot wrote to disk (database and its journal) holds the text.</summary>
    private static async Task AssertNotStoredAsync(RunningBot bot)
    {
        var marker = Encoding.UTF8.GetBytes("zebracrossingmarker");
        foreach (var file in Directory.EnumerateFiles(bot.DataFolder, "*", SearchOption.AllDirectories))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            Assert.True(copy.ToArray().AsSpan().IndexOf(marker) < 0, $"{Path.GetFileName(file)} holds the refused text");
        }
    }
}
