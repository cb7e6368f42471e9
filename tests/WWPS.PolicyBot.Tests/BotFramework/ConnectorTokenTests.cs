using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Identity.Client;
using WWPS.PolicyBot.BotFramework;
using WWPS.PolicyBot.Tests.Support;

namespace WWPS.PolicyBot.Tests.BotFramework;

/// <summary>
/// Outbound tokens. End to end, the bot runs with an app id and a fake token source (registered before the channel's
/// own, which it then leaves alone); MSAL itself is checked separately against a fake Entra ID token endpoint, because
/// MSAL only talks to https authorities and a test cannot be one.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ConnectorTokenTests
{
    private const string AppId = AuthenticatedBotFixture.AppId;

    [Fact]
    public async Task AuthenticatedRepliesCarryTheConnectorToken()
    {
        await using var identity = await FakeBotFrameworkIdentity.StartAsync();
        await using var connector = await FakeConnector.StartAsync();
        await using var host = await RunningBot.StartAsync(
            services => services.AddSingleton<IConnectorTokenProvider>(new FixedToken("connector-token-1")),
            ("Storage:Provider", "memory"),
            ("MicrosoftAppId", AppId),
            ("MicrosoftAppType", "MultiTenant"),
            ("MicrosoftAppPassword", "secret"),
            ("BotFramework:OpenIdMetadataUrl", identity.MetadataUrl.AbsoluteUri));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("api/messages", UriKind.Relative))
        {
            Content = Activities.Json(Activities.Message("m1", connector.BaseAddress, "can I friend a parent?")),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + identity.CreateToken(AppId, connector.BaseAddress.AbsoluteUri));

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var call = await connector.NextMessageAsync();
        Assert.Equal("/v3/conversations/a%3A1%3Bconv%40thread/activities/m1", call.Path);
        Assert.Equal("Bearer connector-token-1", call.Authorization);
        Assert.Contains("Friendships with parents", ActivityJson.ReadableText(call.Activity), StringComparison.Ordinal);
    }

    /// <summary>New Azure Bot registrations are single-tenant (multi-tenant ones stopped in July 2025): that is the default, and it needs the tenant.</summary>
    [Fact]
    public void AnAppIdWithoutATypeIsSingleTenantAndNeedsItsTenant()
    {
        static IConfiguration Settings(string? tenant) => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MicrosoftAppId"] = AppId,
            ["MicrosoftAppPassword"] = "s3cret",
            ["MicrosoftAppTenantId"] = tenant,
        }).Build();

        Assert.Equal(BotAppType.SingleTenant, BotFrameworkOptions.From(Settings("0b9ad5c5-5d6e-4a2f-9e1f-3c0e2a6b7d11")).AppType);
        var missing = Assert.Throws<InvalidOperationException>(() => BotFrameworkOptions.From(Settings(null)));
        Assert.Contains("MicrosoftAppTenantId", missing.Message, StringComparison.Ordinal);
        Assert.Contains("MicrosoftAppType=MultiTenant", missing.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MultiTenant", null, "/botframework.com/oauth2/v2.0/token")]
    [InlineData("SingleTenant", "0b9ad5c5-5d6e-4a2f-9e1f-3c0e2a6b7d11", "/0b9ad5c5-5d6e-4a2f-9e1f-3c0e2a6b7d11/oauth2/v2.0/token")]
    public async Task MsalAsksEntraIdForABotFrameworkTokenOnceAndCachesIt(string appType, string? tenant, string tokenPath)
    {
        var login = new FakeEntraId();
        var options = BotFrameworkOptions.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MicrosoftAppId"] = AppId,
            ["MicrosoftAppPassword"] = "s3cret",
            ["MicrosoftAppType"] = appType,
            ["MicrosoftAppTenantId"] = tenant,
        }).Build());
        var provider = new MsalConnectorTokenProvider(options, login);

        var first = await provider.GetTokenAsync(CancellationToken.None);
        var second = await provider.GetTokenAsync(CancellationToken.None);

        Assert.Equal("entra-token", first);
        Assert.Equal("entra-token", second);
        var tokenRequest = Assert.Single(login.TokenRequests);
        Assert.Equal(tokenPath, tokenRequest.Path);
        Assert.Equal("client_credentials", tokenRequest.Form["grant_type"]);
        Assert.Equal(AppId, tokenRequest.Form["client_id"]);
        Assert.Equal("s3cret", tokenRequest.Form["client_secret"]);
        Assert.Contains("https://api.botframework.com/.default", tokenRequest.Form["scope"], StringComparison.Ordinal);
    }

    private sealed class FixedToken(string token) : IConnectorTokenProvider
    {
        public Task<string?> GetTokenAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(token);
    }

    /// <summary>Answers MSAL's instance discovery and token requests in process, and records the token requests.</summary>
    private sealed class FakeEntraId : HttpMessageHandler, IMsalHttpClientFactory
    {
        public List<(string Path, Dictionary<string, string> Form)> TokenRequests { get; } = [];

        public HttpClient GetHttpClient() => new(this, disposeHandler: false);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            if (path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal))
            {
                var form = (await request.Content!.ReadAsStringAsync(cancellationToken)).Split('&')
                    .Select(pair => pair.Split('=', 2))
                    .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p[1].Replace('+', ' ')));
                TokenRequests.Add((path, form));
                return Json("""{"token_type":"Bearer","expires_in":3600,"ext_expires_in":3600,"access_token":"entra-token"}""");
            }

            if (path.EndsWith("/discovery/instance", StringComparison.Ordinal))
            {
                return Json("""{"tenant_discovery_endpoint":"https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration","api-version":"1.1","metadata":[{"preferred_network":"login.microsoftonline.com","preferred_cache":"login.windows.net","aliases":["login.microsoftonline.com","login.windows.net","login.microsoft.com","sts.windows.net"]}]}""");
            }

            return new HttpResponseMessage(HttpStatusCode.NotFound);
        }

        private static HttpResponseMessage Json(string json) =>
            new(HttpStatusCode.OK) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
    }
}
