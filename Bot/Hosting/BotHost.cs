using Microsoft.Extensions.DependencyInjection.Extensions;
using WWPS.PolicyBot.BotFramework;
using WWPS.PolicyBot.Cli;
using WWPS.PolicyBot.Cognitive;
using WWPS.PolicyBot.Dialogs.Escalations;
using WWPS.PolicyBot.Dialogs.Insights;
using WWPS.PolicyBot.Dialogs.PolicyBot;
using WWPS.PolicyBot.DirectLine;
using WWPS.PolicyBot.EscalationConsole;
using WWPS.PolicyBot.Escalations;
using WWPS.PolicyBot.Insights;
using WWPS.PolicyBot.Plumbing;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Slack;
using WWPS.PolicyBot.Storage;
using WWPS.PolicyBot.Storage.Postgres;

namespace WWPS.PolicyBot.Hosting;

/// <summary>
/// Composes the web host: Cognitive services, state storage, the bot's routes, and each channel's endpoints.
/// Program.cs and the tests both start the bot through here, so tests exercise exactly what users run.
/// </summary>
internal static class BotHost
{
    /// <summary>Where the bot listens when nothing else is configured: loopback only, the Bot Framework's usual port.</summary>
    public const string DefaultUrl = "http://localhost:3978";

    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateBuilder(args);

        // The web chat's address unless the operator chose one: ASPNETCORE_URLS, --urls, the Urls setting, or the
        // container images' ASPNETCORE_HTTP_PORTS all win (a default in appsettings.json would override the first).
        if (string.IsNullOrWhiteSpace(builder.Configuration["urls"])
            && string.IsNullOrWhiteSpace(builder.Configuration["http_ports"])
            && string.IsNullOrWhiteSpace(builder.Configuration["https_ports"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        configure?.Invoke(builder);
        var configuration = builder.Configuration;

        // One clock for the whole host, from the container: a test registers its own first (RunningBotSetup.Services),
        // and the stores opened below, before the container exists, must read that same one.
        builder.Services.TryAddSingleton(TimeProvider.System);
        var time = RegisteredClock(builder.Services);

        builder.Services.AddCognitive(CommandLine.CognitiveSettingsFrom(configuration)).AddModelHousekeeping();
        var storage = await OpenStorageAsync(configuration, builder.Environment, time, cancellationToken).ConfigureAwait(false);
        var idle = TimeSpan.FromMinutes(configuration.GetValue("State:IdleMinutes", 60));
        var conversationState = new ConversationState(storage, time, idle);
        var userState = new UserState(storage, time);

        builder.Services.AddTrustedForwardedHeaders(configuration);
        builder.Services.AddSingleton(storage);
        if (storage is PostgresStorage keyed)
        {
            // The console's cookies must read the same on every instance: one set of Data Protection keys, in the database.
            var keys = await PostgresKeyRepository.OpenAsync(keyed.Database, cancellationToken).ConfigureAwait(false);
            Microsoft.AspNetCore.DataProtection.DataProtectionBuilderExtensions.SetApplicationName(builder.Services.AddDataProtection(), "WWPS.PolicyBot");
            builder.Services.Configure<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>(o => o.XmlRepository = keys);

            // Teams' and Slack's retries recognised by every instance, not only the one that took the first delivery.
            builder.Services.AddSingleton<IProcessedIds>(await PostgresProcessedIds.OpenAsync(keyed.Database, cancellationToken).ConfigureAwait(false));
        }

        builder.Services.AddSingleton<IInstanceCoordinator>(storage is PostgresStorage coordinated
            ? new PostgresInstanceCoordinator(coordinated.Database)
            : new LocalInstanceCoordinator());
        if (storage is IStateRetention retention)
        {
            builder.Services.AddSingleton(retention).AddHostedService<StatePurgeService>();
        }

        builder.Services.AddSingleton(conversationState);
        builder.Services.AddSingleton(userState);
        await builder.Services.AddEscalationsAsync(configuration, storage, time, cancellationToken).ConfigureAwait(false);
        builder.Services.AddInsights(configuration, storage);
        builder.Services.AddSingleton<IBot>(sp => PolicyBotApplication.Create(
            sp.GetRequiredService<CognitiveServices>(), conversationState, userState, sp.GetRequiredService<EscalationService>(), sp.GetRequiredService<InsightsService>()));
        builder.Services.AddBotFrameworkChannel(configuration);
        IDirectLineStore directLineStore = storage switch
        {
            SqliteStorage file => await SqliteDirectLineStore.OpenAsync(file.DatabasePath, cancellationToken).ConfigureAwait(false),
            PostgresStorage postgres => await PostgresDirectLineStore.OpenAsync(postgres.Database, cancellationToken).ConfigureAwait(false),
            _ => await SqliteDirectLineStore.OpenInMemoryAsync(cancellationToken).ConfigureAwait(false),
        };
        builder.Services.AddSingleton(directLineStore);
        builder.Services.AddDirectLine(configuration);
        builder.Services.AddSlack(configuration);
        builder.Services.AddEscalationConsole(configuration);

        var app = builder.Build();

        // Registered as an instance, so the container does not dispose it: close the database's connections on the way out.
        if (storage is IDisposable disposable)
        {
            app.Lifetime.ApplicationStopped.Register(disposable.Dispose);
        }

        if (directLineStore is IDisposable directLineDisposable)
        {
            app.Lifetime.ApplicationStopped.Register(directLineDisposable.Dispose);
        }

        // The pool the three PostgreSQL stores share goes last, after everything that writes through it has stopped.
        if (storage is PostgresStorage shared)
        {
            app.Lifetime.ApplicationStopped.Register(shared.Database.Dispose);
        }

        var cognitive = app.Services.GetRequiredService<CognitiveServices>();
        HostLog.Started(app.Logger, cognitive.Policy.Metadata.Title, cognitive.Policy.Clauses.Count, cognitive.Backend, storage.GetType().Name);
        HostLog.Escalation(app.Logger, app.Services.GetRequiredService<EscalationOptions>().IsEnabled ? "on" : "off (set Escalation:Manager and Escalation:Chair)");

        app.UseWebSockets();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapEscalationConsole();
        app.MapDirectLine();

        app.MapGet("/healthz", async (IStorage store, CancellationToken ct) =>
        {
            try
            {
                await store.ReadAsync(["healthz"], ct).ConfigureAwait(false);
                if (store is SqliteStorage file)
                {
                    await file.CheckAsync(ct).ConfigureAwait(false);
                }

                return Results.Ok(new { status = "ok" });
            }
            catch (StorageUnavailableException)
            {
                return Results.Json(new { status = "storage unavailable" }, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });

        app.MapBotFramework();
        app.MapSlack();
        app.MapProactiveChannels();

        return app;
    }

    /// <summary>The clock registered last, which the container will hand out: it must be an instance, as the stores need it before the container exists.</summary>
    private static TimeProvider RegisteredClock(IServiceCollection services) =>
        services.LastOrDefault(d => d.ServiceType == typeof(TimeProvider) && !d.IsKeyedService) is { ImplementationInstance: TimeProvider clock }
            ? clock
            : throw new InvalidOperationException("Register the TimeProvider as an instance: the stores open before the container is built.");

    /// <summary>
    /// The state store <c>Storage:Provider</c> names: <c>sqlite</c> (the default, a file in <c>Storage:DataFolder</c>),
    /// <c>postgres</c> (the database <c>ConnectionStrings:PolicyBot</c> names, for several instances sharing state) or
    /// <c>memory</c>. The escalation and Direct Line stores follow it into the same database.
    /// </summary>
    /// <exception cref="StorageUnavailableException">The provider is unknown, or its database cannot be opened.</exception>
    private static async Task<IStorage> OpenStorageAsync(IConfiguration configuration, IWebHostEnvironment environment, TimeProvider time, CancellationToken cancellationToken)
    {
        var provider = configuration.GetValue("Storage:Provider", "sqlite")?.Trim();
        if (string.Equals(provider, "memory", StringComparison.OrdinalIgnoreCase))
        {
            return new MemoryStorage();
        }

        if (string.Equals(provider, "postgres", StringComparison.OrdinalIgnoreCase))
        {
            var database = await PostgresDatabase.OpenAsync(configuration.GetConnectionString("PolicyBot"), cancellationToken).ConfigureAwait(false);
            try
            {
                return await PostgresStorage.OpenAsync(database, time, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await database.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        // A typo must not quietly start the bot on a local file while the other instances share a database.
        if (!string.IsNullOrEmpty(provider) && !string.Equals(provider, "sqlite", StringComparison.OrdinalIgnoreCase))
        {
            throw new StorageUnavailableException($"Storage:Provider '{provider}' is not one of sqlite (the default), postgres or memory.");
        }

        var folder = configuration.GetValue("Storage:DataFolder", "data")!;
        if (!Path.IsPathRooted(folder))
        {
            folder = Path.Combine(environment.ContentRootPath, folder);
        }

        Directory.CreateDirectory(folder);
        return await SqliteStorage.OpenAsync(folder, time, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Start-up and host events. Ids, counts and kinds only: never message text.</summary>
internal static partial class HostLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Policy: {Title} ({Clauses} clauses); text analysis: {Backend}; state: {Storage}")]
    public static partial void Started(ILogger logger, string title, int clauses, string backend, string storage);

    [LoggerMessage(Level = LogLevel.Information, Message = "Escalation to the Manager or the Chair: {State}")]
    public static partial void Escalation(ILogger logger, string state);
}
