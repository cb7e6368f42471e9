using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Tests.Testing;

namespace WWPS.PolicyBot.Tests.Dialogs;

/// <summary>Drafts are checked in memory: never written to conversation state between turns, never logged.</summary>
public sealed class PrivacyTests
{
    private const string Draft = "Text me on 07700 900300 about Leo's nappy rash";

    [Fact]
    public async Task APastedDraftIsNeitherStoredNorLogged()
    {
        var storage = new MemoryStorage();
        var time = new ManualTimeProvider();
        var log = new ListLogger();
        var adapter = new TestAdapter(log, time);
        var bot = PolicyBot.Create(storage, time);

        await new TestFlow(adapter, bot)
            .Send("check my post")
            .AssertReplyContains("Paste the text")
            .Send(Draft)
            .AssertReplyContains("Shares a private phone number")
            .StartTestAsync();

        // The check dialog is still open (waiting for "Check again"), which is when a stored draft would linger.
        var stored = await storage.ReadAsync(["test/conversations/conversation1"], CancellationToken.None);
        var state = Assert.Single(stored).Value.Value.GetRawText();
        Assert.Contains("draft-check", state, StringComparison.Ordinal);
        Assert.DoesNotContain("07700", state, StringComparison.Ordinal);
        Assert.DoesNotContain("nappy", state, StringComparison.Ordinal);
        Assert.DoesNotContain(log.Lines, line => line.Contains("07700", StringComparison.Ordinal) || line.Contains("nappy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CancellingForgetsTheLastQuestion()
    {
        var storage = new MemoryStorage();
        var time = new ManualTimeProvider();
        var adapter = new TestAdapter(null, time);
        var bot = PolicyBot.Create(storage, time);

        await new TestFlow(adapter, bot)
            .Send("can I friend a parent on facebook?")
            .AssertReplyContains("[methods-5]")
            .Send("cancel")
            .AssertReplyContains("I've stopped")
            .StartTestAsync();

        var stored = await storage.ReadAsync(["test/conversations/conversation1"], CancellationToken.None);
        Assert.DoesNotContain("friend a parent", Assert.Single(stored).Value.Value.GetRawText(), StringComparison.Ordinal);
    }
}
