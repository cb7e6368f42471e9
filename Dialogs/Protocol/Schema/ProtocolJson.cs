using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace WWPS.PolicyBot.Protocol;

/// <summary>
/// The JSON settings every part of the bot uses for activities: camelCase, nulls left out (the spec says not to
/// send empty values), metadata generated at compile time. Hosts chain <see cref="ProtocolJsonContext.Default"/>
/// into ASP.NET's options rather than building their own.
/// </summary>
public static class ProtocolJson
{
    public static JsonSerializerOptions Options => ProtocolJsonContext.Default.Options;

    public static string Serialize(Activity activity) => JsonSerializer.Serialize(activity, ProtocolJsonContext.Default.Activity);

    public static Activity? Deserialize(string json) => JsonSerializer.Deserialize(json, ProtocolJsonContext.Default.Activity);
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = true,
    Converters = [typeof(RawJsonElementConverter)])]
[JsonSerializable(typeof(Activity))]
[JsonSerializable(typeof(List<Activity>))]
[JsonSerializable(typeof(ConversationReference))]
[JsonSerializable(typeof(ResourceResponse))]
[JsonSerializable(typeof(InvokeResponse))]
[JsonSerializable(typeof(string))]
public sealed partial class ProtocolJsonContext : JsonSerializerContext;

/// <summary>
/// Writes UTC timestamps as ISO-8601 with a trailing "Z" and only the fractional digits needed, so a channel's
/// "…00.123Z" goes back out unchanged; reads any ISO-8601 form.
/// </summary>
internal sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
}

/// <summary>
/// Writes a <see cref="JsonElement"/> (a card, a button's value, a field we keep but do not model) as the UTF-8 it was
/// parsed from, in one copy. The default walks the element token by token, unescaping and escaping every string
/// again: for an answer card, most of the cost of writing a reply.
/// </summary>
internal sealed class RawJsonElementConverter : JsonConverter<JsonElement>
{
    public override JsonElement Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonElement.ParseValue(ref reader);

    public override void Write(Utf8JsonWriter writer, JsonElement value, JsonSerializerOptions options)
    {
        if (value.ValueKind == JsonValueKind.Undefined)
        {
            throw new JsonException("An undefined JSON value cannot be written.");
        }

        // Valid by construction: it was parsed as JSON.
        writer.WriteRawValue(JsonMarshal.GetRawUtf8Value(value), skipInputValidation: true);
    }
}
