using System.Net;
using System.Text.Json;
using WWPS.PolicyBot.Tests.Support;

namespace WWPS.PolicyBot.Tests.BotFramework;

/// <summary>The bot with an app id, its keys served by a fake login.botframework.com on loopback.</summary>
public sealed class AuthenticatedBotFixture : IAsyncLifetime
{
    public const string AppId = "11111111-2222-3333-4444-555555555555";

    internal FakeBotFrameworkIdentity Identity { get; private set; } = null!;
    internal RunningBot Bot { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Identity = await FakeBotFrameworkIdentity.StartAsync();
        Bot = await RunningBot.StartAsync(
            ("MicrosoftAppId", AppId),
            ("MicrosoftAppType", "MultiTenant"),
            ("MicrosoftAppPassword", "not-used-by-these-tests"),
            ("BotFramework:OpenIdMetadataUrl", Identity.MetadataUrl.AbsoluteUri));
    }

    public async Task DisposeAsync()
    {
        await Bot.DisposeAsync();
        await Identity.DisposeAsync();
    }
}

public sealed class AuthenticationTests(AuthenticatedBotFixture fixture) : IClassFixture<AuthenticatedBotFixture>
{
    // Never contacted: expectReplies answers in the HTTP body, and refused requests send nothing.
    private static readonly Uri ServiceUrl = new("https://smba.trafficmanager.net/uk/");

    public enum BadToken
    {
        Missing,
        NotBearer,
        Garbage,
        Expired,
        WrongAudience,
        WrongIssuer,
        BadSignature,
        UnknownKey,
        UnendorsedChannel,
        ServiceUrlMismatch,
    }

    [Fact]
    public async Task ValidChannelTokenGetsTheClauseBack()
    {
        var token = fixture.Identity.CreateToken(AuthenticatedBotFixture.AppId, ServiceUrl.AbsoluteUri);

        using var response = await PostAsync(Activities.Message("m1", ServiceUrl, "can I friend a parent?", deliveryMode: "expectReplies"), "Bearer " + token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var reply = Assert.Single(body.RootElement.GetProperty("activities").EnumerateArray());
        Assert.Equal("message", reply.GetProperty("type").GetString());
        Assert.Contains("Friendships with parents", ActivityJson.ReadableText(reply), StringComparison.Ordinal);
        Assert.Equal("m1", reply.GetProperty("replyToId").GetString());
    }

    [Theory]
    [InlineData(BadToken.Missing, "missing bearer token")]
    [InlineData(BadToken.NotBearer, "missing bearer token")]
    [InlineData(BadToken.Garbage, "malformed token")]
    [InlineData(BadToken.Expired, "token expired")]
    [InlineData(BadToken.WrongAudience, "wrong audience")]
    [InlineData(BadToken.WrongIssuer, "untrusted issuer")]
    [InlineData(BadToken.BadSignature, "bad signature")]
    [InlineData(BadToken.UnknownKey, "bad signature")]
    [InlineData(BadToken.UnendorsedChannel, "channel not endorsed")]
    [InlineData(BadToken.ServiceUrlMismatch, "serviceUrl mismatch")]
    public async Task RefusesBadTokens(BadToken kind, string reason)
    {
        var identity = fixture.Identity;
        const string appId = AuthenticatedBotFixture.AppId;
        var url = ServiceUrl.AbsoluteUri;
        var channelId = "msteams";
        var authorization = kind switch
        {
            BadToken.Missing => null,
            BadToken.NotBearer => "Basic " + identity.CreateToken(appId, url),
            BadToken.Garbage => "Bearer not.a.jwt",
            BadToken.Expired => "Bearer " + identity.CreateToken(appId, url, expires: DateTime.UtcNow.AddMinutes(-10)),
            BadToken.WrongAudience => "Bearer " + identity.CreateToken("some-other-bot", url),
            BadToken.WrongIssuer => "Bearer " + identity.CreateToken(appId, url, issuer: "https://api.botframework.evil"),
            BadToken.BadSignature => "Bearer " + identity.CreateToken(appId, url, signWithStranger: true),
            BadToken.UnknownKey => "Bearer " + identity.CreateToken(appId, url, signWithStranger: true, keyId: "rolled-key"),
            BadToken.UnendorsedChannel => "Bearer " + identity.CreateToken(appId, url),
            BadToken.ServiceUrlMismatch => "Bearer " + identity.CreateToken(appId, "https://attacker.example/"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        if (kind == BadToken.UnendorsedChannel)
        {
            channelId = "slack"; // the key is endorsed for msteams and webchat only
        }

        using var response = await PostAsync(Activities.Message("m1", ServiceUrl, "can I friend a parent?", channelId, deliveryMode: "expectReplies"), authorization);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        // The short reason, and nothing else: no reply text, no token library diagnostics.
        Assert.Equal($$"""{"error":"{{reason}}"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ExpiryWithinFiveMinutesOfSkewIsStillAccepted()
    {
        var token = fixture.Identity.CreateToken(AuthenticatedBotFixture.AppId, ServiceUrl.AbsoluteUri, expires: DateTime.UtcNow.AddMinutes(-2));

        using var response = await PostAsync(Activities.Message("skew-1", ServiceUrl, "hello", deliveryMode: "expectReplies"), "Bearer " + token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ServiceUrlClaimIsComparedIgnoringCase()
    {
        var token = fixture.Identity.CreateToken(AuthenticatedBotFixture.AppId, ServiceUrl.AbsoluteUri.ToUpperInvariant());

        using var response = await PostAsync(Activities.Message("case-1", ServiceUrl, "hello", deliveryMode: "expectReplies"), "Bearer " + token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<HttpResponseMessage> PostAsync(string json, string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("api/messages", UriKind.Relative)) { Content = Activities.Json(json) };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return await fixture.Bot.Client.SendAsync(request);
    }
}
