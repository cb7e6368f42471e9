namespace WWPS.PolicyBot.DirectLine;

/// <summary>Settings under <c>DirectLine:</c>. The defaults suit one preschool's web page.</summary>
internal sealed record DirectLineOptions
{
    /// <summary>
    /// How long a token is good for. directlinejs refreshes every 15 minutes, so anything comfortably longer keeps an
    /// open page working; the service's own tokens last 30 minutes.
    /// </summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>A conversation nobody has touched for this long is dropped with its activities and tokens.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(60);

    /// <summary>
    /// At most this many live conversations. New ones are refused past it rather than evicting a parent mid-chat.
    /// </summary>
    public int MaxConversations { get; init; } = 1000;

    /// <summary>Activities kept per conversation for polling; older ones fall off the front.</summary>
    public int MaxActivitiesPerConversation { get; init; } = 500;

    /// <summary>Largest request body accepted. A chat message is a few KB; this leaves room for card submits.</summary>
    public int MaxRequestBytes { get; init; } = 256 * 1024;

    public string BotId { get; init; } = "wwps-policybot";

    public string BotName { get; init; } = "WWPS PolicyBot";

    public static DirectLineOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("DirectLine");
        var defaults = new DirectLineOptions();
        return new DirectLineOptions
        {
            TokenLifetime = TimeSpan.FromMinutes(section.GetValue("TokenMinutes", defaults.TokenLifetime.TotalMinutes)),
            IdleTimeout = TimeSpan.FromMinutes(section.GetValue("IdleMinutes", defaults.IdleTimeout.TotalMinutes)),
            MaxConversations = section.GetValue("MaxConversations", defaults.MaxConversations),
            MaxActivitiesPerConversation = section.GetValue("MaxActivitiesPerConversation", defaults.MaxActivitiesPerConversation),
            MaxRequestBytes = section.GetValue("MaxRequestBytes", defaults.MaxRequestBytes),
            BotId = section.GetValue("BotId", defaults.BotId)!,
            BotName = section.GetValue("BotName", defaults.BotName)!,
        };
    }
}
