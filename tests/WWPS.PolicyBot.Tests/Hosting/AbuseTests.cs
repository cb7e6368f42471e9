using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using WWPS.PolicyBot.Tests.DirectLine;
using WWPS.PolicyBot.Tests.Support;

namespace WWPS.PolicyBot.Tests.Hosting;

/// <summary>
/// Issue 12's abuse run against the built bot (its own process, with its 128 MB heap limit): strangers flood the web
/// chat while a parent uses it. The host must stay up and healthy, never answer the floods with a 5xx, and keep
/// answering. 20 seconds in CI; <c>POLICYBOT_ABUSE_SECONDS=150</c> runs the full length.
/// </summary>
[Trait("Category", "Slow")]
public sealed class AbuseTests
{
    private const int Conversations = 16;

    [Fact]
    public async Task SixteenConversationsFloodingLongMessagesLeaveTheHostHealthyAndAnswering()
    {
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("POLICYBOT_ABUSE_SECONDS"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s > 0 ? s : 20;
        using var data = new Testing.TempFolder();

        // The per-client limits off (as many addresses as it takes would get the same): what is left to hold the line
        // is the bounds on memory, length and concurrency.
        await using var bot = await BotProcess.StartAsync(data.Path, ("RateLimits:MessagesBurst", "1000000"), ("RateLimits:ConversationsBurst", "1000000"));
        var client = new DirectLineClient(bot.Client);
        var floods = new List<DirectLineClient.Conversation>();
        for (var i = 0; i < Conversations; i++)
        {
            floods.Add(await client.StartAsync("dl_flood" + i.ToString(CultureInfo.InvariantCulture), "Flood"));
        }

        var statuses = new ConcurrentDictionary<int, int>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var work = floods.Select((c, i) => FloodAsync(bot, c, i, statuses, stop.Token))
            .Concat(floods.Take(4).Select(c => ReadHistoryAsync(bot, c, statuses, stop.Token)))
            .ToList();

        // Meanwhile a parent asks, and the host says it is healthy.
        var parent = await client.StartAsync("dl_parent", "Pat");
        while (!stop.IsCancellationRequested)
        {
            using var health = await bot.Client.GetAsync(new Uri("healthz", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Contains(await parent.SayAndReadAsync("whoami"), r => r.Contains("dl_parent", StringComparison.Ordinal));
            await Task.Delay(1000);
        }

        await Task.WhenAll(work);
        Assert.DoesNotContain(statuses.Keys, status => status >= 500);
        Assert.True(statuses.GetValueOrDefault(413) > 0, "the over-long messages were refused");
        Assert.True(statuses.GetValueOrDefault(200) > 0, "the messages within the limit were taken");

        // Afterwards: still up, and a newcomer is answered.
        var newcomer = await client.StartAsync("dl_newcomer", "Sam");
        Assert.Contains(await newcomer.SayAndReadAsync("whoami"), r => r.Contains("dl_newcomer", StringComparison.Ordinal));
    }

    /// <summary>Alternately ~200 KB messages (over the length limit) and full-length 20,000-character ones, each new.</summary>
    private static async Task FloodAsync(BotProcess bot, DirectLineClient.Conversation conversation, int index, ConcurrentDictionary<int, int> statuses, CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var length = n % 2 == 0 ? 200_000 : 20_000;
            var text = new StringBuilder(length);
            text.Append(CultureInfo.InvariantCulture, $"flood {index} message {n}: can I post photos of the children? ");
            while (text.Length < length)
            {
                text.Append("Leo's mum rang 07700 900300 about the trip. ");
            }

            var body = JsonSerializer.Serialize(new { type = "message", text = text.ToString(0, length), channelData = new { clientActivityID = $"f{index}-{n}" } });
            var (status, _) = await Tolerant(() => DirectLineClient.SendAsync(bot.Client, HttpMethod.Post, $"conversations/{conversation.Id}/activities", conversation.Token, body));
            statuses.AddOrUpdate((int)status, 1, (_, c) => c + 1);
        }
    }

    /// <summary>Reads the whole history over and over, as a client that polls from the start would.</summary>
    private static async Task ReadHistoryAsync(BotProcess bot, DirectLineClient.Conversation conversation, ConcurrentDictionary<int, int> statuses, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var (status, _) = await Tolerant(() => DirectLineClient.SendAsync(bot.Client, HttpMethod.Get, $"conversations/{conversation.Id}/activities?watermark=", conversation.Token));
            statuses.AddOrUpdate((int)status, 1, (_, c) => c + 1);
        }
    }

    /// <summary>A status for every call; a connection the host dropped counts as a 5xx.</summary>
    private static async Task<(HttpStatusCode Status, JsonElement Body)> Tolerant(Func<Task<(HttpStatusCode, JsonElement)>> call)
    {
        try
        {
            return await call();
        }
        catch (HttpRequestException)
        {
            return (HttpStatusCode.BadGateway, default);
        }
        catch (TaskCanceledException)
        {
            return (HttpStatusCode.GatewayTimeout, default);
        }
    }
}
