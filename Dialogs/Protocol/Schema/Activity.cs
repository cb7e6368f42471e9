using System.Text.Json;
using System.Text.Json.Serialization;

namespace WWPS.PolicyBot.Protocol;

/// <summary>Marks a reply written for no channel in particular; see <see cref="Activity.Reply"/>.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1040:Avoid empty interfaces", Justification = "A marker: the protocol carries replies it cannot read.")]
public interface INeutralReply;

/// <summary>
/// One Bot Framework activity as it travels on the wire (botframework-activity spec). Mutable on purpose:
/// the host stamps ids and timestamps, middleware may rewrite text. Outgoing activities are copied
/// (<c>with { }</c>) before routing fields are filled in, so a caller's activity is never changed.
/// </summary>
public sealed record Activity
{
    public string? Type { get; set; }
    public string? Id { get; set; }

    // The spec wants UTC ending in "Z"; the default converter would write "+00:00".
    [JsonConverter(typeof(UtcTimestampConverter))]
    public DateTimeOffset? Timestamp { get; set; }

    public DateTimeOffset? LocalTimestamp { get; set; }
    public string? LocalTimezone { get; set; }
    public string? ServiceUrl { get; set; }
    public string? ChannelId { get; set; }
    public ChannelAccount? From { get; set; }
    public ChannelAccount? Recipient { get; set; }
    public ConversationAccount? Conversation { get; set; }
    public string? Text { get; set; }
    public string? TextFormat { get; set; }

    /// <summary>Text a channel shows when it cannot render the attachments (and in notifications).</summary>
    public string? Summary { get; set; }
    public string? Locale { get; set; }
    public string? Speak { get; set; }
    public string? InputHint { get; set; }
    public List<Attachment>? Attachments { get; set; }
    public SuggestedActions? SuggestedActions { get; set; }
    public List<JsonElement>? Entities { get; set; }
    public JsonElement? ChannelData { get; set; }
    public JsonElement? Value { get; set; }
    public string? Name { get; set; }
    public string? Code { get; set; }
    public string? ReplyToId { get; set; }
    public ConversationReference? RelatesTo { get; set; }
    public List<ChannelAccount>? MembersAdded { get; set; }
    public List<ChannelAccount>? MembersRemoved { get; set; }
    public string? DeliveryMode { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Properties { get; set; }

    /// <summary>
    /// What the bot means to say, before any channel's format (the records in <c>Dialogs/Replies</c>): the adapter
    /// that delivers the activity renders it into text, a card or blocks, and clears it. Never on the wire and never
    /// stored: only the rendering is.
    /// </summary>
    [JsonIgnore]
    public INeutralReply? Reply { get; set; }

    public bool IsType(string type) => string.Equals(Type, type, StringComparison.Ordinal);

    /// <summary>A message that answers this activity, addressed back to its sender.</summary>
    public Activity CreateReply(string? text = null) => new()
    {
        Type = ActivityTypes.Message,
        // Only id and name: role and aadObjectId describe the account to its own channel, not to us.
        From = Recipient is null ? null : new ChannelAccount { Id = Recipient.Id, Name = Recipient.Name },
        Recipient = From is null ? null : new ChannelAccount { Id = From.Id, Name = From.Name },
        ReplyToId = Id,
        ServiceUrl = ServiceUrl,
        ChannelId = ChannelId,
        Conversation = Conversation,
        Locale = Locale,
        Text = text,
    };

    /// <summary>What a bot must keep to write into this conversation later (proactive messages).</summary>
    public ConversationReference GetConversationReference() =>
        new(Id, From, Recipient, Conversation, ChannelId, ServiceUrl, Locale);

    /// <summary>
    /// Addresses this activity by <paramref name="reference"/>. Outgoing (the default) goes from the bot to the
    /// user and replies to the referenced activity; incoming makes it look as if the user sent it.
    /// </summary>
    public Activity ApplyConversationReference(ConversationReference reference, bool isIncoming = false)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ChannelId = reference.ChannelId;
        ServiceUrl = reference.ServiceUrl;
        Conversation = reference.Conversation;
        Locale ??= reference.Locale;
        if (isIncoming)
        {
            From = reference.User;
            Recipient = reference.Bot;
            Id = reference.ActivityId ?? Id;
        }
        else
        {
            From = reference.Bot;
            Recipient = reference.User;
            ReplyToId = reference.ActivityId ?? ReplyToId;
        }

        return this;
    }

    /// <summary>
    /// Removes the "&lt;at&gt;Bot&lt;/at&gt;" text that Teams puts in group-chat and channel messages, using the
    /// mention entities that name the recipient. Returns the new text.
    /// </summary>
    public string? RemoveRecipientMention()
    {
        if (string.IsNullOrEmpty(Text) || Recipient?.Id is not { Length: > 0 } botId || Entities is null)
        {
            return Text;
        }

        var text = Text;
        var removed = false;
        foreach (var entity in Entities)
        {
            if (entity.ValueKind != JsonValueKind.Object
                || !IsStringProperty(entity, "type", "mention")
                || !entity.TryGetProperty("mentioned", out var mentioned)
                || mentioned.ValueKind != JsonValueKind.Object
                || !IsStringProperty(mentioned, "id", botId))
            {
                continue;
            }

            // The entity's own text is what appears in the message; older clients omit it, so fall back to the name.
            var mentionText = entity.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String
                ? t.GetString()
                : mentioned.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? $"<at>{n.GetString()}</at>" : null;
            if (string.IsNullOrEmpty(mentionText) || text.IndexOf(mentionText, StringComparison.OrdinalIgnoreCase) < 0)
            {
                continue;
            }

            text = text.Replace(mentionText, " ", StringComparison.OrdinalIgnoreCase);
            removed = true;
        }

        if (removed)
        {
            // A mention in mid-sentence leaves two spaces behind; the rest of the text keeps its spacing.
            text = string.Join(' ', text.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Trim();
            Text = text;
        }

        return Text;
    }

    // Records print every property; an activity carries user text, so logs must only ever see its kind and ids.
    public override string ToString() => $"Activity {{ Type = {Type}, Id = {Id}, ChannelId = {ChannelId} }}";

    private static bool IsStringProperty(JsonElement element, string name, string expected) =>
        element.TryGetProperty(name, out var value)
        && value.ValueKind == JsonValueKind.String
        && string.Equals(value.GetString(), expected, StringComparison.OrdinalIgnoreCase);
}
