using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Tests.Testing;

namespace WWPS.PolicyBot.Tests.Engine;

/// <summary>Every <c>Transcripts/*.chat</c> file, on memory storage and on a real SQLite file.</summary>
public sealed class TranscriptTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Transcripts");

    public static TheoryData<string, string> Transcripts() => TranscriptRuns.Files(Folder);

    [Theory]
    [MemberData(nameof(Transcripts))]
    public Task SampleBotFollowsTheTranscript(string file, string storageKind) =>
        TranscriptRuns.RunAsync(Folder, file, storageKind, SampleBot.Create);

    [Fact]
    public void ThereAreTranscriptsToRun() => Assert.True(Transcripts().Count >= 8);

    [Theory]
    [InlineData("Hi Sam. Which room?", "Hi Sam. Which room?", true)]
    [InlineData("Hi *. Which room?", "Hi Sam. Which room?", true)]
    [InlineData("Hi*", "Hi\nthere", true)]
    [InlineData("*", "", true)]
    [InlineData("~which ROOM", "Hi Sam. Which room?", true)]
    [InlineData("Hi Sam.", "Hi Sam. Which room?", false)]
    [InlineData("~kitchen", "Hi Sam. Which room?", false)]
    [InlineData("Hi *. Which room?", "Hello Sam. Which room?", false)]
    public void BotLinesMatchExactlyOrByWildcardOrContains(string pattern, string actual, bool matches) =>
        Assert.Equal(matches, ChatTranscript.Matches(pattern, actual));

    [Fact]
    public void ParsesSpeakersCommentsAndLineBreaks()
    {
        var lines = ChatTranscript.Parse("# comment\n\nuser: hi\nbot: Pick one\\n\\n1. A\nactions: A | B\n");

        Assert.Equal(
            [new ChatLine(3, ChatLineKind.User, "hi"), new ChatLine(4, ChatLineKind.Bot, "Pick one\n\n1. A"), new ChatLine(5, ChatLineKind.Actions, "A | B")],
            lines);
    }

    [Theory]
    [InlineData("someone: hi")]
    [InlineData("user: hi\nactions: A | B")]
    public void RejectsMalformedScripts(string script) =>
        Assert.Throws<FormatException>(() => ChatTranscript.Parse(script));

    [Fact]
    public async Task AnUnexpectedExtraReplyFailsTheTranscript()
    {
        var adapter = new TestAdapter();
        BotCallbackHandler chatty = async (tc, ct) =>
        {
            await tc.SendActivityAsync("one", cancellationToken: ct);
            await tc.SendActivityAsync("two", cancellationToken: ct);
        };

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => ChatTranscript.RunAsync("user: hi\nbot: one\n", adapter, chatty, "extra.chat"));

        Assert.Contains("\"two\"", failure.Message, StringComparison.Ordinal);
    }
}
