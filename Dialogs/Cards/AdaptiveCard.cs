using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Dialogs.Cards;

/// <summary>
/// A small writer for the Adaptive Card elements this bot uses (text, quoted clauses, facts, submit and link
/// buttons). Version 1.5 because that is the highest Teams renders (Teams' card reference); Web Chat renders it too.
/// </summary>
internal sealed class AdaptiveCard
{
    public const string ContentType = "application/vnd.microsoft.card.adaptive";
    public const string Version = "1.5";
    public const string Schema = "http://adaptivecards.io/schemas/adaptive-card.json";

    /// <summary>The <c>id</c> of the ActionSet holding a "was this helpful?" pair (<see cref="Feedback"/>).</summary>
    public const string FeedbackId = "feedback";

    private readonly JsonArray _body = [];
    private readonly JsonArray _actions = [];

    public AdaptiveCard Text(string text, bool bold = false, bool subtle = false, string? size = null)
    {
        _body.Add(TextBlock(text, bold, subtle, size));
        return this;
    }

    /// <summary>A clause of the policy, set apart in an emphasis box so its wording reads as a quotation.</summary>
    public AdaptiveCard Quote(string heading, string quotation)
    {
        _body.Add(new JsonObject
        {
            ["type"] = "Container",
            ["style"] = "emphasis",
            ["items"] = new JsonArray(TextBlock(heading, bold: true), TextBlock(quotation, subtle: true)),
        });
        return this;
    }

    public AdaptiveCard Facts(params IEnumerable<(string Title, string Value)> facts)
    {
        var list = new JsonArray();
        foreach (var (title, value) in facts)
        {
            list.Add(new JsonObject { ["title"] = title, ["value"] = value });
        }

        _body.Add(new JsonObject { ["type"] = "FactSet", ["facts"] = list });
        return this;
    }

    /// <summary>
    /// The yes/no of "Was this helpful?", in the body right under the question, as an ActionSet whose <c>id</c> is
    /// <see cref="FeedbackId"/>: positive first, negative second. Cards draw it as two buttons; the id lets a channel
    /// with a feedback control of its own (Slack's thumbs in an assistant thread) find the pair without knowing the
    /// words on it.
    /// </summary>
    public AdaptiveCard Feedback(CardButton positive, CardButton negative)
    {
        ArgumentNullException.ThrowIfNull(positive);
        ArgumentNullException.ThrowIfNull(negative);
        _body.Add(new JsonObject
        {
            ["type"] = "ActionSet",
            ["id"] = FeedbackId,
            ["actions"] = new JsonArray(positive.ToJson(), negative.ToJson()),
        });
        return this;
    }

    public AdaptiveCard Buttons(params IEnumerable<CardButton> buttons)
    {
        foreach (var button in buttons)
        {
            _actions.Add(button.ToJson());
        }

        return this;
    }

    /// <param name="fallbackText">What clients that cannot draw the card show instead; the same words as the activity's text.</param>
    public Attachment ToAttachment(string fallbackText)
    {
        // Written straight out rather than assembled as a JsonObject: wrapping the body in a new node meant deep-cloning
        // it, and an answer card is built on every question turn. Same properties, same order, same escaping.
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "AdaptiveCard");
            writer.WriteString("$schema", Schema);
            writer.WriteString("version", Version);
            writer.WriteString("fallbackText", fallbackText);
            writer.WritePropertyName("body");
            _body.WriteTo(writer);
            if (_actions.Count > 0)
            {
                writer.WritePropertyName("actions");
                _actions.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        var reader = new Utf8JsonReader(buffer.WrittenSpan);
        return new Attachment { ContentType = ContentType, Content = JsonElement.ParseValue(ref reader) };
    }

    private static JsonObject TextBlock(string text, bool bold = false, bool subtle = false, string? size = null)
    {
        var block = new JsonObject { ["type"] = "TextBlock", ["text"] = text, ["wrap"] = true };
        if (bold)
        {
            block["weight"] = "Bolder";
        }

        if (subtle)
        {
            block["isSubtle"] = true;
        }

        if (size is not null)
        {
            block["size"] = size;
        }

        return block;
    }
}

/// <summary>
/// A card button. A submit button carries <see cref="Command"/> twice: as <c>data.command</c>, which Web Chat sends
/// back in the message's <c>value</c> with no text, and as an <c>msteams</c> imBack, which makes Teams post the
/// command as the user's own message. Either way the bot reads the same words (<see cref="CardSubmit"/>).
/// </summary>
internal sealed record CardButton(string Title, string? Command = null, Uri? Url = null)
{
    public static CardButton Submit(string title, string command) => new(title, command);

    public static CardButton Link(string title, Uri url) => new(title, Url: url);

    public JsonObject ToJson() => Url is { } url
        ? new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = Title, ["url"] = url.ToString() }
        : new JsonObject
        {
            ["type"] = "Action.Submit",
            ["title"] = Title,
            ["data"] = new JsonObject
            {
                [CardSubmit.CommandField] = Command ?? Title,
                ["msteams"] = new JsonObject { ["type"] = "imBack", ["value"] = Command ?? Title },
            },
        };
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
