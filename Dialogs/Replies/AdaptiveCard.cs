using System.Buffers;
using System.Text.Json;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Replies;

/// <summary>
/// Writes a <see cref="CardLayout"/> as an Adaptive Card: text blocks, quoted clauses in emphasis containers, fact
/// sets, submit and link buttons. Version 1.5 because that is the highest Teams renders (reference/protocols.md §5);
/// Web Chat renders it too.
/// </summary>
internal static class AdaptiveCard
{
    public const string ContentType = "application/vnd.microsoft.card.adaptive";
    public const string Version = "1.5";
    public const string Schema = "http://adaptivecards.io/schemas/adaptive-card.json";

    /// <summary>The <c>id</c> of the ActionSet holding a "was this helpful?" pair, positive first.</summary>
    public const string FeedbackId = "feedback";

    /// <param name="fallbackText">What clients that cannot draw the card show instead: the reply's text.</param>
    public static Attachment ToAttachment(CardLayout layout, string fallbackText)
    {
        ArgumentNullException.ThrowIfNull(layout);

        // Written straight out rather than assembled as nodes: an answer card is drawn on every question turn.
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "AdaptiveCard");
            writer.WriteString("$schema", Schema);
            writer.WriteString("version", Version);
            writer.WriteString("fallbackText", fallbackText);
            writer.WriteStartArray("body");
            foreach (var element in layout.Body)
            {
                WriteElement(writer, element);
            }

            writer.WriteEndArray();
            if (layout.Buttons.Count > 0)
            {
                writer.WriteStartArray("actions");
                foreach (var button in layout.Buttons)
                {
                    WriteButton(writer, button);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        var reader = new Utf8JsonReader(buffer.WrittenSpan);
        return new Attachment { ContentType = ContentType, Content = JsonElement.ParseValue(ref reader) };
    }

    private static void WriteElement(Utf8JsonWriter writer, CardElement element)
    {
        switch (element)
        {
            case CardText text:
                WriteTextBlock(writer, text.Text, text.Style);
                break;
            case CardQuote quote:
                writer.WriteStartObject();
                writer.WriteString("type", "Container");
                writer.WriteString("style", "emphasis");
                writer.WriteStartArray("items");
                WriteTextBlock(writer, quote.Heading, TextStyle.Bold);
                WriteTextBlock(writer, quote.Text, TextStyle.Subtle);
                writer.WriteEndArray();
                writer.WriteEndObject();
                break;
            case CardFacts facts:
                writer.WriteStartObject();
                writer.WriteString("type", "FactSet");
                writer.WriteStartArray("facts");
                foreach (var fact in facts.Facts)
                {
                    writer.WriteStartObject();
                    writer.WriteString("title", fact.Title);
                    writer.WriteString("value", fact.Value);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
                break;
            case CardFeedback feedback:
                // In the body, right under the question; the id lets a client find the pair without knowing its words.
                writer.WriteStartObject();
                writer.WriteString("type", "ActionSet");
                writer.WriteString("id", FeedbackId);
                writer.WriteStartArray("actions");
                WriteButton(writer, feedback.Positive);
                WriteButton(writer, feedback.Negative);
                writer.WriteEndArray();
                writer.WriteEndObject();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(element), element.GetType().Name, "no Adaptive Card element");
        }
    }

    private static void WriteTextBlock(Utf8JsonWriter writer, string text, TextStyle style)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "TextBlock");
        writer.WriteString("text", text);
        writer.WriteBoolean("wrap", true);
        if (style is TextStyle.Bold or TextStyle.Heading)
        {
            writer.WriteString("weight", "Bolder");
        }

        if (style is TextStyle.Subtle)
        {
            writer.WriteBoolean("isSubtle", true);
        }

        if (style is TextStyle.Heading)
        {
            writer.WriteString("size", "Medium");
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// A submit button carries its words twice: as <c>data.command</c>, which Web Chat sends back in the message's
    /// <c>value</c> with no text, and as an <c>msteams</c> imBack, which makes Teams post them as the user's own
    /// message. Either way the bot reads the same words (<see cref="CardSubmit"/>).
    /// </summary>
    private static void WriteButton(Utf8JsonWriter writer, ReplyButton button)
    {
        writer.WriteStartObject();
        if (button.Url is { } url)
        {
            writer.WriteString("type", "Action.OpenUrl");
            writer.WriteString("title", button.Title);
            writer.WriteString("url", url.ToString());
        }
        else
        {
            writer.WriteString("type", "Action.Submit");
            writer.WriteString("title", button.Title);
            writer.WriteStartObject("data");
            writer.WriteString(CardSubmit.CommandField, button.Words);
            writer.WriteStartObject("msteams");
            writer.WriteString("type", "imBack");
            writer.WriteString("value", button.Words);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }
}

/// <summary>Turns a Web Chat card submit (a message with <c>value</c> and no text) into the words the button stands for.</summary>
internal static class CardSubmit
{
    public const string CommandField = "command";

    /// <summary>Sets the text of a submit message from its <c>data.command</c>; typed text always wins.</summary>
    public static void ApplyTo(Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        if (string.IsNullOrWhiteSpace(activity.Text) && CommandOf(activity.Value) is { } command)
        {
            activity.Text = command;
        }
    }

    public static string? CommandOf(JsonElement? value) =>
        value is { ValueKind: JsonValueKind.Object } v
        && v.TryGetProperty(CommandField, out var command)
        && command.ValueKind == JsonValueKind.String
        && !string.IsNullOrWhiteSpace(command.GetString())
            ? command.GetString()
            : null;
}
