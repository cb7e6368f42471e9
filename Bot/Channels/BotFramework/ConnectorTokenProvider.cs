using Microsoft.Identity.Client;
using Microsoft.Identity.Client.AppConfig;

namespace WWPS.PolicyBot.BotFramework;

/// <summary>
/// The bearer token for calls to the Bot Connector. An interface so the host can swap in a fake token source in
/// tests; production always uses <see cref="MsalConnectorTokenProvider"/>.
/// </summary>
internal interface IConnectorTokenProvider
{
    /// <returns>The token, or null when the bot runs without an app id (local tools accept unauthenticated replies).</returns>
    Task<string?> GetTokenAsync(CancellationToken cancellationToken);
}

/// <summary>Local mode: replies go to the Emulator / Agents Playground connector without a token.</summary>
internal sealed class NoConnectorToken : IConnectorTokenProvider
{
    public Task<string?> GetTokenAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);
}

/// <summary>
/// Client-credentials tokens from Entra ID through MSAL (the Bot Connector's outbound token). MSAL caches the token
/// in the application object and renews it before expiry, so this is called once per send without cost.
/// </summary>
internal sealed class MsalConnectorTokenProvider : IConnectorTokenProvider
{
    // MultiTenant bots are registered in the Bot Framework's own tenant, whatever tenant their users are in.
    private const string MultiTenantAuthority = "https://login.microsoftonline.com/botframework.com";

    private readonly IConfidentialClientApplication? _confidential;
    private readonly IManagedIdentityApplication? _managed;

    public MsalConnectorTokenProvider(BotFrameworkOptions options, IMsalHttpClientFactory httpClientFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.AppType == BotAppType.UserAssignedMSI)
        {
            _managed = ManagedIdentityApplicationBuilder.Create(ManagedIdentityId.WithUserAssignedClientId(options.AppId))
                .WithHttpClientFactory(httpClientFactory)
                .Build();
            return;
        }

        var authority = options.AppType == BotAppType.SingleTenant
            ? $"https://login.microsoftonline.com/{options.TenantId}"
            : MultiTenantAuthority;
        _confidential = ConfidentialClientApplicationBuilder.Create(options.AppId)
            .WithClientSecret(options.AppPassword)
            .WithAuthority(authority)
            .WithHttpClientFactory(httpClientFactory)
            .Build();
    }

    public async Task<string?> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_managed is not null)
        {
            var managed = await _managed.AcquireTokenForManagedIdentity(BotFrameworkOptions.ConnectorResource)
                .ExecuteAsync(cancellationToken).ConfigureAwait(false);
            return managed.AccessToken;
        }

        var result = await _confidential!.AcquireTokenForClient([BotFrameworkOptions.ConnectorScope])
            .ExecuteAsync(cancellationToken).ConfigureAwait(false);
        return result.AccessToken;
    }
}

/// <summary>
/// MSAL's HTTP through ASP.NET's client factory, as MSAL advises for services: pooled handlers, DNS changes seen,
/// and the same per-request timeout as every other outbound call.
/// </summary>
internal sealed class MsalHttpClientFactory(IHttpClientFactory factory) : IMsalHttpClientFactory
{
    public const string ClientName = "BotFramework.Login";

    public HttpClient GetHttpClient() => factory.CreateClient(ClientName);
}
