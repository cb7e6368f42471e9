using System.Text.Json;
using System.Text.Json.Serialization;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.DirectLine;

/// <summary>
/// What start, reconnect, token generate and token refresh answer. <c>expires_in</c> is snake case on the wire
/// (the one field the Direct Line 3.0 schema names that way). <c>streamUrl</c> comes with start and reconnect only,
/// as from the service; directlinejs opens a WebSocket when it is given one (and polls when told not to).
/// </summary>
internal sealed record ConversationResponse(
    string ConversationId,
    string Token,
    [property: JsonPropertyName("expires_in")] int ExpiresIn,
    string? StreamUrl = null);

/// <summary>A page of activities and the watermark to ask from next time.</summary>
internal static class ActivitySetJson
{
    /// <summary>
    /// <c>{"activities":[…],"watermark":"…"}</c> from activities already stored as JSON (written by the protocol
    /// layer's own context, whose timestamp converter is internal to that layer), copied in without re-parsing.
    /// </summary>
    public static byte[] Write(IReadOnlyList<string> activities, string watermark)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("activities");
            writer.WriteStartArray();
            foreach (var activity in activities)
            {
                writer.WriteRawValue(activity, skipInputValidation: true);
            }

            writer.WriteEndArray();
            writer.WriteString("watermark", watermark);
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }
}

/// <summary>The optional body of start and token generate: who the user is and their locale.</summary>
internal sealed record StartParameters
{
    public ChannelAccount? User { get; init; }
    public string? Locale { get; init; }
}

/// <summary>The error body the Direct Line service sends; directlinejs reads only the status, people read this.</summary>
internal sealed record ErrorResponse(ErrorDetail Error);

internal sealed record ErrorDetail(string Code, string Message);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(ConversationResponse))]
[JsonSerializable(typeof(StartParameters))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(ResourceResponse))]
internal sealed partial class DirectLineJsonContext : JsonSerializerContext;
