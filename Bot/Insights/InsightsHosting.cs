using System.Globalization;
using WWPS.PolicyBot.Cognitive;
using WWPS.PolicyBot.Dialogs.Escalations;
using WWPS.PolicyBot.Dialogs.Insights;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Storage;

namespace WWPS.PolicyBot.Insights;

/// <summary>
/// The insights feature's registration: the store on the bot's own <see cref="IStorage"/> (any provider), the recorder
/// (only when the Manager and the Chair are configured, since nobody else may read what it keeps), the Manager's
/// decisions, the hourly purge and the weekly digest. Needs the escalation feature registered first.
/// </summary>
internal static class InsightsHosting
{
    public static IServiceCollection AddInsights(this IServiceCollection services, IConfiguration configuration, IStorage storage)
    {
        var store = new InsightsStore(storage);
        services.AddSingleton(sp =>
        {
            var time = sp.GetRequiredService<TimeProvider>();
            var cognitive = sp.GetRequiredService<CognitiveServices>();
            var escalation = sp.GetRequiredService<EscalationOptions>();
            var options = OptionsFrom(configuration, escalation);
            var logging = sp.GetRequiredService<ILoggerFactory>();
            var recorder = escalation.IsEnabled
                ? new InsightsRecorder(store, cognitive.Reviewer.RedactAsync, options.Zone, time, logging.CreateLogger<InsightsRecorder>())
                : null;
            return new InsightsService(store, recorder, new ManagerDecisions(store, time, logging.CreateLogger<ManagerDecisions>()), options, time);
        });
        services.AddSingleton(sp => new InsightsDigest(
            sp.GetRequiredService<InsightsService>(), sp.GetRequiredService<EscalationService>(), sp.GetRequiredService<CognitiveServices>().Policy, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<InsightsDigest>>()));
        services.AddHostedService<InsightsPurgeService>();
        services.AddHostedService<InsightsDigestService>();
        return services;
    }

    /// <summary>
    /// Retention and time zone are the escalation settings' (<c>Escalation:RetentionDays</c>, <c>Escalation:WorkingHours:TimeZone</c>);
    /// the digest's day and time are <c>Insights:DigestDay</c> (a day's name, or <c>off</c>) and <c>Insights:DigestTime</c>.
    /// </summary>
    internal static InsightsOptions OptionsFrom(IConfiguration configuration, EscalationOptions escalation)
    {
        ArgumentNullException.ThrowIfNull(escalation);
        var section = configuration.GetSection("Insights");
        var day = section["DigestDay"] is { Length: > 0 } text ? ParseDay(text.Trim()) : DayOfWeek.Monday;
        var at = section["DigestTime"] is { Length: > 0 } clock ? TimeOnly.Parse(clock, CultureInfo.InvariantCulture) : new TimeOnly(9, 0);
        return new InsightsOptions(escalation.Hours.TimeZone, escalation.Retention, day, at);
    }

    private static DayOfWeek? ParseDay(string text)
    {
        if (string.Equals(text, "off", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        foreach (var day in Enum.GetValues<DayOfWeek>())
        {
            if (text.Length >= 3 && day.ToString().StartsWith(text, StringComparison.OrdinalIgnoreCase))
            {
                return day;
            }
        }

        throw new FormatException($"Insights:DigestDay: '{text}' is not a day of the week (or off).");
    }
}

/// <summary>
/// Deletes insight weeks past the retention period, once an hour (by one instance at a time); on the way out, writes
/// what is still queued, so a restart loses no counts.
/// </summary>
internal sealed partial class InsightsPurgeService(InsightsService insights, IInstanceCoordinator coordinator, TimeProvider time, ILogger<InsightsPurgeService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        do
        {
            try
            {
                await coordinator.RunExclusiveAsync("insights-purge", async ct =>
                {
                    var purged = await insights.PurgeAsync(ct).ConfigureAwait(false);
                    Purged(logger, purged);
                }, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                PurgeFailed(logger, ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (insights.Recorder is { } recorder)
        {
            try
            {
                await recorder.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping took too long: what was still queued is lost, as in a crash.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Insights: purged {Count} weeks past retention")]
    private static partial void Purged(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Insights purge failed ({Error}); retrying in an hour")]
    private static partial void PurgeFailed(ILogger logger, string error);
}

/// <summary>
/// Looks every ten minutes whether the weekly digest is due (<see cref="InsightsDigest"/>). The first look is ten
/// minutes after start, not at once: a bot restarted on a Monday morning has no reason to hurry, and a Manager who
/// opens her chat just after a start gets it on the next look rather than a failed attempt. On PostgreSQL one instance
/// looks at a time; the digest's own claim (an ETag-guarded write) is what makes it go once on any storage.
/// </summary>
internal sealed partial class InsightsDigestService(InsightsDigest digest, IInstanceCoordinator coordinator, TimeProvider time, ILogger<InsightsDigestService> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                var outcome = DigestOutcome.NotYet;
                await coordinator.RunExclusiveAsync("insights-digest", async ct => outcome = await digest.SendIfDueAsync(ct).ConfigureAwait(false), stoppingToken)
                    .ConfigureAwait(false);
                if (outcome == DigestOutcome.Off)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                DigestFailed(logger, ex.GetType().Name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Insights digest check failed ({Error}); trying again in ten minutes")]
    private static partial void DigestFailed(ILogger logger, string error);
}
