using System.Text.Json;
using System.Text.Json.Serialization;

namespace WWPS.PolicyBot.Protocol;

// Extension data properties are settable, not init-only: the source generator would treat an init-only one as a
// constructor argument, which System.Text.Json refuses for extension data.

public sealed record ChannelAccount
{
    public string? Id { get; init; }
    public string? Name { get; init; }
    public string? AadObjectId { get; init; }

    /// <summary><c>user</c>, <c>bot</c> or <c>skill</c>; Web Chat needs <c>bot</c> on the bot's messages (§4).</summary>
    public string? Role { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Properties { get; set; }
}

public sealed record ConversationAccount
{
    public string? Id { get; init; }
    public string? Name { get; init; }
    public bool? IsGroup { get; init; }

    /// <summary>Teams: <c>personal</c>, <c>groupChat</c> or <c>channel</c>.</summary>
    public string? ConversationType { get; init; }

    public string? TenantId { get; init; }
    public string? AadObjectId { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Properties { get; set; }
}

/// <summary>Everything needed to write into a conversation later; store it for proactive messages.</summary>
public sealed record ConversationReference(
    string? ActivityId,
    ChannelAccount? User,
    ChannelAccount? Bot,
    ConversationAccount? Conversation,
    string? ChannelId,
    string? ServiceUrl,
    string? Locale)
{
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Properties { get; set; }
}
