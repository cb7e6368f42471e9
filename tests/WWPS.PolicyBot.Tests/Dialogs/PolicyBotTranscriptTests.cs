using WWPS.PolicyBot.Cognitive;
using WWPS.PolicyBot.Cognitive.Answering;
using WWPS.PolicyBot.Dialogs.PolicyBot;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Tests.Support;
using WWPS.PolicyBot.Tests.Testing;

namespace WWPS.PolicyBot.Tests.Dialogs;

/// <summary>
/// Every <c>Transcripts/PolicyBot/*.chat</c> file against the real bot (the bundled policy, local analysers), on
/// memory storage and on a SQLite file, so dialog state and the follow-up memory go through JSON between turns.
/// </summary>
public sealed class PolicyBotTranscriptTests
{
    private static readonly string Folder = Path.Combine(RepoPaths.Root, "tests", "WWPS.PolicyBot.Tests", "Transcripts", "PolicyBot");

    public static TheoryData<string, string> Transcripts() => TranscriptRuns.Files(Folder);

    [Theory]
    [MemberData(nameof(Transcripts))]
    public Task PolicyBotFollowsTheTranscript(string file, string storageKind) =>
        TranscriptRuns.RunAsync(Folder, file, storageKind, PolicyBot.Create);

    [Fact]
    public void EveryDialogPathHasATranscript() => Assert.True(Transcripts().Count / 2 >= 12);
}

/// <summary>The bot as the host builds it, over storage and a clock of the test's choosing; the services are built once.</summary>
internal static class PolicyBot
{
    private static readonly Lazy<CognitiveServices> SharedServices = new(() => TestCognitive.Create(
        new CognitiveSettings(PolicyPath: null, PolicyAnswerer.DefaultThreshold, AzureEndpoint: null, AzureKey: null),
        new ManualTimeProvider(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero))));

    public static CognitiveServices Services => SharedServices.Value;

    public static AgentApplication Create(IStorage storage, TimeProvider time) =>
        PolicyBotApplication.Create(Services, new ConversationState(storage, time, TimeSpan.FromMinutes(60)), new UserState(storage, time));
}
