using System.Net;
using System.Text;
using System.Text.Json;
using WWPS.PolicyBot.Tests.EscalationConsole;
using WWPS.PolicyBot.Tests.Support;

namespace WWPS.PolicyBot.Tests.DirectLine;

/// <summary>
/// Floods of anonymous Direct Line calls, as issue 12 found them: 1,100 token requests in a second once took every
/// conversation slot for an hour. The callers' addresses come in <c>X-Forwarded-For</c>, which the bot believes from
/// this machine (a proxy on loopback is trusted by default), so one test process can be many clients.
/// </summary>
[Trait("Category", "Slow")]
public sealed class FloodTests
{
    private const int Flood = 1_100;

    [Fact]
    public async Task OneClientAskingForTokensIsSlowedWith429AndOthersStillGetAChat()
    {
        await using var bot = await RunningBot.StartAsync(
            ("RateLimits:ConversationsBurst", "20"), ("RateLimits:ConversationsPerMinute", "10"), ("Storage:Provider", "memory"));

        var statuses = await FloodAsync(bot, _ => "198.51.100.7");

        Assert.DoesNotContain(statuses, s => (int)s >= 500);
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.OK), 20, 25);
        Assert.Equal(Flood, statuses.Count(s => s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests));

        using var refused = await GenerateAsync(bot, "198.51.100.7");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        using var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Equal("TooManyRequests", error.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("try again", error.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);

        await AssertANewUserIsAnsweredAsync(bot, "198.51.100.8");
    }

    [Fact]
    public async Task TokensFromManyAddressesNeverUsedCannotFillTheConversationSlots()
    {
        await using var bot = await RunningBot.StartAsync(
            ConsoleBrowser.Settings(("DirectLine:MaxConversations", "50"), ("Storage:Provider", "memory")));

        var statuses = await FloodAsync(bot, i => $"10.1.{i / 250}.{i % 250}");

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        await AssertANewUserIsAnsweredAsync(bot, "198.51.100.9");
        var managersChat = await StaffChat.OpenAsync(bot.BaseAddress, bot.Client);
        Assert.Contains(await managersChat.SayAndReadAsync("whoami"), r => r.Contains("dl_manager", StringComparison.Ordinal));
    }

    private static async Task<HttpStatusCode[]> FloodAsync(RunningBot bot, Func<int, string> address)
    {
        var statuses = new HttpStatusCode[Flood];
        await Parallel.ForEachAsync(Enumerable.Range(0, Flood), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            using var response = await GenerateAsync(bot, address(i));
            statuses[i] = response.StatusCode;
        });
        return statuses;
    }

    private static Task<HttpResponseMessage> GenerateAsync(RunningBot bot, string address)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(DirectLineClient.Domain + "tokens/generate", UriKind.Relative))
        {
            Content = new StringContent("{}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Forwarded-For", address);
        return bot.Client.SendAsync(request);
    }

    /// <summary>Someone else opens the page: a conversation, and the bot answers them.</summary>
    private static async Task AssertANewUserIsAnsweredAsync(RunningBot bot, string address)
    {
        using var http = new HttpClient { BaseAddress = bot.BaseAddress };
        http.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        var conversation = await new DirectLineClient(http).StartAsync("dl_newcomer", "Newcomer");
        var replies = await conversation.SayAndReadAsync("whoami");
        Assert.Contains(replies, r => r.Contains("dl_newcomer", StringComparison.Ordinal));
    }
}
