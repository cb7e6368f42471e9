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
    /// A conversation created (by <c>tokens/generate</c>) and never started goes after this long: a page starts its
    /// conversation at once, so only a token fetched and dropped waits this long, and a flood of them cannot hold the
    /// conversation slots for an hour. The oldest such conversation also makes room when the slots are full.
    /// </summary>
    public TimeSpan UnstartedTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// At most this many live conversations. New ones are refused past it rather than evicting a parent mid-chat.
    /// </summary>
    public int MaxConversations { get; init; } = 1000;

    /// <summary>Activities kept per conversation for polling and for a reloaded page's history; older ones fall off the front.</summary>
    public int MaxActivitiesPerConversation { get; init; } = 500;

    /// <summary>Bytes of activities kept per conversation (as stored, UTF-16); the oldest go first past it.</summary>
    public long MaxActivityBytesPerConversation { get; init; } = 4L * 1024 * 1024;

    /// <summary>Bytes of activities kept by all conversations together; past it the oldest go first, whoever they belong to.</summary>
    public long MaxActivityBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Largest request body accepted. A chat message is a few KB; this leaves room for card submits.</summary>
    public int MaxRequestBytes { get; init; } = 256 * 1024;

    /// <summary>Largest photo or video accepted by the upload call.</summary>
    public int MaxUploadFileBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>Largest upload request (all its files together).</summary>
    public int MaxUploadBytes { get; init; } = 20 * 1024 * 1024;

    /// <summary>Most files in one upload.</summary>
    public int MaxUploadFiles { get; init; } = 10;

    /// <summary>
    /// Uploaded bytes a conversation keeps in the database to show back on the page; past it the oldest go (their
    /// images then stop loading). Uploads go with the conversation.
    /// </summary>
    public long MaxUploadBytesPerConversation { get; init; } = 40L * 1024 * 1024;

    /// <summary>Uploaded bytes held by all conversations together; past it uploads are refused (503) until some expire.</summary>
    public long MaxUploadBytesHeld { get; init; } = 512L * 1024 * 1024;

    /// <summary>A file this small (a phone photo) may use the reserve at the end of <see cref="MaxUploadBytesHeld"/>.</summary>
    public long SmallUploadBytes { get; init; } = 2L * 1024 * 1024;

    /// <summary>
    /// The part of <see cref="MaxUploadBytesHeld"/> only small files may use: when large uploads have filled the rest
    /// (and get 503 until some expire), a parent's photo still goes through.
    /// </summary>
    public long SmallUploadReserve { get; init; } = 32L * 1024 * 1024;

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
            UnstartedTimeout = TimeSpan.FromMinutes(section.GetValue("UnstartedMinutes", defaults.UnstartedTimeout.TotalMinutes)),
            MaxConversations = section.GetValue("MaxConversations", defaults.MaxConversations),
            MaxActivitiesPerConversation = section.GetValue("MaxActivitiesPerConversation", defaults.MaxActivitiesPerConversation),
            MaxActivityBytesPerConversation = section.GetValue("MaxActivityBytesPerConversation", defaults.MaxActivityBytesPerConversation),
            MaxActivityBytes = section.GetValue("MaxActivityBytes", defaults.MaxActivityBytes),
            MaxRequestBytes = section.GetValue("MaxRequestBytes", defaults.MaxRequestBytes),
            MaxUploadFileBytes = section.GetValue("MaxUploadFileBytes", defaults.MaxUploadFileBytes),
            MaxUploadBytes = section.GetValue("MaxUploadBytes", defaults.MaxUploadBytes),
            MaxUploadFiles = section.GetValue("MaxUploadFiles", defaults.MaxUploadFiles),
            MaxUploadBytesPerConversation = section.GetValue("MaxUploadBytesPerConversation", defaults.MaxUploadBytesPerConversation),
            MaxUploadBytesHeld = section.GetValue("MaxUploadBytesHeld", defaults.MaxUploadBytesHeld),
            SmallUploadBytes = section.GetValue("SmallUploadBytes", defaults.SmallUploadBytes),
            SmallUploadReserve = section.GetValue("SmallUploadReserve", defaults.SmallUploadReserve),
            BotId = section.GetValue("BotId", defaults.BotId)!,
            BotName = section.GetValue("BotName", defaults.BotName)!,
        };
    }
}
