using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using WWPS.PolicyBot.Dialogs.Escalations;
using WWPS.PolicyBot.Dialogs.PolicyBot;
using WWPS.PolicyBot.Escalations;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Tests.Testing;
using TestBot = WWPS.PolicyBot.Tests.Dialogs.PolicyBot;

namespace WWPS.PolicyBot.Tests.Escalations;

public sealed class EscalationServiceTests
{
    private const string Concern = "Jayden's mum posted his photo from sports day on Instagram";

    private static async Task<(TestAdapter Adapter, AgentApplication Bot, EscalationWorld World, MemoryEscalationStore Store, MemoryStorage State)> StartAsync(
        EscalationOptions? options = null, Microsoft.Extensions.Logging.ILogger? logger = null, IEscalationMailer? mailer = null)
    {
        var time = new ManualTimeProvider();
        var store = new MemoryEscalationStore(time);
        var state = new MemoryStorage();
        var adapter = new TestAdapter(logger, time);
        var world = await EscalationWorld.CreateAsync(adapter, store, time, options, logger, mailer);
        var bot = PolicyBotApplication.Create(
            TestBot.Services, new ConversationState(state, time, TimeSpan.FromMinutes(60)), new UserState(state, time), world.Service);
        return (adapter, bot, world, store, state);
    }

    private static async Task RaiseAsync(TestAdapter adapter, AgentApplication bot, string concern = Concern)
    {
        foreach (var text in new[] { "talk to the manager", concern, "keep details", "Send" })
        {
            await adapter.ProcessAsync(adapter.MakeMessage(text), bot.OnTurnAsync);
        }
    }

    [Fact]
    public async Task NeitherTheConcernNorRelayedWordsReachTheLogOrLingerInState()
    {
        var log = new ListLogger();
        var (adapter, bot, world, store, state) = await StartAsync(logger: log);
        world.Parties.SetReachable!("manager", false);

        await RaiseAsync(adapter, bot);
        world.Parties.SetReachable("manager", true);
        await world.Service.AcceptAsync(1, "manager", default);
        await adapter.ProcessAsync(adapter.MakeMessage("my secret reply words"), bot.OnTurnAsync);

        Assert.Contains(log.Lines, l => l.Contains("notification attempt 1 failed (unreachable)", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Lines, l => l.Contains("Jayden", StringComparison.Ordinal) || l.Contains("secret", StringComparison.Ordinal) || l.Contains("Instagram", StringComparison.Ordinal));
        var conversation = (await state.ReadAsync(["test/conversations/conversation1"], default)).Single().Value.Value.GetRawText();
        Assert.DoesNotContain("Jayden", conversation, StringComparison.Ordinal);
        Assert.DoesNotContain(await store.GetAuditAsync(null, default), a => a.Action.Contains("secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TrimmedPersonalDataIsWhatIsStoredUnlessTheUserKeepsIt()
    {
        var (adapter, bot, _, store, _) = await StartAsync();
        foreach (var text in new[] { "talk to the manager", "Call me on 07700 900123 about the photo", "Send" })
        {
            await adapter.ProcessAsync(adapter.MakeMessage(text), bot.OnTurnAsync);
        }

        Assert.Equal("Call me on [PHONE] about the photo", (await store.GetAsync(1, default))!.Summary);
    }

    [Fact]
    public async Task SendsTheHandoffInitiateEventWithATranscriptWhenConfigured()
    {
        var (adapter, bot, _, _, _) = await StartAsync(EscalationWorld.Options with { HandoffEvents = true });

        await RaiseAsync(adapter, bot);

        var replies = new List<Activity>();
        while (adapter.TakeReply("conversation1") is { } reply)
        {
            replies.Add(reply);
        }

        var handoff = Assert.Single(replies, r => r.IsType(ActivityTypes.Event));
        Assert.Equal("handoff.initiate", handoff.Name);
        Assert.Equal("1", handoff.Value!.Value.GetProperty("escalationId").GetString());
        Assert.Equal("manager", handoff.Value.Value.GetProperty("role").GetString());
        Assert.Equal("conversation1", handoff.RelatesTo?.Conversation?.Id);
        Assert.NotNull(handoff.ReplyToId);
        var transcript = Assert.Single(handoff.Attachments!);
        Assert.Equal(("application/json", "Transcript"), (transcript.ContentType, transcript.Name));
        Assert.Equal(Concern, transcript.Content!.Value.GetProperty("activities")[0].GetProperty("text").GetString());
        Assert.StartsWith("Sent to the Manager", replies[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoHandoffEventUnlessConfigured()
    {
        var (adapter, bot, _, _, _) = await StartAsync();

        await RaiseAsync(adapter, bot);

        var replies = new List<Activity>();
        while (adapter.TakeReply("conversation1") is { } reply)
        {
            replies.Add(reply);
        }

        Assert.DoesNotContain(replies, r => r.IsType(ActivityTypes.Event));
    }

    [Theory]
    [InlineData("accepted", EscalationStatus.Accepted, "has picked up your concern")]
    [InlineData("completed", EscalationStatus.Closed, "has closed the conversation")]
    [InlineData("failed", EscalationStatus.Waiting, "The hand-off to a person did not go through")]
    public async Task AHubsHandoffStatusMovesTheEscalation(string state, EscalationStatus expected, string told)
    {
        var (adapter, store) = await RaiseThenHandoffStatusAsync(EscalationWorld.Options with { HandoffEvents = true }, state);

        Assert.Equal(expected, (await store.GetAsync(1, default))!.Status);
        Assert.Contains(told, adapter.TakeReply("conversation1")?.Text, StringComparison.Ordinal);
    }

    /// <summary>
    /// Bug: handoff.status was acted on even with Escalation:HandoffEvents off (the default), so anyone able to post an
    /// event activity (Web Chat's Direct Line) could mark their own concern accepted: it then never timed out and the
    /// Manager could no longer accept it. Without a hub configured, the event is ignored.
    /// </summary>
    [Theory]
    [InlineData("accepted")]
    [InlineData("completed")]
    [InlineData("failed")]
    public async Task AHandoffStatusIsIgnoredUnlessHandoffEventsAreConfigured(string state)
    {
        var (adapter, store) = await RaiseThenHandoffStatusAsync(null, state);

        Assert.Equal(EscalationStatus.Waiting, (await store.GetAsync(1, default))!.Status);
        Assert.Null(adapter.TakeReply("conversation1"));
        Assert.DoesNotContain(await store.GetAuditAsync(1, default), a => a.Actor == "hub");
    }

    /// <summary>A concern raised and its replies read, then a hub's <c>handoff.status</c> event with <paramref name="state"/>.</summary>
    private static async Task<(TestAdapter Adapter, IEscalationStore Store)> RaiseThenHandoffStatusAsync(EscalationOptions? options, string state)
    {
        var (adapter, bot, _, store, _) = await StartAsync(options);
        await RaiseAsync(adapter, bot);
        while (adapter.TakeReply() is not null)
        {
        }

        var status = new Activity
        {
            Type = ActivityTypes.Event,
            Name = "handoff.status",
            Value = JsonDocument.Parse($$"""{"state":"{{state}}"}""").RootElement.Clone(),
        };
        await adapter.ProcessAsync(status, bot.OnTurnAsync);
        return (adapter, store);
    }

    [Fact]
    public async Task EmailsThePersonThatAConcernIsWaitingWithoutItsWords()
    {
        await using var smtp = await FakeSmtpServer.StartAsync();
        var mailer = new SmtpEscalationMailer(new SmtpSettings("127.0.0.1", smtp.Port, "policybot@example.org", false, null, null, TimeSpan.FromSeconds(10)));
        var options = EscalationWorld.Options with { Manager = EscalationWorld.Options.Manager! with { Email = "jane@example.org" } };
        var (adapter, bot, _, store, _) = await StartAsync(options, mailer: mailer);

        await RaiseAsync(adapter, bot);

        var mail = Assert.Single(smtp.Messages);
        Assert.Contains("RCPT TO:<jane@example.org>", mail.Envelope, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Subject: PolicyBot: a concern is waiting for you (#1)", mail.Data, StringComparison.Ordinal);
        Assert.DoesNotContain("Jayden", mail.Data, StringComparison.Ordinal);
        Assert.Contains(await store.GetNotificationsAsync(1, default), n => n is { Channel: NotificationChannel.Email, State: NotificationState.Sent });
        string? last = null;
        while (adapter.TakeReply("conversation1") is { } reply)
        {
            last = reply.Text;
        }

        Assert.Contains("I've let them know in their chat with me and by email.", last, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEmailThatCannotBeSentIsRetriedAndShown()
    {
        int closedPort;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var mailer = new SmtpEscalationMailer(new SmtpSettings("127.0.0.1", closedPort, "policybot@example.org", false, null, null, TimeSpan.FromSeconds(5)));
        var options = EscalationWorld.Options with { Manager = EscalationWorld.Options.Manager! with { Email = "jane@example.org" } };
        var (adapter, bot, _, store, _) = await StartAsync(options, mailer: mailer);

        await RaiseAsync(adapter, bot);

        var email = Assert.Single(await store.GetNotificationsAsync(1, default), n => n.Channel == NotificationChannel.Email);
        Assert.Equal((NotificationState.Pending, 1), (email.State, email.Attempts));
        Assert.NotNull(email.LastError);
        Assert.Contains(await store.GetAuditAsync(1, default), a => a.Action == "notify-failed:email");
    }

    [Fact]
    public void ReadsTheTwoRolesHoursAndLimitsFromConfiguration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Escalation:Manager:Name"] = "Jane Smith",
            ["Escalation:Manager:ChannelId"] = "msteams",
            ["Escalation:Manager:UserId"] = "29:abc",
            ["Escalation:Manager:Email"] = "jane@example.org",
            ["Escalation:Chair:Name"] = "Sam Brown",
            ["Escalation:Chair:Email"] = "sam@example.org",
            ["Escalation:WorkingHours:Days"] = "Mon-Thu,Sat",
            ["Escalation:WorkingHours:Start"] = "08:30",
            ["Escalation:WorkingHours:End"] = "12:00",
            ["Escalation:AcceptTimeoutMinutes"] = "90",
            ["Escalation:RetentionDays"] = "30",
            ["Escalation:HandoffEvents"] = "true",
        }).Build();

        var options = EscalationHosting.OptionsFrom(configuration);

        Assert.True(options.IsEnabled);
        Assert.Equal(EscalationRole.Manager, options.RoleOf(new PartyId("msteams", "29:abc")));
        Assert.Null(options.RoleOf(new PartyId("directline", "29:abc")));
        Assert.Null(options.Chair!.Chat);
        Assert.Equal("Monday, Tuesday, Wednesday, Thursday, Saturday, 8:30 to 12:00", options.Hours.Describe());
        Assert.Equal((TimeSpan.FromMinutes(90), TimeSpan.FromDays(30), true), (options.AcceptTimeout, options.Retention, options.HandoffEvents));
    }

    [Fact]
    public void WithoutBothPeopleEscalationIsOffAndRetentionDefaultsTo90Days()
    {
        var options = EscalationHosting.OptionsFrom(new ConfigurationBuilder().AddInMemoryCollection(
            new Dictionary<string, string?> { ["Escalation:Manager:Name"] = "Jane Smith", ["Escalation:Manager:Email"] = "jane@example.org" }).Build());

        Assert.False(options.IsEnabled);
        Assert.Equal(TimeSpan.FromDays(90), options.Retention);
    }

    [Theory]
    [InlineData("2026-11-25T10:00:00Z", "2026-11-25T10:00:00Z")] // Wednesday, open
    [InlineData("2026-11-25T15:00:00Z", "2026-11-26T09:00:00Z")] // Wednesday, closing time
    [InlineData("2026-11-27T16:00:00Z", "2026-11-30T09:00:00Z")] // Friday evening: Monday
    [InlineData("2026-06-01T07:30:00Z", "2026-06-01T08:00:00Z")] // British Summer Time: 9:00 in London is 8:00 UTC
    public void FindsWhenThePreschoolNextOpens(string now, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            WorkingHours.Default.NextOpen(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("2026-11-25T10:00:00Z", 240, "2026-11-25T14:00:00Z")] // Wednesday morning: the same afternoon
    [InlineData("2026-11-25T14:30:00Z", 240, "2026-11-26T12:30:00Z")] // half an hour left today, the rest tomorrow
    [InlineData("2026-11-27T14:00:00Z", 240, "2026-11-30T12:00:00Z")] // Friday afternoon: not over the weekend
    [InlineData("2026-11-25T20:00:00Z", 240, "2026-11-26T13:00:00Z")] // raised in the evening: from the next opening
    [InlineData("2026-11-25T10:00:00Z", 720, "2026-11-27T10:00:00Z")] // 12 hours: 5 on Wednesday, 6 on Thursday, 1 on Friday
    public void AWaitCountsOnlyWorkingTime(string now, int minutes, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            WorkingHours.Default.AddWorkingTime(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromMinutes(minutes)));
}

/// <summary>Just enough SMTP to receive one message at a time, as a real server answers System.Net.Mail.</summary>
internal sealed class FakeSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly List<(string Envelope, string Data)> _messages = [];

    private FakeSmtpServer(TcpListener listener)
    {
        _listener = listener;
        _loop = Task.Run(() => AcceptAsync(_stop.Token));
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public IReadOnlyList<(string Envelope, string Data)> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    public static Task<FakeSmtpServer> StartAsync()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return Task.FromResult(new FakeSmtpServer(listener));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            using var client = await _listener.AcceptTcpClientAsync(cancellationToken);
            using var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 fake ESMTP");
            var envelope = new StringBuilder();
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                envelope.AppendLine(line);
                if (line.StartsWith("EHLO", StringComparison.OrdinalIgnoreCase) || line.StartsWith("HELO", StringComparison.OrdinalIgnoreCase))
                {
                    await writer.WriteLineAsync("250 fake");
                }
                else if (line.StartsWith("DATA", StringComparison.OrdinalIgnoreCase))
                {
                    await writer.WriteLineAsync("354 go ahead");
                    var data = new StringBuilder();
                    while (await reader.ReadLineAsync(cancellationToken) is { } dataLine && dataLine != ".")
                    {
                        data.AppendLine(dataLine);
                    }

                    lock (_messages)
                    {
                        _messages.Add((envelope.ToString(), data.ToString()));
                    }

                    await writer.WriteLineAsync("250 queued");
                }
                else if (line.StartsWith("QUIT", StringComparison.OrdinalIgnoreCase))
                {
                    await writer.WriteLineAsync("221 bye");
                    break;
                }
                else
                {
                    await writer.WriteLineAsync("250 ok");
                }
            }
        }
    }
}
