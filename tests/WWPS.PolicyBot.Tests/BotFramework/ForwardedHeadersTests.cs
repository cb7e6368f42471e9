using System.Net;
using WWPS.PolicyBot.Tests.Support;

namespace WWPS.PolicyBot.Tests.BotFramework;

/// <summary>
/// Local mode (no app id) serves this machine only, and which machine a request came from is the connection's own
/// address: a header a caller writes never makes it local, whatever the operator turned on for a proxy.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ForwardedHeadersTests
{
    private static readonly Uri Messages = new("api/messages", UriKind.Relative);
    private static readonly Uri Unused = new("http://127.0.0.1:9/");
    private static readonly IPAddress Stranger = IPAddress.Parse("198.51.100.7");

    // What the README once told operators to set for the console behind a TLS proxy; the web host's defaults then
    // trusted X-Forwarded-For from anyone.
    private static readonly string[] EnvironmentForwarding = ["--ForwardedHeaders_Enabled=true"];

    [Theory]
    [InlineData("X-Forwarded-For", "127.0.0.1")]
    [InlineData("X-Forwarded-For", "::1")]
    [InlineData("Forwarded", "for=127.0.0.1")]
    public async Task RemoteCallerClaimingToBeLoopbackIsRefusedWithForwardedHeadersOn(string header, string value)
    {
        await using var bot = await RunningBot.StartSeenFromAsync(Stranger, EnvironmentForwarding);

        using var response = await SendAsync(bot, header, value);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task RemoteCallerClaimingToBeLoopbackIsRefusedEvenWhenTheProxiesAreConfigured()
    {
        // The operator names a proxy; a caller that is not it still cannot speak for loopback.
        await using var bot = await RunningBot.StartSeenFromAsync(
            Stranger, EnvironmentForwarding, ("ForwardedHeaders:KnownProxies:0", "203.0.113.10"));

        using var response = await SendAsync(bot, "X-Forwarded-For", "127.0.0.1");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task RemoteCallerWithoutHeadersIsRefused()
    {
        await using var bot = await RunningBot.StartSeenFromAsync(Stranger, []);

        using var response = await SendAsync(bot, header: null, value: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ConfiguredProxyForwardingACallerIsNotLocalEither()
    {
        // A trusted proxy's connection is not this machine's user: it relays someone else.
        await using var bot = await RunningBot.StartSeenFromAsync(
            IPAddress.Parse("203.0.113.10"), [], ("ForwardedHeaders:KnownProxies:0", "203.0.113.10"));

        using var response = await SendAsync(bot, "X-Forwarded-For", "127.0.0.1");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task LoopbackCallerIsStillAnsweredWithForwardedHeadersOn()
    {
        await using var bot = await RunningBot.StartAsync(new RunningBotSetup { Args = EnvironmentForwarding });

        using var response = await SendAsync(bot, header: null, value: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("203.0.113.10", HttpStatusCode.ServiceUnavailable)]
    [InlineData("198.51.100.7", HttpStatusCode.BadRequest)]
    public async Task OnlyAConfiguredProxyCanSayTheRequestWasHttps(string caller, HttpStatusCode expected)
    {
        // The console serves only HTTPS (400, "needs HTTPS"); past that check, with no roles set up, it answers 503.
        await using var bot = await RunningBot.StartSeenFromAsync(IPAddress.Parse(caller), [], ("ForwardedHeaders:KnownNetworks:0", "203.0.113.0/24"));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("console/login", UriKind.Relative));
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "192.0.2.44");

        using var response = await bot.Client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task TheConsoleServesPlainHttpOnlyToThisMachineNotToACallerClaimingToBeIt()
    {
        // Plain HTTP is for a browser on the bot's own machine; a remote caller's header does not make it one.
        await using var bot = await RunningBot.StartSeenFromAsync(Stranger, EnvironmentForwarding);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("console/login", UriKind.Relative));
        request.Headers.Add("X-Forwarded-For", "127.0.0.1");

        using var response = await bot.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("HTTPS", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> SendAsync(RunningBot bot, string? header, string? value)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Messages)
        {
            Content = Activities.Json(Activities.Message("f1", Unused, "hi", deliveryMode: "expectReplies")),
        };
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }

        return await bot.Client.SendAsync(request);
    }
}
