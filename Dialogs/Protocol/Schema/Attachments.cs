using System.Text.Json;
using System.Text.Json.Serialization;

namespace WWPS.PolicyBot.Protocol;

public sealed record Attachment
{
    public string? ContentType { get; init; }
    public JsonElement? Content { get; init; }
    public string? ContentUrl { get; init; }
    public string? Name { get; init; }
    public string? ThumbnailUrl { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Properties { get; set; }
}

public sealed record SuggestedActions
{
    /// <summary>Ids of the recipients who should see the actions; absent means everyone.</summary>
    public List<string>? To { get; init; }

    public List<CardAction> Actions { get; init; } = [];

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Properties { get; set; }
}

public sealed record CardAction
{
    public string? Type { get; init; }
    public string? Title { get; init; }
    public JsonElement? Value { get; init; }
    public string? Text { get; init; }
    public string? DisplayText { get; init; }
    public string? Image { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Properties { get; set; }

    /// <summary>A button that posts <paramref name="title"/> back as if the user had typed it.</summary>
    public static CardAction ImBack(string title, string? value = null) => new()
    {
        Type = ActionTypes.ImBack,
        Title = title,
        Value = JsonSerializer.SerializeToElement(value ?? title, ProtocolJsonContext.Default.String),
    };
}

/// <summary>Answer to a channel's request to send: the id the channel gave the activity, when it gives one.</summary>
public sealed record ResourceResponse(string? Id);

/// <summary>The synchronous answer to an <c>invoke</c> activity; the host turns it into the HTTP status and body.</summary>
public sealed record InvokeResponse(int Status, JsonElement? Body = null);
