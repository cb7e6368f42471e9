using System.Text.Json;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Tests.Protocol;

public sealed class ActivityTests
{
    // Shaped like a Teams channel message: mention entity, channelData, fields we do not model.
    private const string TeamsMessage = """
        {
          "type": "message",
          "id": "1700000000000",
          "timestamp": "2026-11-25T09:30:00.123Z",
          "localTimestamp": "2026-11-25T09:30:00.123+00:00",
          "serviceUrl": "https://smba.trafficmanager.net/uk/",
          "channelId": "msteams",
          "from": { "id": "29:user", "name": "Sam Parent", "aadObjectId": "aad-1", "userPrincipalName": "sam@example.org" },
          "recipient": { "id": "28:bot", "name": "PolicyBot" },
          "conversation": { "id": "19:abc;messageid=1", "isGroup": true, "conversationType": "channel", "tenantId": "t1", "futureFlag": 7 },
          "text": "<at>PolicyBot</at> can I post photos?",
          "textFormat": "plain",
          "locale": "en-GB",
          "entities": [
            { "type": "mention", "mentioned": { "id": "28:bot", "name": "PolicyBot" }, "text": "<at>PolicyBot</at>" },
            { "type": "clientInfo", "locale": "en-GB", "platform": "Web" }
          ],
          "channelData": { "tenant": { "id": "t1" }, "team": { "id": "team1" } },
          "attachments": [ { "contentType": "text/html", "content": "<p>x</p>", "extra": true } ],
          "suggestedActions": { "actions": [ { "type": "imBack", "title": "Yes", "value": "Yes", "imageAltText": "tick" } ] },
          "someFutureField": { "nested": [1, 2, 3] },
          "attachmentLayout": "list"
        }
        """;

    [Fact]
    public void RoundTripKeepsFieldsItDoesNotModel()
    {
        var activity = ProtocolJson.Deserialize(TeamsMessage)!;
        var json = ProtocolJson.Serialize(activity);

        using var original = JsonDocument.Parse(TeamsMessage);
        using var written = JsonDocument.Parse(json);
        Assert.True(JsonElement.DeepEquals(original.RootElement, written.RootElement), json);
    }

    [Fact]
    public void ReadsModelledFieldsTyped()
    {
        var activity = ProtocolJson.Deserialize(TeamsMessage)!;

        Assert.Equal(ActivityTypes.Message, activity.Type);
        Assert.Equal("channel", activity.Conversation!.ConversationType);
        Assert.True(activity.Conversation.IsGroup);
        Assert.Equal("aad-1", activity.From!.AadObjectId);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 9, 30, 0, 123, TimeSpan.Zero), activity.Timestamp);
        Assert.Equal("sam@example.org", activity.From.Properties!["userPrincipalName"].GetString());
    }

    [Fact]
    public void WritesCamelCaseWithoutNullsAndTimestampsEndingInZ()
    {
        var activity = new Activity
        {
            Type = ActivityTypes.Message,
            Text = "hi",
            Timestamp = new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.FromHours(1)),
        };

        var json = ProtocolJson.Serialize(activity);

        Assert.Equal("""{"type":"message","timestamp":"2026-11-25T09:00:00Z","text":"hi"}""", json);
    }

    [Fact]
    public void CreateReplyAddressesTheSender()
    {
        var incoming = ProtocolJson.Deserialize(TeamsMessage)!;

        var reply = incoming.CreateReply("Yes, with consent.");

        Assert.Equal(ActivityTypes.Message, reply.Type);
        Assert.Equal("Yes, with consent.", reply.Text);
        Assert.Equal("28:bot", reply.From!.Id);
        Assert.Equal("29:user", reply.Recipient!.Id);
        Assert.Null(reply.Recipient.AadObjectId);
        Assert.Equal("1700000000000", reply.ReplyToId);
        Assert.Equal(incoming.Conversation, reply.Conversation);
        Assert.Equal("https://smba.trafficmanager.net/uk/", reply.ServiceUrl);
        Assert.Equal("msteams", reply.ChannelId);
        Assert.Equal("en-GB", reply.Locale);
        // Only the channel sets these (§1).
        Assert.Null(reply.Id);
        Assert.Null(reply.Timestamp);
    }

    [Fact]
    public void ConversationReferenceRoundTripsIntoAProactiveMessage()
    {
        var incoming = ProtocolJson.Deserialize(TeamsMessage)!;
        var reference = incoming.GetConversationReference();
        var stored = JsonSerializer.Serialize(reference, ProtocolJsonContext.Default.ConversationReference);

        var restored = JsonSerializer.Deserialize(stored, ProtocolJsonContext.Default.ConversationReference)!;
        var message = MessageFactory.Text("Your escalation was answered.").ApplyConversationReference(restored);

        Assert.Equal("28:bot", message.From!.Id);
        Assert.Equal("29:user", message.Recipient!.Id);
        Assert.Equal("19:abc;messageid=1", message.Conversation!.Id);
        Assert.Equal("https://smba.trafficmanager.net/uk/", message.ServiceUrl);
        Assert.Equal("1700000000000", message.ReplyToId);
    }

    [Theory]
    [InlineData("<at>PolicyBot</at> can I post photos?", "can I post photos?")]
    [InlineData("can I post photos? <at>PolicyBot</at>", "can I post photos?")]
    [InlineData("hi <at>PolicyBot</at> there", "hi there")]
    [InlineData("<AT>policybot</AT> hello", "hello")]
    [InlineData("no mention here", "no mention here")]
    public void RemovesTheBotsMention(string text, string expected)
    {
        var activity = ProtocolJson.Deserialize(TeamsMessage)! with { Text = text };

        Assert.Equal(expected, activity.RemoveRecipientMention());
        Assert.Equal(expected, activity.Text);
    }

    [Fact]
    public void KeepsMentionsOfOtherPeople()
    {
        var activity = Parse("""
            {"type":"message","text":"<at>PolicyBot</at> ask <at>Jo Manager</at>","recipient":{"id":"28:bot"},
             "entities":[{"type":"mention","mentioned":{"id":"28:bot","name":"PolicyBot"},"text":"<at>PolicyBot</at>"},
                         {"type":"mention","mentioned":{"id":"29:jo","name":"Jo Manager"},"text":"<at>Jo Manager</at>"}]}
            """);

        Assert.Equal("ask <at>Jo Manager</at>", activity.RemoveRecipientMention());
    }

    [Fact]
    public void FallsBackToTheNameWhenTheMentionHasNoText()
    {
        var activity = Parse("""
            {"type":"message","text":"<at>PolicyBot</at> hello","recipient":{"id":"28:bot"},
             "entities":[{"type":"mention","mentioned":{"id":"28:bot","name":"PolicyBot"}}]}
            """);

        Assert.Equal("hello", activity.RemoveRecipientMention());
    }

    [Fact]
    public void ToStringLeavesOutTheText()
    {
        var activity = MessageFactory.Text("Jayden was off again");

        Assert.DoesNotContain("Jayden", activity.ToString(), StringComparison.Ordinal);
    }

    private static Activity Parse(string json) => ProtocolJson.Deserialize(json)!;
}
