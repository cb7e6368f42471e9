using System.Text.RegularExpressions;
using ArchUnitNET.Fluent.Syntax.Elements.Types;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnit;
using static ArchUnitNET.Fluent.ArchRuleDefinition;
using ArchitectureModel = ArchUnitNET.Domain.Architecture;

namespace WWPS.PolicyBot.Tests.Architecture;

/// <summary>
/// The layers that the three projects do not keep by references alone (Protocol and Engine sit in the Dialogs project
/// beside the bot's own dialogs; the channels sit in the Bot project beside the host that composes them). Each rule
/// names what may not be used; <see cref="RulesCatchAViolation"/> shows that each one fails when it is broken.
/// The rules read compiled code, so a constant used from another layer (inlined by the compiler) is not seen: Slack's
/// assistant prompts still quote the bot's command words (Dialogs.PolicyBot.Commands, BotText) that way.
/// </summary>
public sealed class LayerTests
{
    private const string Protocol = "WWPS.PolicyBot.Protocol";
    private const string Engine = "WWPS.PolicyBot.Dialogs.Engine";
    private const string Cognitive = "WWPS.PolicyBot.Cognitive";
    private const string Hosting = "WWPS.PolicyBot.Hosting";

    /// <summary>The channels and the plumbing they share.</summary>
    private static readonly string[] Channels = ["WWPS.PolicyBot.BotFramework", "WWPS.PolicyBot.DirectLine", "WWPS.PolicyBot.Slack", "WWPS.PolicyBot.Plumbing"];

    /// <summary>
    /// The bot's own conversation: its dialogs, escalation and insights services, and the cards they build. A channel
    /// draws what a turn sends and carries it; it never decides what the bot says.
    /// </summary>
    private static readonly string[] BotDialogs =
        ["WWPS.PolicyBot.Dialogs.PolicyBot", "WWPS.PolicyBot.Dialogs.Escalations", "WWPS.PolicyBot.Dialogs.Insights", "WWPS.PolicyBot.Dialogs.Cards"];

    /// <summary>The host and the features it composes beside the channels (escalation, its console, insights, the command line).</summary>
    private static readonly string[] HostAndFeatures =
        [Hosting, "WWPS.PolicyBot.Escalations", "WWPS.PolicyBot.EscalationConsole", "WWPS.PolicyBot.Insights", "WWPS.PolicyBot.Cli"];

    private static readonly ArchitectureModel Architecture = new ArchLoader().LoadAssemblies(
        typeof(PolicyBot.Protocol.Activity).Assembly,
        typeof(PolicyBot.Cognitive.Sentiment.VaderAnalyzer).Assembly,
        typeof(PolicyBot.Hosting.BotHost).Assembly).Build();

    [Fact]
    public void ProtocolDependsOnNothingOfOurs() =>
        ProtocolRule().Check(Architecture);

    [Fact]
    public void EngineDependsOnlyOnProtocol() =>
        EngineRule().Check(Architecture);

    [Fact]
    public void CognitiveKnowsNothingOfChatOrTheHost() =>
        CognitiveRule().Check(Architecture);

    [Fact]
    public void ChannelsDependNeitherOnTheBotsDialogsNorOnTheHost() =>
        ChannelRule().Check(Architecture);

    /// <summary>
    /// Each rule's shape, pointed at code that does break it, fails: the engine uses the protocol, the bot's dialogs use
    /// the engine and Cognitive, the host composes everything, and the PostgreSQL escalation store keeps the escalation
    /// service's records. A rule that passed whatever the code did would pass these too.
    /// </summary>
    [Fact]
    public void RulesCatchAViolation()
    {
        Assert.Throws<FailedArchRuleException>(() => OursOnlyIn([Engine], [Engine]).Check(Architecture));
        Assert.Throws<FailedArchRuleException>(() => OursOnlyIn(["WWPS.PolicyBot.Dialogs.PolicyBot"], ["WWPS.PolicyBot.Dialogs.PolicyBot", Protocol]).Check(Architecture));
        Assert.Throws<FailedArchRuleException>(() => OursOnlyIn([Hosting], [Hosting]).Check(Architecture));
        Assert.Throws<FailedArchRuleException>(() => NotOnDialogsOrHost(Types().That().ResideInNamespace("WWPS.PolicyBot.Storage.Postgres")).Check(Architecture));
    }

    private static TypesShouldConjunctionWithDescription ProtocolRule() => OursOnlyIn([Protocol], [Protocol],
        "the protocol (activities, turn context, middleware, state) is the base every layer stands on");

    private static TypesShouldConjunctionWithDescription EngineRule() => OursOnlyIn([Engine], [Engine, Protocol],
        "the dialog engine is a framework for any bot, not this bot's dialogs");

    private static TypesShouldConjunctionWithDescription CognitiveRule() => OursOnlyIn([Cognitive], [Cognitive],
        "text analysis and the policy know nothing of chat, dialogs or HTTP");

    private static TypesShouldConjunctionWithDescription ChannelRule() =>
        NotOnDialogsOrHost(Types().That().ResideInNamespaceMatching(Under(Channels)));

    private static TypesShouldConjunctionWithDescription NotOnDialogsOrHost(GivenTypesConjunction subjects) =>
        subjects.Should().NotDependOnAny(Types().That().ResideInNamespaceMatching(Under([.. BotDialogs, .. HostAndFeatures])))
            .Because("a channel carries and draws a turn's activities; the host composes channels, never the reverse");

    /// <summary>Types in <paramref name="subjects"/> (and below) use nothing of ours outside <paramref name="allowed"/> (and below).</summary>
    private static TypesShouldConjunctionWithDescription OursOnlyIn(string[] subjects, string[] allowed, string because = "it is a lower layer") =>
        Types().That().ResideInNamespaceMatching(Under(subjects))
            .Should().NotDependOnAny(Types().That().ResideInNamespaceMatching(@"^WWPS\.PolicyBot(\..*)?$")
                .And().DoNotResideInNamespaceMatching(Under(allowed)))
            .Because(because);

    private static string Under(string[] namespaces) =>
        "^(" + string.Join('|', namespaces.Select(n => Regex.Escape(n))) + @")(\..*)?$";
}
