using System.Net;

namespace WWPS.PolicyBot.BotFramework;

/// <summary>How the app authenticates as a bot (the SDK's <c>MicrosoftAppType</c>).</summary>
internal enum BotAppType
{
    MultiTenant,
    SingleTenant,
    UserAssignedMSI,
}

/// <summary>
/// Settings of the Bot Framework channel. The four <c>MicrosoftApp*</c> keys keep the SDK's names so an Azure Bot
/// resource's configuration can be pasted in unchanged; the rest live under <c>BotFramework:</c>.
/// </summary>
internal sealed record BotFrameworkOptions
{
    public const string ChannelIssuer = "https://api.botframework.com";
    public const string ConnectorScope = "https://api.botframework.com/.default";
    public const string ConnectorResource = "https://api.botframework.com";

    public static readonly Uri DefaultOpenIdMetadataUrl = new("https://login.botframework.com/v1/.well-known/openidconfiguration");
    public static readonly Uri DefaultEmulatorOpenIdMetadataUrl = new("https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration");

    /// <summary>Empty means local mode: no authentication, loopback callers only, replies sent without a token.</summary>
    public string? AppId { get; init; }

    public string? AppPassword { get; init; }
    /// <summary>
    /// SingleTenant unless configured: Azure has not allowed new multi-tenant bot registrations since July 2025, so a
    /// new Azure Bot resource is single-tenant (or a managed identity). MultiTenant still works when set.
    /// </summary>
    public BotAppType AppType { get; init; } = BotAppType.SingleTenant;
    public string? TenantId { get; init; }

    /// <summary>Where channel tokens' signing keys (and their endorsements) are published.</summary>
    public Uri OpenIdMetadataUrl { get; init; } = DefaultOpenIdMetadataUrl;

    /// <summary>Where Emulator, Agents Playground and single-tenant tokens' keys are published (Entra ID).</summary>
    public Uri EmulatorOpenIdMetadataUrl { get; init; } = DefaultEmulatorOpenIdMetadataUrl;

    // Activities are a few KB; Teams' largest (a card with channelData) stay well under this. Anything bigger is
    // not a channel talking to us.
    public int MaxRequestBytes { get; init; } = 256 * 1024;

    /// <summary>One attempt at the connector; a healthy one answers in well under a second.</summary>
    public TimeSpan ConnectorTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public int ConnectorAttempts { get; init; } = 3;
    public TimeSpan ConnectorBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A turn quicker than this needs no typing indicator; slower ones show "…" at once.</summary>
    public TimeSpan TypingDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public bool IsAuthenticationEnabled => !string.IsNullOrWhiteSpace(AppId);

    public static BotFrameworkOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("BotFramework");
        var typeText = configuration["MicrosoftAppType"];
        var appType = BotAppType.SingleTenant;
        if (!string.IsNullOrWhiteSpace(typeText) && !Enum.TryParse(typeText, ignoreCase: true, out appType))
        {
            throw new InvalidOperationException($"MicrosoftAppType must be MultiTenant, SingleTenant or UserAssignedMSI, not '{typeText}'.");
        }

        var options = new BotFrameworkOptions
        {
            AppId = Blank(configuration["MicrosoftAppId"]),
            AppPassword = Blank(configuration["MicrosoftAppPassword"]),
            AppType = appType,
            TenantId = Blank(configuration["MicrosoftAppTenantId"]),
            OpenIdMetadataUrl = MetadataUrl(section["OpenIdMetadataUrl"], "BotFramework:OpenIdMetadataUrl") ?? DefaultOpenIdMetadataUrl,
            EmulatorOpenIdMetadataUrl = MetadataUrl(section["EmulatorOpenIdMetadataUrl"], "BotFramework:EmulatorOpenIdMetadataUrl") ?? DefaultEmulatorOpenIdMetadataUrl,
        };

        // Timings are tunable (tests shorten them; a distant connector may need longer), the rest are fixed.
        options = options with
        {
            ConnectorTimeout = section.GetValue<TimeSpan?>("ConnectorTimeout") ?? options.ConnectorTimeout,
            ConnectorBackoff = section.GetValue<TimeSpan?>("ConnectorBackoff") ?? options.ConnectorBackoff,
            TypingDelay = section.GetValue<TimeSpan?>("TypingDelay") ?? options.TypingDelay,
        };
        options.Validate();
        return options;
    }

    /// <summary>Plain HTTP is allowed for loopback only, so tests and local tools can serve keys; never for a real host.</summary>
    public static bool AllowsHttp(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host, out var ip) && IPAddress.IsLoopback(ip));

    private void Validate()
    {
        if (!IsAuthenticationEnabled)
        {
            return;
        }

        // A half-configured bot would start and then fail every reply; say what is missing at start-up instead.
        switch (AppType)
        {
            case BotAppType.MultiTenant when AppPassword is null:
            case BotAppType.SingleTenant when AppPassword is null:
                throw new InvalidOperationException("MicrosoftAppPassword is required when MicrosoftAppId is set (MultiTenant/SingleTenant).");
            case BotAppType.SingleTenant when TenantId is null:
            case BotAppType.UserAssignedMSI when TenantId is null:
                throw new InvalidOperationException(
                    $"MicrosoftAppTenantId is required for MicrosoftAppType {AppType} (SingleTenant is the default: set the tenant id from the " +
                    "Azure Bot resource, or MicrosoftAppType=MultiTenant for a bot registered as multi-tenant before July 2025).");
        }
    }

    private static Uri? MetadataUrl(string? value, string key)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri)
            || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && AllowsHttp(uri))))
        {
            throw new InvalidOperationException($"{key} must be an https URL (http only on loopback).");
        }

        return uri;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
