namespace WWPS.PolicyBot.Slack;

/// <summary>Settings under <c>Slack:</c>. Without a signing secret the channel is off: nothing can be verified.</summary>
internal sealed record SlackOptions
{
    public const string DefaultApiBaseUrl = "https://slack.com/api/";

    /// <summary>The app's signing secret (Basic Information → App Credentials); keep it out of appsettings.json.</summary>
    public string? SigningSecret { get; init; }

    /// <summary>The bot token (<c>xoxb-…</c>) that <c>chat.postMessage</c> is called with.</summary>
    public string? BotToken { get; init; }

    /// <summary>Where the Web API lives; tests point it at a local fake.</summary>
    public Uri ApiBaseUrl { get; init; } = new(DefaultApiBaseUrl);

    /// <summary>Slack's own limit: a signed request older than this is refused, so a captured one cannot be replayed.</summary>
    public TimeSpan SignatureWindow { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Event payloads are a few KB; a block action carries the whole message it was clicked on.</summary>
    public int MaxRequestBytes { get; init; } = 256 * 1024;

    /// <summary>Turn workers. Each owns a share of the conversations, so one conversation's turns run in order.</summary>
    public int Workers { get; init; } = 4;

    /// <summary>Events waiting per worker. Past it the event is refused with 503 and Slack sends it again later.</summary>
    public int QueueCapacity { get; init; } = 500;

    /// <summary>
    /// Bytes all waiting events may hold together (their text and values): a few thousand ordinary messages, far
    /// below the heap. Past it events get 503 and Slack delivers them again later.
    /// </summary>
    public long QueueBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>Tries per <c>chat.postMessage</c>, counting the first.</summary>
    public int ApiAttempts { get; init; } = 3;

    public TimeSpan ApiTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan ApiBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest <c>Retry-After</c> obeyed; a longer wait would answer a question nobody is waiting on.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(30);

    public bool IsEnabled => !string.IsNullOrEmpty(SigningSecret);

    public static SlackOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("Slack");
        var defaults = new SlackOptions();
        var baseUrl = section.GetValue("ApiBaseUrl", DefaultApiBaseUrl);
        if (string.IsNullOrWhiteSpace(baseUrl))
        {
            baseUrl = DefaultApiBaseUrl;
        }

        // Relative method names ("chat.postMessage") replace the last segment of a base without a trailing slash.
        if (!baseUrl.EndsWith('/'))
        {
            baseUrl += "/";
        }

        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var apiBase) || (apiBase.Scheme != Uri.UriSchemeHttps && !apiBase.IsLoopback))
        {
            throw new InvalidOperationException("Slack:ApiBaseUrl must be an absolute https address (http only on loopback).");
        }

        return new SlackOptions
        {
            SigningSecret = section.GetValue<string?>("SigningSecret") is { Length: > 0 } secret ? secret : null,
            BotToken = section.GetValue<string?>("BotToken") is { Length: > 0 } token ? token : null,
            ApiBaseUrl = apiBase,
            Workers = Math.Max(1, section.GetValue("Workers", defaults.Workers)),
            QueueCapacity = Math.Max(1, section.GetValue("QueueCapacity", defaults.QueueCapacity)),
            QueueBytes = Math.Max(64 * 1024, section.GetValue("QueueBytes", defaults.QueueBytes)),
            ApiAttempts = Math.Max(1, section.GetValue("ApiAttempts", defaults.ApiAttempts)),
            ApiTimeout = section.GetValue("ApiTimeout", defaults.ApiTimeout),
            ApiBackoff = section.GetValue("ApiBackoff", defaults.ApiBackoff),
            MaxRetryAfter = section.GetValue("MaxRetryAfter", defaults.MaxRetryAfter),
        };
    }
}
