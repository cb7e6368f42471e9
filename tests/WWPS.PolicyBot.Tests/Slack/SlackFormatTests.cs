using System.Text.Json;
using WWPS.PolicyBot.Dialogs.Cards;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Slack;

namespace WWPS.PolicyBot.Tests.Slack;

/// <summary>Slack's markup both ways, and Block Kit's limits.</summary>
public sealed class SlackFormatTests
{
    [Theory]
    [InlineData("**Friendships with parents** [methods-5]", "*Friendships with parents* [methods-5]")]
    [InlineData("> a quoted clause", "> a quoted clause")]
    [InlineData("fish & chips <3 > 2", "fish &amp; chips &lt;3 &gt; 2")]
    [InlineData("line one\n>quote & more", "line one\n>quote &amp; more")]
    public void WritesMrkdwn(string markdown, string mrkdwn) => Assert.Equal(mrkdwn, SlackBlocks.Mrkdwn(markdown));

    [Theory]
    [InlineData("Text me on <tel:07700900300|07700 900300>", "Text me on 07700 900300")]
    [InlineData("mail <mailto:jo@example.com|jo@example.com> or <mailto:jo@example.com>", "mail jo@example.com or jo@example.com")]
    [InlineData("see <https://example.com/a?b=1&amp;c=2>", "see https://example.com/a?b=1&c=2")]
    [InlineData("fish &amp; chips &lt;3", "fish & chips <3")]
    [InlineData("ask <@U0002> or <!here>", "ask @U0002 or @here")]
    public void ReadsSlackMarkupAsTyped(string slack, string typed) => Assert.Equal(typed, SlackActivities.Unformat(slack));

    [Theory]
    [InlineData("<@UBOT> can I friend a parent?", "UBOT", "can I friend a parent?")]
    [InlineData("hey <@UBOT|policybot> help", "UBOT", "hey help")]
    [InlineData("<@UBOT> ask <@U0002>", "UBOT", "ask <@U0002>")]
    [InlineData("<@UXYZ> help", null, "help")]
    public void StripsOnlyTheBotsMention(string text, string? botUserId, string stripped) =>
        Assert.Equal(stripped, SlackActivities.StripMention(text, botUserId));

    [Fact]
    public void KeepsWithinBlockKitLimits()
    {
        var card = new AdaptiveCard();
        for (var i = 0; i < 80; i++)
        {
            card.Text($"Finding {i}", bold: true).Quote("Clause", new string('x', 4000));
        }

        card.Buttons(CardButton.Submit(new string('B', 100), new string('c', 3000)));
        var activity = new Activity { Type = ActivityTypes.Message, Text = "fallback", Attachments = [card.ToAttachment("fallback")] };

        using var message = JsonDocument.Parse(SlackBlocks.Render(activity)!.ToJsonString());

        var blocks = message.RootElement.GetProperty("blocks").EnumerateArray().ToList();
        Assert.Equal(50, blocks.Count);
        Assert.Equal("actions", blocks[^1].GetProperty("type").GetString());
        Assert.All(blocks.Where(b => b.TryGetProperty("text", out _)), b => Assert.True(b.GetProperty("text").GetProperty("text").GetString()!.Length <= 3000));
        var button = blocks[^1].GetProperty("elements")[0];
        Assert.Equal(75, button.GetProperty("text").GetProperty("text").GetString()!.Length);
        Assert.Equal("fallback", message.RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public void SuggestedActionsBecomeButtonsThatSayTheirWords()
    {
        var activity = MessageFactory.SuggestedActions(["Ask a question", "Help"], "What next?");

        using var message = JsonDocument.Parse(SlackBlocks.Render(activity)!.ToJsonString());

        var blocks = message.RootElement.GetProperty("blocks");
        Assert.Equal("What next?", blocks[0].GetProperty("text").GetProperty("text").GetString());
        var buttons = blocks[1].GetProperty("elements").EnumerateArray().Select(b => (b.GetProperty("action_id").GetString(), b.GetProperty("value").GetString())).ToList();
        Assert.Equal([("imback-1", "Ask a question"), ("imback-2", "Help")], buttons);
    }

    [Fact]
    public void EmptyMessagePostsNothing() =>
        Assert.Null(SlackBlocks.Render(new Activity { Type = ActivityTypes.Message }));
}
