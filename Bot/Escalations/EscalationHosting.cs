using System.Globalization;
using WWPS.PolicyBot.BotFramework;
using WWPS.PolicyBot.Cognitive;
using WWPS.PolicyBot.Dialogs.Escalations;
using WWPS.PolicyBot.DirectLine;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Slack;
using WWPS.PolicyBot.Storage;
using WWPS.PolicyBot.Storage.Postgres;

namespace WWPS.PolicyBot.Escalations;

/// <summary>The escalation feature's registration: options, store, messenger, mailer, service and background work.</summary>
internal static class EscalationHosting
{
    public static async Task<IServiceCollection> AddEscalationsAsync(
        this IServiceCollection services, IConfiguration configuration, IStorage storage, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var options = OptionsFrom(configuration);
        IEscalationStore store = storage switch
        {
            SqliteStorage sqlite => await SqliteEscalationStore.OpenAsync(sqlite.DatabasePath, time, cancellationToken).ConfigureAwait(false),
            PostgresStorage postgres => await PostgresEscalationStore.OpenAsync(postgres.Database, time, cancellationToken).ConfigureAwait(false),
            _ => new MemoryEscalationStore(time),
        };
        services.AddSingleton(options);
        services.AddSingleton<IDirectLineIdentityPolicy>(new StaffDirectLineIds(options));
        services.AddSingleton(store);
        services.AddSingleton<ProactiveChannels>();
        services.AddSingleton<IProactiveMessenger>(sp => sp.GetRequiredService<ProactiveChannels>());
        services.AddSingleton<IEscalationMailer>(new SmtpEscalationMailer(SmtpSettings.Read(configuration)));
        services.AddSingleton(sp => new EscalationService(
            store, options, sp.GetRequiredService<IProactiveMessenger>(), sp.GetRequiredService<IEscalationMailer>(), sp.GetRequiredService<CognitiveServices>().Policy.Metadata, time,
            sp.GetRequiredService<ILogger<EscalationService>>()));
        services.AddHostedService(sp => new EscalationMonitorService(
            sp.GetRequiredService<EscalationService>(), sp.GetRequiredService<IInstanceCoordinator>(), TimeSpan.FromSeconds(configuration.GetValue("Escalation:CheckSeconds", 30.0)), time,
            sp.GetRequiredService<ILogger<EscalationMonitorService>>()));
        services.AddHostedService<EscalationPurgeService>();
        return services;
    }

    /// <summary>Each channel's adapter, so proactive messages (notifications, relays) reach its conversations.</summary>
    public static void MapProactiveChannels(this WebApplication app)
    {
        var channels = app.Services.GetRequiredService<ProactiveChannels>();
        var directLine = app.Services.GetRequiredService<DirectLineConversations>();
        var connector = app.Services.GetRequiredService<ConnectorAdapter>();
        channels.Register(
            Channels.DirectLine, app.Services.GetRequiredService<DirectLineAdapter>(), async (r, ct) => await directLine.FindAsync(r.Conversation?.Id, ct).ConfigureAwait(false) is not null);
        channels.Register(Channels.MsTeams, connector);

        // Slack is reached through its Web API with the bot token, whether or not its event endpoints are on.
        var slack = app.Services.GetRequiredService<SlackOptions>();
        var slackAdapter = app.Services.GetRequiredService<SlackAdapter>();
        channels.Register(Channels.Slack, slackAdapter, (_, _) => Task.FromResult(slack.BotToken is not null));

        // A Manager or Chair configured by Slack user id is reached in a DM the bot opens, even before they write to it.
        channels.RegisterOpener(Channels.Slack, (user, ct) => slack.BotToken is null ? Task.FromResult<ConversationReference?>(null) : slackAdapter.OpenDirectAsync(user, ct));
        channels.RegisterFallback(connector);
    }

    public static EscalationOptions OptionsFrom(IConfiguration configuration)
    {
        var section = configuration.GetSection("Escalation");
        return new EscalationOptions
        {
            Manager = PersonFrom(section.GetSection("Manager"), EscalationRole.Manager),
            Chair = PersonFrom(section.GetSection("Chair"), EscalationRole.Chair),
            Hours = HoursFrom(section.GetSection("WorkingHours")),
            AcceptTimeout = TimeSpan.FromMinutes(section.GetValue("AcceptTimeoutMinutes", 240.0)),
            Retention = TimeSpan.FromDays(section.GetValue("RetentionDays", 90.0)),
            HandoffEvents = section.GetValue("HandoffEvents", false),
            NotifyAttempts = Math.Max(1, section.GetValue("NotifyAttempts", 5)),
            NotifyRetryDelay = TimeSpan.FromSeconds(section.GetValue("NotifyRetrySeconds", 60.0)),
        };
    }

    private static EscalationPerson? PersonFrom(IConfigurationSection section, EscalationRole role)
    {
        var name = section["Name"];
        var channel = section["ChannelId"];
        var user = section["UserId"];
        var email = section["Email"];
        var chat = !string.IsNullOrWhiteSpace(channel) && !string.IsNullOrWhiteSpace(user) ? new PartyId(channel.Trim(), user.Trim()) : null;
        return string.IsNullOrWhiteSpace(name) || (chat is null && string.IsNullOrWhiteSpace(email))
            ? null
            : new EscalationPerson(role, name.Trim(), chat, string.IsNullOrWhiteSpace(email) ? null : email.Trim())
            {
                HasConsole = !string.IsNullOrWhiteSpace(section["ConsolePasswordHash"]),
            };
    }

    private static WorkingHours HoursFrom(IConfigurationSection section)
    {
        var defaults = WorkingHours.Default;
        var days = section["Days"] is { Length: > 0 } text ? ParseDays(text) : defaults.Days;
        var start = section["Start"] is { Length: > 0 } s ? TimeOnly.Parse(s, CultureInfo.InvariantCulture) : defaults.Start;
        var end = section["End"] is { Length: > 0 } e ? TimeOnly.Parse(e, CultureInfo.InvariantCulture) : defaults.End;
        var zone = section["TimeZone"] is { Length: > 0 } z ? WorkingHours.FindZone(z) : defaults.TimeZone;
        return new WorkingHours(days, start, end, zone);
    }

    /// <summary>"Mon-Fri", "Monday,Wednesday,Friday" or "Mon-Thu,Sat".</summary>
    internal static HashSet<DayOfWeek> ParseDays(string text)
    {
        var days = new HashSet<DayOfWeek>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var range = part.Split('-', StringSplitOptions.TrimEntries);
            var first = Day(range[0]);
            var last = range.Length > 1 ? Day(range[1]) : first;
            for (var day = first; ; day = (DayOfWeek)(((int)day + 1) % 7))
            {
                days.Add(day);
                if (day == last)
                {
                    break;
                }
            }
        }

        return days;

        static DayOfWeek Day(string name)
        {
            foreach (var day in Enum.GetValues<DayOfWeek>())
            {
                if (name.Length >= 3 && day.ToString().StartsWith(name, StringComparison.OrdinalIgnoreCase))
                {
                    return day;
                }
            }

            throw new FormatException($"Escalation:WorkingHours:Days: '{name}' is not a day of the week.");
        }
    }
}

/// <summary>Times out waiting escalations and retries notifications, every <c>Escalation:CheckSeconds</c>.</summary>
internal sealed partial class EscalationMonitorService(
    EscalationService service, IInstanceCoordinator coordinator, TimeSpan interval, TimeProvider time, ILogger<EscalationMonitorService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!service.Options.IsEnabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, time);
        do
        {
            try
            {
                // Timeouts and notification retries: by one instance at a time, so nobody is told twice.
                await coordinator.RunExclusiveAsync("escalation-due", service.ProcessDueAsync, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                CheckFailed(logger, ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Escalation check failed ({Error}); retrying at the next tick")]
    private static partial void CheckFailed(ILogger logger, string error);
}

/// <summary>Deletes escalations older than <c>Escalation:RetentionDays</c> (default 90), once an hour.</summary>
internal sealed partial class EscalationPurgeService(
    IEscalationStore store, IInstanceCoordinator coordinator, EscalationOptions options, TimeProvider time, ILogger<EscalationPurgeService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        do
        {
            try
            {
                await coordinator.RunExclusiveAsync("escalation-purge", async ct =>
                {
                    var removed = await store.PurgeAsync(time.GetUtcNow() - options.Retention, ct).ConfigureAwait(false);
                    if (removed > 0)
                    {
                        await store.AuditAsync(null, "bot", AuditActions.Purged, ct).ConfigureAwait(false);
                    }

                    Purged(logger, removed);
                }, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                PurgeFailed(logger, ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Count} escalations past retention")]
    private static partial void Purged(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Escalation purge failed ({Error}); retrying in an hour")]
    private static partial void PurgeFailed(ILogger logger, string error);
}

/// <summary>
/// The Manager's and the Chair's Direct Line user ids, when configured there: escalation trusts (directline, id) as
/// that person, so no public client may open a conversation as them. They open theirs from the console
/// (<c>POST /console/chat</c>) once signed in. Compared ignoring case and surrounding spaces, to refuse near misses too.
/// </summary>
internal sealed class StaffDirectLineIds(EscalationOptions options) : IDirectLineIdentityPolicy
{
    private readonly string[] _reserved =
    [
        .. new[] { options.Manager, options.Chair }
            .Select(p => p?.Chat)
            .Where(c => c is not null && string.Equals(c.ChannelId, Channels.DirectLine, StringComparison.OrdinalIgnoreCase))
            .Select(c => c!.UserId),
    ];

    public bool IsReserved(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var id = userId.Trim();
        return _reserved.Any(r => string.Equals(r, id, StringComparison.OrdinalIgnoreCase));
    }
}
