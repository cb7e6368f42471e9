using Microsoft.Extensions.Logging.Abstractions;
using WWPS.PolicyBot.Dialogs.Escalations;
using WWPS.PolicyBot.Dialogs.PolicyBot;
using WWPS.PolicyBot.Escalations;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Storage;
using WWPS.PolicyBot.Tests.Support;
using WWPS.PolicyBot.Tests.Testing;
using TestBot = WWPS.PolicyBot.Tests.Dialogs.PolicyBot;

namespace WWPS.PolicyBot.Tests.Escalations;

/// <summary>
/// Every <c>Transcripts/Escalation/*.chat</c> file against the real bot with the Manager (Jane Smith) and the Chair
/// (Sam Brown) configured, each with their own chat with the bot; on memory stores and on one SQLite file. The clock
/// starts on Wednesday 25 November 2026 at 9:00 in London, inside working hours (Monday to Friday, 9:00 to 15:00).
/// </summary>
public sealed class EscalationTranscriptTests
{
    private static readonly string Folder = Path.Combine(RepoPaths.Root, "tests", "WWPS.PolicyBot.Tests", "Transcripts", "Escalation");

    public static TheoryData<string, string> Transcripts() => TranscriptRuns.Files(Folder);

    [Theory]
    [MemberData(nameof(Transcripts))]
    public async Task EscalationFollowsTheTranscript(string file, string storageKind)
    {
        using var temp = new TempFolder();
        var time = new ManualTimeProvider();
        var sqlite = storageKind == "sqlite" ? await SqliteStorage.OpenAsync(temp.Path, time) : null;
        IStorage storage = sqlite is null ? new MemoryStorage() : sqlite;
        IEscalationStore store = sqlite is null ? new MemoryEscalationStore(time) : await SqliteEscalationStore.OpenAsync(sqlite.DatabasePath, time);
        var adapter = new TestAdapter(new ListLogger(), time);
        var world = await EscalationWorld.CreateAsync(adapter, store, time);
        var bot = PolicyBotApplication.Create(
            TestBot.Services, new ConversationState(storage, time, TimeSpan.FromMinutes(60)), new UserState(storage, time), world.Service);

        await ChatTranscript.RunAsync(await File.ReadAllTextAsync(Path.Combine(Folder, file)), adapter, bot.OnTurnAsync, file, world.Parties);
        sqlite?.Dispose();
    }

    [Fact]
    public void EveryEscalationPathHasATranscript() => Assert.True(Transcripts().Count / 2 >= 10);
}

/// <summary>The Manager, the Chair and another user around a <see cref="TestAdapter"/>, with a clock and a switch to make a chat unreachable.</summary>
internal sealed class EscalationWorld
{
    public static readonly PartyId ManagerId = new(Channels.Test, "manager1");
    public static readonly PartyId ChairId = new(Channels.Test, "chair1");

    private EscalationWorld(EscalationService service, TranscriptParties parties, TestMessenger messenger)
    {
        Service = service;
        Parties = parties;
        Messenger = messenger;
    }

    public EscalationService Service { get; }

    public TranscriptParties Parties { get; }

    public TestMessenger Messenger { get; }

    public static EscalationOptions Options { get; } = new()
    {
        Manager = new EscalationPerson(EscalationRole.Manager, "Jane Smith", ManagerId, null),
        Chair = new EscalationPerson(EscalationRole.Chair, "Sam Brown", ChairId, null),
        AcceptTimeout = TimeSpan.FromHours(4),
        NotifyAttempts = 3,
        NotifyRetryDelay = TimeSpan.FromMinutes(1),
    };

    public static ConversationReference Reference(string userId, string name, string conversationId) => new(
        null,
        new ChannelAccount { Id = userId, Name = name, Role = RoleTypes.User },
        new ChannelAccount { Id = "bot1", Name = "PolicyBot", Role = RoleTypes.Bot },
        new ConversationAccount { Id = conversationId },
        Channels.Test,
        "https://test.invalid/",
        "en-GB");

    /// <param name="options">The default: both people configured, 4 hours to accept, 3 notification attempts a minute apart.</param>
    public static async Task<EscalationWorld> CreateAsync(
        TestAdapter adapter, IEscalationStore store, ManualTimeProvider time, EscalationOptions? options = null, Microsoft.Extensions.Logging.ILogger? logger = null, IEscalationMailer? mailer = null)
    {
        var messenger = new TestMessenger(adapter);
        var service = new EscalationService(
            store, options ?? Options, messenger, mailer ?? NoEscalationMailer.Instance, TestBot.Services.Policy.Metadata, time, logger ?? NullLogger.Instance);
        var manager = Reference("manager1", "Jane Smith", "conversation-manager");
        var chair = Reference("chair1", "Sam Brown", "conversation-chair");

        // As if each had written to the bot before: that is when their chat's address is kept.
        await store.SetContactAsync(EscalationRole.Manager, manager, default);
        await store.SetContactAsync(EscalationRole.Chair, chair, default);
        var parties = new TranscriptParties
        {
            Advance = async by =>
            {
                time.Advance(by);
                await service.ProcessDueAsync(default);
            },
            SetReachable = (party, reachable) => messenger.SetReachable(party == "user" ? adapter.Reference.Conversation!.Id! : "conversation-" + party, reachable),
        };
        parties.Parties["manager"] = manager;
        parties.Parties["chair"] = chair;
        parties.Parties["other"] = Reference("user2", "Alex", "conversation-other");
        parties.Parties["user"] = adapter.Reference;
        return new EscalationWorld(service, parties, messenger);
    }
}

/// <summary>Proactive messages into the test adapter's conversations; a conversation marked unreachable throws as a dead channel would.</summary>
internal sealed class TestMessenger(TestAdapter adapter) : IProactiveMessenger
{
    private readonly HashSet<string> _unreachable = new(StringComparer.Ordinal);

    public int Sent { get; private set; }

    public void SetReachable(string conversationId, bool reachable)
    {
        if (reachable)
        {
            _unreachable.Remove(conversationId);
        }
        else
        {
            _unreachable.Add(conversationId);
        }
    }

    public async Task SendAsync(ConversationReference reference, IReadOnlyList<Activity> activities, CancellationToken cancellationToken)
    {
        if (_unreachable.Contains(reference.Conversation?.Id ?? string.Empty))
        {
            throw new EscalationDeliveryException("unreachable");
        }

        await adapter.ContinueConversationAsync(reference, (tc, ct) => tc.SendActivitiesAsync(activities, ct), cancellationToken);
        Sent++;
    }
}
