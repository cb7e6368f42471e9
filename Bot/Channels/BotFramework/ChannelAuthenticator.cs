using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.BotFramework;

/// <summary>Why a request was refused. The reason goes back to the caller, so it names the rule, never the token's content.</summary>
internal sealed record AuthResult(bool Succeeded, string? Reason)
{
    public static readonly AuthResult Ok = new(true, null);

    public static AuthResult Fail(string reason) => new(false, reason);
}

/// <summary>
/// Validates the JWT a channel sends with each activity (folder README): Bot Connector tokens against the
/// Bot Framework metadata, with endorsements and the <c>serviceurl</c> claim; Emulator / Agents Playground tokens
/// against Entra ID metadata, issued for this bot's own app id.
/// </summary>
internal sealed class ChannelAuthenticator
{
    // botbuilder and Agents-for-net accept these tenants' issuers for Emulator and skill tokens; the bot's own tenant
    // is added for single-tenant bots and the Agents Playground signed in to that tenant.
    private static readonly string[] EmulatorTenants =
    [
        "d6d49420-f39b-4df7-a1dc-d59a935871db",
        "f8cdef31-a31e-4b4a-93e4-5f571e91255a",
        "cab8a31a-1906-4287-a0d8-4eef66b95f6e",
        "69e9b82d-4842-4902-8d1e-abc5b98a55e8",
    ];

    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);
    private static readonly string[] Algorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512];

    private readonly BotFrameworkOptions _options;
    private readonly ConfigurationManager<OpenIdConnectConfiguration> _channelMetadata;
    private readonly ConfigurationManager<OpenIdConnectConfiguration> _emulatorMetadata;
    private readonly HashSet<string> _emulatorIssuers;
    private readonly JsonWebTokenHandler _handler = new();
    private readonly ILogger<ChannelAuthenticator> _logger;

    /// <summary>The named HttpClient that fetches the OpenID metadata and signing keys (BotFrameworkChannel.cs).</summary>
    public const string MetadataHttpClientName = "OpenIdMetadata";

    public ChannelAuthenticator(BotFrameworkOptions options, HttpClient metadataClient, ILogger<ChannelAuthenticator> logger)
    {
        _options = options;
        _logger = logger;
        _channelMetadata = Metadata(options.OpenIdMetadataUrl, metadataClient);
        _emulatorMetadata = Metadata(options.EmulatorOpenIdMetadataUrl, metadataClient);
        var tenants = options.TenantId is { } own ? [.. EmulatorTenants, own] : EmulatorTenants;
        _emulatorIssuers = new HashSet<string>(
            tenants.SelectMany(t => new[] { $"https://sts.windows.net/{t}/", $"https://login.microsoftonline.com/{t}/v2.0" }),
            StringComparer.Ordinal);
    }

    public async Task<AuthResult> AuthenticateAsync(string? authorization, Activity activity, CancellationToken cancellationToken)
    {
        const string scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.Ordinal) || authorization.Length == scheme.Length)
        {
            return AuthResult.Fail("missing bearer token");
        }

        var token = authorization[scheme.Length..];
        JsonWebToken unvalidated;
        try
        {
            unvalidated = _handler.ReadJsonWebToken(token);
        }
        catch (ArgumentException)
        {
            // SecurityTokenMalformedException derives from ArgumentException.
            return AuthResult.Fail("malformed token");
        }

        // The issuer picks the key set; it is validated again below against that set's fixed issuer list.
        var issuer = unvalidated.Issuer;
        if (string.Equals(issuer, BotFrameworkOptions.ChannelIssuer, StringComparison.Ordinal))
        {
            return await ValidateChannelTokenAsync(token, activity, cancellationToken).ConfigureAwait(false);
        }

        if (_emulatorIssuers.Contains(issuer))
        {
            return await ValidateEmulatorTokenAsync(token, cancellationToken).ConfigureAwait(false);
        }

        return AuthResult.Fail("untrusted issuer");
    }

    private async Task<AuthResult> ValidateChannelTokenAsync(string token, Activity activity, CancellationToken cancellationToken)
    {
        var (result, metadata) = await ValidateAsync(token, _channelMetadata, [BotFrameworkOptions.ChannelIssuer], cancellationToken).ConfigureAwait(false);
        if (result is null || metadata is null)
        {
            return AuthResult.Fail("signing keys unavailable");
        }

        if (!result.IsValid)
        {
            return AuthResult.Fail(Describe(result.Exception));
        }

        var validated = (JsonWebToken)result.SecurityToken;

        // Endorsements tie a key to the channels allowed to use it: a key Microsoft issued for one channel cannot vouch
        // for activities claiming to come from another.
        var endorsements = EndorsementsOf(metadata, validated.SigningKey?.KeyId ?? validated.Kid);
        if (endorsements is not null
            && (string.IsNullOrEmpty(activity.ChannelId) || !endorsements.Contains(activity.ChannelId, StringComparer.OrdinalIgnoreCase)))
        {
            return AuthResult.Fail("channel not endorsed");
        }

        // The claim stops a token captured for one connector from making the bot post (with its own token) elsewhere.
        if (!validated.TryGetPayloadValue<string>("serviceurl", out var serviceUrl)
            || !string.Equals(serviceUrl, activity.ServiceUrl, StringComparison.OrdinalIgnoreCase))
        {
            return AuthResult.Fail("serviceUrl mismatch");
        }

        return AuthResult.Ok;
    }

    private async Task<AuthResult> ValidateEmulatorTokenAsync(string token, CancellationToken cancellationToken)
    {
        var (result, _) = await ValidateAsync(token, _emulatorMetadata, _emulatorIssuers, cancellationToken).ConfigureAwait(false);
        if (result is null)
        {
            return AuthResult.Fail("signing keys unavailable");
        }

        if (!result.IsValid)
        {
            return AuthResult.Fail(Describe(result.Exception));
        }

        // Entra ID signs tokens for any app; only one obtained with this bot's own credentials may talk to it.
        // v1 tokens name the caller in appid, v2 tokens in azp.
        var validated = (JsonWebToken)result.SecurityToken;
        var version = validated.TryGetPayloadValue<string>("ver", out var ver) ? ver : null;
        var claim = version switch { "1.0" => "appid", "2.0" => "azp", _ => null };
        if (claim is null || !validated.TryGetPayloadValue<string>(claim, out var caller)
            || !string.Equals(caller, _options.AppId, StringComparison.OrdinalIgnoreCase))
        {
            return AuthResult.Fail("unknown caller");
        }

        return AuthResult.Ok;
    }

    private async Task<(TokenValidationResult? Result, OpenIdConnectConfiguration? Metadata)> ValidateAsync(
        string token, ConfigurationManager<OpenIdConnectConfiguration> manager, IEnumerable<string> issuers, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            OpenIdConnectConfiguration metadata;
            try
            {
                metadata = await manager.GetConfigurationAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException ex)
            {
                // Without keys nothing can be trusted; the caller gets 401 and the log says why.
                BotFrameworkLog.MetadataUnavailable(_logger, manager.MetadataAddress, ex.GetType().Name);
                return (null, null);
            }

            var parameters = new TokenValidationParameters
            {
                ValidIssuers = issuers,
                ValidAudience = _options.AppId,
                IssuerSigningKeys = metadata.SigningKeys,
                ValidAlgorithms = Algorithms,
                RequireSignedTokens = true,
                RequireExpirationTime = true,
                // Against the system clock: the token library reads it itself and takes no TimeProvider.
                ValidateLifetime = true,
                ClockSkew = ClockSkew,
            };
            var result = await _handler.ValidateTokenAsync(token, parameters).ConfigureAwait(false);

            // Keys roll over: an unknown kid means our copy is old, so fetch again once before refusing.
            if (!result.IsValid && attempt == 0 && result.Exception is SecurityTokenSignatureKeyNotFoundException)
            {
                manager.RequestRefresh();
                continue;
            }

            return (result, metadata);
        }
    }

    private static string[]? EndorsementsOf(OpenIdConnectConfiguration metadata, string? keyId)
    {
        var key = metadata.JsonWebKeySet?.Keys.FirstOrDefault(k => string.Equals(k.Kid, keyId, StringComparison.Ordinal));
        if (key is null || !key.AdditionalData.TryGetValue("endorsements", out var value))
        {
            return null;
        }

        return value switch
        {
            JsonElement { ValueKind: JsonValueKind.Array } array =>
                [.. array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)],
            IEnumerable<object> list => [.. list.OfType<string>()],
            // An endorsements entry we cannot read endorses nothing; refusing is the safe reading.
            _ => [],
        };
    }

    private static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException or SecurityTokenNotYetValidException => "token expired",
        SecurityTokenInvalidAudienceException => "wrong audience",
        SecurityTokenInvalidIssuerException => "untrusted issuer",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "bad signature",
        SecurityTokenInvalidAlgorithmException => "bad signature",
        _ => "invalid token",
    };

    private static ConfigurationManager<OpenIdConnectConfiguration> Metadata(Uri url, HttpClient client) =>
        new(url.AbsoluteUri, new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever(client)
        {
            RequireHttps = url.Scheme == Uri.UriSchemeHttps || !BotFrameworkOptions.AllowsHttp(url),
        })
        {
            // The SDK refetches about every 5 days; a day is cheap and picks up key rollovers sooner.
            AutomaticRefreshInterval = TimeSpan.FromDays(1),
        };
}
