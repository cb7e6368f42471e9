using System.Text.Json;
using WWPS.PolicyBot.BotFramework;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Replies;
using WWPS.PolicyBot.Slack;
using WWPS.PolicyBot.Tests.Testing;

namespace WWPS.PolicyBot.Tests.Replies;

/// <summary>One reply, drawn for each kind of channel: the same words everywhere, in the shape each can show.</summary>
public sealed class ReplyRenderingTests
{
    private static readonly AnswerReply Answer = new(
        "Following on from your earlier question:",
        "It's discouraged.",
        [new QuotedClause("Friendships with parents", "methods-5", "Staff are not encouraged to add parents as friends.")],
        new FeedbackRequest("Was this helpful?", "yes / no", ReplyButton.Submit("Yes", "Yes, that helped"), ReplyButton.Submit("No", "No, that didn't help")),
        [ReplyButton.Say("Ask another"), ReplyButton.Link("Email us", new Uri("mailto:office@example.org"))]);

    private const string AnswerText =
        "Following on from your earlier question:\n\nIt's discouraged.\n\n**Friendships with parents** [methods-5]\n> Staff are not encouraged to add parents as friends." +
        "\n\nWas this helpful? (yes / no) · Ask another · Email us";

    [Fact]
    public void TextChannelsGetEveryWordAsMarkdownAndNoCard()
    {
        var text = ReplyRendering.AsText(Answer.ToActivity());

        Assert.Equal(AnswerText, text.Text);
        Assert.Equal(TextFormats.Markdown, text.TextFormat);
        Assert.Null(text.Attachments);
        Assert.Null(text.Reply);
    }

    [Fact]
    public void CardChannelsGetTheCardWithTheTextAsSummaryAndFallback()
    {
        var drawn = ReplyRendering.WithCard(Answer.ToActivity());

        Assert.Null(drawn.Text);
        Assert.Equal(AnswerText, drawn.Summary);
        var card = Assert.Single(drawn.Attachments!).Content!.Value;
        Assert.Equal(AnswerText, card.GetProperty("fallbackText").GetString());
        Assert.Equal(
            "Following on from your earlier question:\nIt's discouraged.\nFriendships with parents [methods-5]\nStaff are not encouraged to add parents as friends.\nWas this helpful?",
            ChatTranscript.CardText(card));
        Assert.Equal(["Yes", "No", "Ask another", "Email us"], ChatTranscript.CardButtons(drawn).Select(b => b.Title));
        Assert.Equal("No, that didn't help", CardSubmit.CommandOf(ChatTranscript.CardButtons(drawn)[1].Data));
    }

    [Fact]
    public void TheNeutralReplyNeverTravelsOnTheWire()
    {
        var json = ProtocolJson.Serialize(Answer.ToActivity() with { Text = "x" });

        Assert.DoesNotContain("reply", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("discouraged", json, StringComparison.Ordinal);
    }

    [Fact]
    public void AnActivityWithoutAReplyIsLeftAsItIs()
    {
        var plain = MessageFactory.SuggestedActions(["Help"], "Hello");

        Assert.Same(plain, ReplyRendering.WithCard(plain));
        Assert.Same(plain, ReplyRendering.AsText(plain));
    }

    [Fact]
    public void AnEscalationSummaryIsTextWithQuickRepliesOnEveryChannel()
    {
        var reply = new EscalationSummaryReply("Here's what I'll send to the Manager:", "line one\nline two", null, "Shall I send it?", ["Send", "Don't send"]);

        foreach (var drawn in new[] { ReplyRendering.WithCard(reply.ToActivity()), ReplyRendering.AsText(reply.ToActivity()) })
        {
            Assert.Equal("Here's what I'll send to the Manager:\n\n> line one\n> line two\n\nShall I send it?", drawn.Text);
            Assert.Equal(["Send", "Don't send"], drawn.SuggestedActions!.Actions.Select(a => a.Title));
            Assert.Null(drawn.Attachments);
        }
    }

    [Theory]
    [InlineData("msteams", true)]
    [InlineData("webchat", true)]
    [InlineData("emulator", true)]
    [InlineData("directline", true)]
    [InlineData("sms", false)]
    [InlineData("telegram", false)]
    public void TheConnectorDrawsCardsOnlyWhereTheClientCan(string channel, bool card)
    {
        var drawn = ConnectorAdapter.Render(Answer.ToActivity() with { ChannelId = channel });

        Assert.Equal(card, drawn.Attachments is { Count: 1 });
        Assert.Equal(AnswerText, card ? drawn.Summary : drawn.Text);
    }

    [Fact]
    public void SlackGetsBlocksBuiltFromTheReplyWithItsTextForNotifications()
    {
        using var message = JsonDocument.Parse(SlackBlocks.Render(Answer.ToActivity() with { Conversation = new ConversationAccount { Id = "C1" } })!.ToJsonString());

        var root = message.RootElement;
        Assert.Equal(SlackBlocks.Mrkdwn(AnswerText), root.GetProperty("text").GetString());
        var blocks = root.GetProperty("blocks").EnumerateArray().ToList();
        Assert.Equal(["context", "section", "section", "section", "actions", "actions"], blocks.Select(b => b.GetProperty("type").GetString()));
        Assert.Equal("*Friendships with parents [methods-5]*\n>Staff are not encouraged to add parents as friends.", blocks[2].GetProperty("text").GetProperty("text").GetString());
        var feedback = blocks[4].GetProperty("elements").EnumerateArray().ToList();
        Assert.Equal("""{"command":"Yes, that helped"}""", feedback[0].GetProperty("value").GetString());
        var next = blocks[5].GetProperty("elements").EnumerateArray().ToList();
        Assert.Equal("mailto:office@example.org", next[1].GetProperty("url").GetString());
    }
}
