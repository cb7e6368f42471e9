using System.Net;
using WWPS.PolicyBot.Tests.Support;

namespace WWPS.PolicyBot.Tests.BotFramework;

/// <summary>
/// Emulator and Agents Playground tokens come from Entra ID, not the Bot Connector: a known tenant's issuer, our app
/// id as audience, and our app id again as the caller (azp in v2 tokens, appid in v1). The fake identity server plays
/// the Entra ID metadata here.
/// </summary>
[Trait("Category", "Slow")]
public sealed class EmulatorTokenTests
{
    private const string AppId = AuthenticatedBotFixture.AppId;
    private const string EmulatorIssuer = "https://login.microsoftonline.com/d6d49420-f39b-4df7-a1dc-d59a935871db/v2.0";
    private static readonly Uri ServiceUrl = new("http://127.0.0.1:9/");

    [Theory]
    [InlineData("2.0", "azp", AppId, HttpStatusCode.OK)]
    [InlineData("1.0", "appid", AppId, HttpStatusCode.OK)]
    [InlineData("2.0", "azp", "someone-elses-app", HttpStatusCode.Unauthorized)]
    [InlineData("2.0", "appid", AppId, HttpStatusCode.Unauthorized)]
    public async Task AcceptsOnlyTokensThisBotAskedFor(string version, string callerClaim, string caller, HttpStatusCode expected)
    {
        await using var identity = await FakeBotFrameworkIdentity.StartAsync();
        await using var bot = await RunningBot.StartAsync(
            ("MicrosoftAppId", AppId),
            ("MicrosoftAppType", "MultiTenant"),
            ("MicrosoftAppPassword", "unused"),
            ("BotFramework:OpenIdMetadataUrl", "http://127.0.0.1:9/unused"),
            ("BotFramework:EmulatorOpenIdMetadataUrl", identity.MetadataUrl.AbsoluteUri));
        var token = identity.CreateToken(AppId, ServiceUrl.AbsoluteUri, issuer: EmulatorIssuer, claims: [("ver", version), (callerClaim, caller)]);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("api/messages", UriKind.Relative))
        {
            Content = Activities.Json(Activities.Message("e1", ServiceUrl, "can I friend a parent?", channelId: "emulator", deliveryMode: "expectReplies")),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);

        using var response = await bot.Client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }
}
