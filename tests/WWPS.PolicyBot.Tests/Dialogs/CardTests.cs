using System.Text.Json;
using WWPS.PolicyBot.Cognitive.Drafts;
using WWPS.PolicyBot.Dialogs.PolicyBot;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Replies;
using WWPS.PolicyBot.Tests.Testing;

namespace WWPS.PolicyBot.Tests.Dialogs;

public sealed class CardTests
{
    public static TheoryData<string> CardNames() => ["answer", "follow-up", "abstain", "clarify", "contact", "draft-ok", "draft-revise", "draft-do-not-post", "draft-photo"];

    [Theory]
    [MemberData(nameof(CardNames))]
    public async Task EveryCardIsAdaptiveCard15WithTheSameWordsAsItsTextFallback(string name)
    {
        var reply = await BuildAsync(name);
        var activity = ReplyRendering.WithCard(reply.ToActivity());

        // Where cards are drawn the words travel as summary; where they are not, the same words are the text.
        Assert.False(string.IsNullOrWhiteSpace(activity.Summary));
        Assert.Null(activity.Text);
        Assert.Equal(activity.Summary, ReplyRendering.AsText(reply.ToActivity()).Text);
        var attachment = Assert.Single(activity.Attachments!);
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment.ContentType);

        // Through the wire format and back, as a channel would receive it.
        var wire = ProtocolJson.Deserialize(ProtocolJson.Serialize(activity))!;
        using var card = JsonDocument.Parse(wire.Attachments![0].Content!.Value.GetRawText());
        var root = card.RootElement;
        Assert.Equal("AdaptiveCard", root.GetProperty("type").GetString());
        Assert.Equal("1.5", root.GetProperty("version").GetString());
        Assert.Equal("http://adaptivecards.io/schemas/adaptive-card.json", root.GetProperty("$schema").GetString());
        Assert.Equal(activity.Summary, root.GetProperty("fallbackText").GetString());

        // Every line the card shows is in the text fallback too (markup aside).
        var fallback = activity.Summary!.Replace("**", "", StringComparison.Ordinal);
        foreach (var line in ChatTranscript.CardText(root).Split('\n').Where(l => l.Length > 0))
        {
            var words = line.TrimStart('•', ' ').Replace("Breaks ", "", StringComparison.Ordinal);
            Assert.Contains(words.Split(" [", 2)[0], fallback, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(CardNames))]
    public async Task EverySubmitButtonPostsItsCommandInWebChatAndTeams(string name)
    {
        var activity = ReplyRendering.WithCard((await BuildAsync(name)).ToActivity());

        foreach (var (title, data) in ChatTranscript.CardButtons(activity))
        {
            if (data is not { } submit)
            {
                continue;
            }

            var command = submit.GetProperty("command").GetString();
            Assert.False(string.IsNullOrEmpty(command), title);
            Assert.Equal("imBack", submit.GetProperty("msteams").GetProperty("type").GetString());
            Assert.Equal(command, submit.GetProperty("msteams").GetProperty("value").GetString());
        }
    }

    [Fact]
    public void AWebChatSubmitBecomesTheButtonsWords()
    {
        var activity = new Activity { Type = ActivityTypes.Message, Value = JsonDocument.Parse("""{"command":"Check again","msteams":{"type":"imBack","value":"Check again"}}""").RootElement };

        CardSubmit.ApplyTo(activity);

        Assert.Equal("Check again", activity.Text);
    }

    [Theory]
    [InlineData("""{"command":"Check again"}""", "typed words", "typed words")]
    [InlineData("""{"other":"x"}""", null, null)]
    [InlineData("""{"command":42}""", null, null)]
    [InlineData("""["command"]""", null, null)]
    public void TypedTextWinsAndForeignValuesAreIgnored(string value, string? text, string? expected)
    {
        var activity = new Activity { Type = ActivityTypes.Message, Text = text, Value = JsonDocument.Parse(value).RootElement };

        CardSubmit.ApplyTo(activity);

        Assert.Equal(expected, activity.Text);
    }

    private static async Task<Reply> BuildAsync(string name)
    {
        var services = PolicyBot.Services;
        return name switch
        {
            "answer" => PolicyReplies.Answer(services.Answerer.Answer("can I friend a parent on facebook?"), followingOn: false),
            "follow-up" => PolicyReplies.Answer(services.Answerer.Answer("can I add parents on fb and can I post photos"), followingOn: true),
            "abstain" => PolicyReplies.Abstain(services.Answerer.Answer("what is the weather tomorrow")),
            "clarify" => PolicyReplies.Clarify(services.Answerer.Answer("can I friend a parent on facebook?")),
            "contact" => PolicyReplies.Contact(services.Policy, MainDialog.ConcernsClause),
            _ => PolicyReplies.DraftReview(await services.Reviewer.ReviewAsync(Draft(name), CancellationToken.None), services.Policy, "Better: 1 problem left, down from 2.", offerContact: true),
        };
    }

    private static DraftInput Draft(string name) => name switch
    {
        "draft-ok" => new DraftInput("Lovely summer fair today, thank you everyone!", []),
        "draft-revise" => new DraftInput("Leo loved the fun run, message me on 07700 900123 to sponsor him", []),
        "draft-do-not-post" => new DraftInput("Text me on 07700 900300 about Leo's nappy rash", []),
        _ => new DraftInput("Sports day at preschool!", [new DraftAttachment("image/jpeg", "sports.jpg")]),
    };
}
