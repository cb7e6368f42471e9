using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using WWPS.PolicyBot.Cognitive.Azure;

namespace WWPS.PolicyBot.Cognitive;

/// <summary>
/// The Cognitive layer's one registration, used by the web host (Bot/Hosting/BotHost.cs) and the command line
/// (Bot/Cli/CommandLine.cs) alike: <see cref="CognitiveServices"/> built from the container's clock, logging and
/// HTTP client factory, so Azure AI Language's fallback warnings reach the host's logs and tests can set the clock.
/// </summary>
public static class CognitiveRegistration
{
    /// <summary>
    /// The Azure client's HttpClient deadline, a backstop only: each call's own budget is
    /// <see cref="AzureLanguageOptions.Timeout"/> (10 s), kept on the injected clock.
    /// </summary>
    internal static readonly TimeSpan AzureHttpBackstop = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Registers <see cref="CognitiveServices"/> (built on first resolution), <see cref="TimeProvider.System"/> unless a
    /// clock is already registered, and the named HttpClient for Azure AI Language.
    /// </summary>
    public static IServiceCollection AddCognitive(this IServiceCollection services, CognitiveSettings settings)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);

        // Registered first by a test that wants its own clock.
        services.TryAddSingleton(TimeProvider.System);

        // The client lives as long as the services do, so its connections are recycled by the handler (DNS changes
        // stay visible) rather than by the factory's handler rotation, which a held client never sees. The factory's
        // own request logging is dropped: the client logs each failure once, with kind and status, never the text.
        services.AddHttpClient(AzureLanguageClient.HttpClientName, c => c.Timeout = AzureHttpBackstop)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(15) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();

        services.TryAddSingleton(sp => CognitiveServices.Create(
            settings,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<IHttpClientFactory>()));
        return services;
    }
}
