using System.Text.Json;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Replies;
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
        var review = new DraftReviewReply(
            "Don't post this",
            null,
            "Tone: neutral",
            null,
            [.. Enumerable.Range(0, 80).Select(i => new BrokenClause([$"Finding {i}"], new QuotedClause("Clause", "c-1", new string('x', 4000))))],
            null,
            null,
            null,
            [ReplyButton.Submit(new string('B', 100), new string('c', 3000))]);
        var activity = review.ToActivity();

        using var message = JsonDocument.Parse(SlackBlocks.Render(activity)!.ToJsonString());

        var blocks = message.RootElement.GetProperty("blocks").EnumerateArray().ToList();
        Assert.Equal(50, blocks.Count);
        Assert.Equal("actions", blocks[^1].GetProperty("type").GetString());
        Assert.All(blocks.Where(b => b.TryGetProperty("text", out _)), b => Assert.True(b.GetProperty("text").GetProperty("text").GetString()!.Length <= 3000));
        var button = blocks[^1].GetProperty("elements")[0];
        Assert.Equal(75, button.GetProperty("text").GetProperty("text").GetString()!.Length);
        // The words, cut to Slack's 40,000 characters of message text.
        var text = message.RootElement.GetProperty("text").GetString()!;
        Assert.Equal(40_000, text.Length);
        Assert.Equal(SlackBlocks.Mrkdwn(ReplyText.Markdown(review))[..39_999] + "…", text);
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

    /// <summary>
    /// The answer card's "was this helpful?" pair: Slack's own thumbs (a <c>context_actions</c> block of
    /// <c>feedback_buttons</c>) in an assistant thread, where Slack documents them; ordinary buttons everywhere else.
    /// </summary>
    [Theory]
    [InlineData("personal", "1729999327.187299", true)]
    [InlineData("personal", null, false)]
    [InlineData("channel", "1729999327.187299", false)]
    public void FeedbackPairIsSlacksFeedbackButtonsOnlyInAnAssistantThread(string conversationType, string? thread, bool feedbackButtons)
    {
        var answer = new AnswerReply(
            null,
            "It's discouraged.",
            [],
            new FeedbackRequest("Was this helpful?", "yes / no", ReplyButton.Submit("Yes", "Yes, that helped"), ReplyButton.Submit("No", "No, that didn't help")),
            [ReplyButton.Say("Ask another")]);
        var activity = answer.ToActivity() with
        {
            Conversation = new ConversationAccount
            {
                Id = "D0001",
                ConversationType = conversationType,
                IsGroup = conversationType != "personal",
                Properties = thread is null ? null : new() { [SlackActivities.ThreadProperty] = JsonSerializer.SerializeToElement(thread) },
            },
        };

        using var message = JsonDocument.Parse(SlackBlocks.Render(activity)!.ToJsonString());

        var blocks = message.RootElement.GetProperty("blocks").EnumerateArray().ToList();
        var titles = blocks.Where(b => b.GetProperty("type").GetString() == "actions")
            .SelectMany(b => b.GetProperty("elements").EnumerateArray()).Select(b => b.GetProperty("text").GetProperty("text").GetString()).ToList();
        var feedback = blocks.Where(b => b.GetProperty("type").GetString() == "context_actions").SelectMany(b => b.GetProperty("elements").EnumerateArray()).ToList();
        if (feedbackButtons)
        {
            Assert.Equal(["Ask another"], titles);
            var pair = Assert.Single(feedback);
            Assert.Equal("feedback_buttons", pair.GetProperty("type").GetString());
            Assert.StartsWith(SlackActivities.SubmitActionPrefix, pair.GetProperty("action_id").GetString(), StringComparison.Ordinal);
            Assert.Equal("Yes, that helped", Command(pair.GetProperty("positive_button")));
            Assert.Equal("No, that didn't help", Command(pair.GetProperty("negative_button")));
        }
        else
        {
            Assert.Equal(["Yes", "No", "Ask another"], titles);
            Assert.Empty(feedback);
        }
    }

    /// <summary>The command a button's value (a submit's data, as JSON) stands for.</summary>
    private static string? Command(JsonElement button)
    {
        using var data = JsonDocument.Parse(button.GetProperty("value").GetString()!);
        return data.RootElement.GetProperty("command").GetString();
    }

    [Fact]
    public void EmptyMessagePostsNothing() =>
        Assert.Null(SlackBlocks.Render(new Activity { Type = ActivityTypes.Message }));
}
