using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Identity.Client;
using WWPS.PolicyBot.Plumbing;

namespace WWPS.PolicyBot.BotFramework;

/// <summary>The Bot Framework channel's registration: one call for services, one for the endpoint.</summary>
internal static class BotFrameworkChannel
{
    public const string MessagesPath = "/api/messages";

    public static IServiceCollection AddBotFrameworkChannel(this IServiceCollection services, IConfiguration configuration)
    {
        var options = BotFrameworkOptions.From(configuration);
        services.AddSingleton(options);

        // Each connector call has its own shorter deadline (ConnectorTimeout); this is only the backstop.
        // The factory's own request logging prints a stack trace per refused connection at Information; the outbox
        // logs each failure once, with ids and status, which is what an operator needs.
        services.AddHttpClient(ConnectorOutbox.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(30)).RemoveAllLoggers();
        services.AddHttpClient(MsalHttpClientFactory.ClientName, c => c.Timeout = TimeSpan.FromSeconds(15)).RemoveAllLoggers();

        // Registered only if nothing else was: tests put a fake token source in first.
        services.TryAddSingleton<IMsalHttpClientFactory, MsalHttpClientFactory>();
        if (options.IsAuthenticationEnabled)
        {
            services.TryAddSingleton<IConnectorTokenProvider, MsalConnectorTokenProvider>();
        }
        else
        {
            services.TryAddSingleton<IConnectorTokenProvider, NoConnectorToken>();
        }

        // Held for the life of the app (the key cache lives as long as it does), so connections are recycled by the
        // handler (DNS changes stay visible) rather than by the factory's rotation, which a held client never sees; the
        // timeout keeps a dead metadata host from holding requests for 100 s.
        services.AddHttpClient(ChannelAuthenticator.MetadataHttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(15) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();
        services.AddSingleton(sp => new ChannelAuthenticator(
            options,
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(ChannelAuthenticator.MetadataHttpClientName),
            sp.GetRequiredService<ILogger<ChannelAuthenticator>>()));
        services.AddSingleton<ConnectorOutbox>();
        services.AddSingleton<TypingMiddleware>();
        services.AddSingleton<ConnectorAdapter>();
        services.AddChannelPlumbing();
        services.AddSingleton<MessagesEndpoint>();
        return services;
    }

    public static IEndpointRouteBuilder MapBotFramework(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<BotFrameworkOptions>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(BotFrameworkChannel).FullName!);
        if (options.IsAuthenticationEnabled)
        {
            BotFrameworkLog.Authenticated(logger, options.AppId, options.AppType, options.OpenIdMetadataUrl);
        }
        else
        {
            BotFrameworkLog.LocalMode(logger);
        }

        var endpoint = app.Services.GetRequiredService<MessagesEndpoint>();
        app.MapPost(MessagesPath, endpoint.HandleAsync);
        return app;
    }
}
