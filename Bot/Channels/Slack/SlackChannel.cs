using WWPS.PolicyBot.Plumbing;

namespace WWPS.PolicyBot.Slack;

/// <summary>The Slack channel's registration: one call for services, one for the endpoints.</summary>
internal static class SlackChannel
{
    public const string EventsPath = "/api/slack/events";
    public const string InteractivePath = "/api/slack/interactive";

    /// <summary>
    /// Registers the adapter in every case, so proactive messages to Slack conversations work wherever a bot token is
    /// set; the inbound queue and endpoints only when a signing secret lets requests be verified.
    /// </summary>
    public static IServiceCollection AddSlack(this IServiceCollection services, IConfiguration configuration)
    {
        var options = SlackOptions.From(configuration);
        services.AddSingleton(options);

        // The client's own request logging would log each call's URL and status at Information; the API client logs
        // each failure once, with Slack's error code.
        services.AddHttpClient(SlackWebApi.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(30)).RemoveAllLoggers();
        services.AddSingleton<SlackWebApi>();
        services.AddSingleton<SlackAdapter>();
        if (options.IsEnabled)
        {
            // One memory of ids taken in and one turn lock, shared with the other channels registered.
            services.AddChannelPlumbing();
            services.AddSingleton<SlackInbox>();
            services.AddHostedService(sp => sp.GetRequiredService<SlackInbox>());
            services.AddSingleton<SlackEndpoints>();
        }

        return services;
    }

    public static IEndpointRouteBuilder MapSlack(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<SlackOptions>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SlackChannel).FullName!);
        if (!options.IsEnabled)
        {
            SlackLog.Off(logger);
            return app;
        }

        SlackLog.On(logger, options.ApiBaseUrl, options.Workers);
        if (options.BotToken is null)
        {
            SlackLog.NoBotToken(logger);
        }

        var endpoints = app.Services.GetRequiredService<SlackEndpoints>();
        app.MapPost(EventsPath, endpoints.HandleEventsAsync);
        app.MapPost(InteractivePath, endpoints.HandleInteractiveAsync);
        return app;
    }
}
