using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WWPS.PolicyBot.Hosting;

namespace WWPS.PolicyBot.Tests.Support;

/// <summary>
/// The real web host, started on a free loopback port with its state in a temporary folder, for tests that talk to
/// it over HTTP as a channel or a browser would.
/// </summary>
internal sealed class RunningBot : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dataFolder;

    private RunningBot(WebApplication app, string dataFolder, Uri baseAddress)
    {
        _app = app;
        _dataFolder = dataFolder;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    /// <summary>Where this bot keeps its database (unless <c>Storage:Provider</c> is <c>memory</c>).</summary>
    public string DataFolder => _dataFolder;

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    /// <param name="settings">Configuration on top of appsettings.json, e.g. ("MicrosoftAppId", "…").</param>
    public static Task<RunningBot> StartAsync(params (string Key, string? Value)[] settings) => StartAsync(_ => { }, settings);

    /// <param name="services">Registrations made before the host's own, e.g. a fake token source the channel should use.</param>
    public static Task<RunningBot> StartAsync(Action<IServiceCollection> services, params (string Key, string? Value)[] settings) =>
        StartAsync(new RunningBotSetup { Services = services }, settings);

    /// <summary>
    /// The bot as a caller at <paramref name="remoteAddress"/> would reach it: every connection (made over loopback) is
    /// given that remote address before the host sees it, as if it had come from another machine.
    /// </summary>
    /// <param name="args">Command-line arguments, e.g. <c>--ForwardedHeaders_Enabled=true</c>, which the web host's defaults read.</param>
    public static Task<RunningBot> StartSeenFromAsync(IPAddress remoteAddress, string[] args, params (string Key, string? Value)[] settings) =>
        StartAsync(new RunningBotSetup { RemoteAddress = remoteAddress, Args = args }, settings);

    public static async Task<RunningBot> StartAsync(RunningBotSetup setup, params (string Key, string? Value)[] settings)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var dataFolder = Path.Combine(Path.GetTempPath(), "policybot-test-" + Guid.NewGuid().ToString("N"));
        var app = await BotHost.BuildAsync(setup.Args, builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            if (setup.RemoteAddress is { } remote)
            {
                builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Use(next => connection =>
                {
                    connection.RemoteEndPoint = new IPEndPoint(remote, 40_000);
                    return next(connection);
                })));
            }

            // "Urls" in appsettings.json would otherwise win over UseUrls and put every test on port 3978.
            var values = new Dictionary<string, string?>
            {
                ["Urls"] = "http://127.0.0.1:0",
                ["Storage:DataFolder"] = dataFolder,

                // Every test's client is the same loopback address; the per-client limits have tests of their own.
                ["RateLimits:ConversationsBurst"] = "100000",
                ["RateLimits:MessagesBurst"] = "100000",
            };
            foreach (var (key, value) in settings)
            {
                values[key] = value;
            }

            builder.Configuration.AddInMemoryCollection(values);
            setup.Services?.Invoke(builder.Services);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new RunningBot(app, dataFolder, new Uri(address.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by the OS is left for the temp cleaner; it holds only test state.
        }
    }
}

/// <summary>How a <see cref="RunningBot"/> is started, beyond its settings.</summary>
internal sealed record RunningBotSetup
{
    /// <summary>Registrations made before the host's own, e.g. a fake token source the channel should use.</summary>
    public Action<IServiceCollection>? Services { get; init; }

    /// <summary>The remote address every connection appears to come from; null for the real one (loopback).</summary>
    public IPAddress? RemoteAddress { get; init; }

    /// <summary>Command-line arguments for the host.</summary>
    public string[] Args { get; init; } = [];
}
