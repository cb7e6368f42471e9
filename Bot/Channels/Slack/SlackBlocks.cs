using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Replies;

namespace WWPS.PolicyBot.Slack;

/// <summary>
/// Writes an outgoing activity as a <c>chat.postMessage</c> body: Block Kit for what the dialogs drew as an Adaptive
/// Card (text, quoted clauses, facts, buttons), a section of mrkdwn for plain text, an actions block for suggested
/// actions, and always the activity's text as <c>text</c>, which Slack shows in notifications and where blocks
/// cannot be drawn. In an assistant thread the card's "was this helpful?" pair becomes Slack's own feedback buttons.
/// </summary>
internal static partial class SlackBlocks
{
    private const string AdaptiveCardType = "application/vnd.microsoft.card.adaptive";

    // Slack's limits (Block Kit reference): section text 3,000, header 150, button text 75 and value 2,000 characters,
    // 50 blocks a message, 25 elements an actions block, 10 fields a section; message text is cut at 40,000.
    private const int SectionLimit = 3000;
    private const int HeaderLimit = 150;
    private const int ButtonTextLimit = 75;
    private const int ButtonValueLimit = 2000;
    private const int MaxBlocks = 50;
    private const int MaxActions = 25;
    private const int MaxFields = 10;
    private const int TextLimit = 40_000;

    // Marks a section that plain text may be added to while rendering; removed before the message leaves.
    private const string PlainMarker = "__plain";

    /// <returns>The body without its <c>channel</c> and <c>thread_ts</c>, which the sender adds; null when there is nothing to show.</returns>
    public static JsonObject? Render(Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        if (activity.Reply is Reply reply)
        {
            if (CardLayout.Of(reply) is not { } layout)
            {
                return Render(ReplyRendering.AsText(activity));
            }

            var drawn = new JsonArray();
            AddLayout(drawn, layout, new Buttons(), SlackActivities.AssistantThreadOf(activity.Conversation) is not null);
            return Message(drawn, ReplyText.Markdown(reply));
        }

        var blocks = new JsonArray();
        var card = activity.Attachments?.FirstOrDefault(a => a.ContentType == AdaptiveCardType && a.Content is { ValueKind: JsonValueKind.Object })?.Content;
        var fallback = activity.Text is { Length: > 0 } ? activity.Text : activity.Summary;
        if (card is { } content)
        {
            fallback ??= content.TryGetProperty("fallbackText", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
            var buttons = new Buttons();
            AddElements(blocks, content, "body", buttons, SlackActivities.AssistantThreadOf(activity.Conversation) is not null);
            if (content.TryGetProperty("actions", out var actions))
            {
                AddActions(blocks, actions, buttons);
            }
        }
        else if (fallback is { Length: > 0 })
        {
            foreach (var chunk in Chunks(Mrkdwn(fallback), SectionLimit))
            {
                blocks.Add(Section(chunk));
            }
        }

        if (activity.SuggestedActions?.Actions is { Count: > 0 } suggested)
        {
            var buttons = new Buttons();
            var elements = new JsonArray();
            foreach (var action in suggested.Take(MaxActions))
            {
                var words = action.Value is { ValueKind: JsonValueKind.String } v ? v.GetString() : action.Text ?? action.Title;
                if (action.Title is { Length: > 0 } title && words is { Length: > 0 })
                {
                    elements.Add(buttons.ImBack(title, words));
                }
            }

            if (elements.Count > 0)
            {
                blocks.Add(new JsonObject { ["type"] = "actions", ["elements"] = elements });
            }
        }

        return Message(blocks, fallback);
    }

    private static JsonObject? Message(JsonArray blocks, string? fallback)
    {
        if (blocks.Count == 0 && string.IsNullOrEmpty(fallback))
        {
            return null;
        }

        foreach (var block in blocks)
        {
            block!.AsObject().Remove(PlainMarker);
        }

        while (blocks.Count > MaxBlocks)
        {
            // The buttons are last and matter most after the answer itself; drop from the middle.
            blocks.RemoveAt(MaxBlocks - 2);
        }

        var body = new JsonObject { ["text"] = Cut(Mrkdwn(fallback ?? ""), TextLimit) };
        if (blocks.Count > 0)
        {
            body["blocks"] = blocks;
        }

        // The preschool's email would otherwise unfurl into a preview of its web site under every contact card.
        body["unfurl_links"] = false;
        body["unfurl_media"] = false;
        return body;
    }

    /// <param name="feedbackButtons">
    /// Draw the feedback pair as a <c>context_actions</c> block of <c>feedback_buttons</c>: the feedback control
    /// Slack made for an AI app's answers. Only in assistant threads, the surface it was made for; elsewhere (channels,
    /// a direct message outside the panel) the pair stays an actions block, which Slack draws everywhere, so a block
    /// some surface refuses can never cost an answer.
    /// </param>
    private static void AddLayout(JsonArray blocks, CardLayout layout, Buttons buttons, bool feedbackButtons)
    {
        foreach (var element in layout.Body)
        {
            switch (element)
            {
                case CardText { Text.Length: > 0 } text:
                    AddText(blocks, text);
                    break;
                case CardQuote quote:
                    blocks.Add(Section(Cut(Quote(quote), SectionLimit)));
                    break;
                case CardFacts facts when facts.Facts.Count > 0:
                    blocks.Add(new JsonObject
                    {
                        ["type"] = "section",
                        ["fields"] = new JsonArray([.. facts.Facts.Take(MaxFields).Select(f => (JsonNode)MrkdwnText(Cut($"*{Mrkdwn(f.Title)}*\n{Mrkdwn(f.Value)}", 2000)))]),
                    });
                    break;
                case CardFeedback feedback when feedbackButtons:
                    blocks.Add(new JsonObject { ["type"] = "context_actions", ["elements"] = new JsonArray(buttons.Feedback(feedback)) });
                    break;
                case CardFeedback feedback:
                    AddButtons(blocks, [feedback.Positive, feedback.Negative], buttons);
                    break;
            }
        }

        AddButtons(blocks, layout.Buttons, buttons);
    }

    /// <summary>
    /// Plain lines in a row (a check's list of problems) share one section: fewer blocks to read past, and a long
    /// review stays under Slack's 50.
    /// </summary>
    private static void AddText(JsonArray blocks, CardText text)
    {
        var block = TextBlock(text);
        var plain = text.Style == TextStyle.Plain;
        if (plain && blocks.Count > 0 && blocks[^1] is JsonObject last && last[PlainMarker] is not null
            && last["text"]?["text"]?.GetValue<string>() is { } before && block["text"]?["text"]?.GetValue<string>() is { } after
            && before.Length + after.Length + 1 <= SectionLimit)
        {
            last["text"]!["text"] = before + "\n" + after;
            return;
        }

        if (plain)
        {
            block[PlainMarker] = true;
        }

        blocks.Add(block);
    }

    private static JsonObject TextBlock(CardText text) => text.Style switch
    {
        TextStyle.Heading when text.Text.Length <= HeaderLimit && !text.Text.Contains('\n', StringComparison.Ordinal) =>
            new JsonObject { ["type"] = "header", ["text"] = PlainText(text.Text, HeaderLimit) },
        TextStyle.Subtle => new JsonObject { ["type"] = "context", ["elements"] = new JsonArray(MrkdwnText(Cut(Mrkdwn(text.Text), SectionLimit))) },
        TextStyle.Bold or TextStyle.Heading => Section(Cut(Bolden(Mrkdwn(text.Text)), SectionLimit)),
        _ => Section(Cut(Mrkdwn(text.Text), SectionLimit)),
    };

    /// <summary>A quoted clause: its heading in bold, its words as a quotation.</summary>
    private static string Quote(CardQuote quote)
    {
        var heading = Bolden(Mrkdwn(quote.Heading));
        return quote.Text.Length == 0 ? heading : heading + "\n" + string.Join('\n', Mrkdwn(quote.Text).Split('\n').Select(l => ">" + l));
    }

    private static void AddButtons(JsonArray blocks, IEnumerable<ReplyButton> buttons, Buttons numbering)
    {
        var elements = new JsonArray();
        foreach (var button in buttons.Where(b => b.Title.Length > 0).Take(MaxActions))
        {
            elements.Add(button.Url is { } url ? numbering.Link(button.Title, url.ToString()) : numbering.Submit(button.Title, button.Words));
        }

        if (elements.Count > 0)
        {
            blocks.Add(new JsonObject { ["type"] = "actions", ["elements"] = elements });
        }
    }

    /// <summary>
    /// The dialogs' Markdown-ish text as Slack mrkdwn: <c>**bold**</c> becomes <c>*bold*</c>, <c>&amp; &lt; &gt;</c>
    /// are escaped as Slack requires, and a leading <c>&gt;</c> stays a quotation.
    /// </summary>
    internal static string Mrkdwn(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var result = new StringBuilder(text.Length + 16);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var quote = line.StartsWith('>');
            if (quote)
            {
                line = line[1..];
            }

            var escaped = line.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
            escaped = Bold().Replace(escaped, "*$1*");
            if (i > 0)
            {
                result.Append('\n');
            }

            result.Append(quote ? ">" : "").Append(escaped);
        }

        return result.ToString();
    }

    /// <param name="feedbackButtons">
    /// Draw the card's feedback pair as a <c>context_actions</c> block of <c>feedback_buttons</c>: the feedback control
    /// Slack made for an AI app's answers. Only in assistant threads, the surface it was made for; elsewhere (channels,
    /// a direct message outside the panel) the pair stays an actions block, which Slack draws everywhere, so a block
    /// some surface refuses can never cost an answer.
    /// </param>
    private static void AddElements(JsonArray blocks, JsonElement parent, string property, Buttons buttons, bool feedbackButtons)
    {
        if (!parent.TryGetProperty(property, out var elements) || elements.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (var element in elements.EnumerateArray())
        {
            switch (Type(element))
            {
                case "TextBlock" when Text(element) is { Length: > 0 } text:
                    AddText(blocks, element, text);
                    break;
                case "Container":
                    AddContainer(blocks, element);
                    break;
                case "FactSet":
                    AddFacts(blocks, element);
                    break;
                case "ActionSet" when feedbackButtons && Str(element, "id") == AdaptiveCard.FeedbackId && buttons.Feedback(element) is { } feedback:
                    blocks.Add(new JsonObject { ["type"] = "context_actions", ["elements"] = new JsonArray(feedback) });
                    break;
                case "ActionSet" when element.TryGetProperty("actions", out var actions):
                    AddActions(blocks, actions, buttons);
                    break;
            }
        }
    }

    /// <summary>
    /// Plain lines in a row (a check's list of problems) share one section: fewer blocks to read past, and a long
    /// review stays under Slack's 50.
    /// </summary>
    private static void AddText(JsonArray blocks, JsonElement element, string text)
    {
        var block = TextBlock(element, text);
        if (IsPlain(element) && blocks.Count > 0 && blocks[^1] is JsonObject last && last[PlainMarker] is not null
            && last["text"]?["text"]?.GetValue<string>() is { } before && block["text"]?["text"]?.GetValue<string>() is { } after
            && before.Length + after.Length + 1 <= SectionLimit)
        {
            last["text"]!["text"] = before + "\n" + after;
            return;
        }

        if (IsPlain(element))
        {
            block[PlainMarker] = true;
        }

        blocks.Add(block);
    }

    private static bool IsPlain(JsonElement element) =>
        Str(element, "weight") != "Bolder" && !(element.TryGetProperty("isSubtle", out var subtle) && subtle.ValueKind == JsonValueKind.True);

    private static JsonObject TextBlock(JsonElement element, string text)
    {
        var bold = Str(element, "weight") == "Bolder";
        var size = Str(element, "size");
        if (bold && size is "Medium" or "Large" or "ExtraLarge" && text.Length <= HeaderLimit && !text.Contains('\n', StringComparison.Ordinal))
        {
            return new JsonObject { ["type"] = "header", ["text"] = PlainText(text, HeaderLimit) };
        }

        if (element.TryGetProperty("isSubtle", out var subtle) && subtle.ValueKind == JsonValueKind.True)
        {
            return new JsonObject { ["type"] = "context", ["elements"] = new JsonArray(MrkdwnText(Cut(Mrkdwn(text), SectionLimit))) };
        }

        return Section(Cut(bold ? Bolden(Mrkdwn(text)) : Mrkdwn(text), SectionLimit));
    }

    /// <summary>A container of text (our quoted clause): its bold lines as they are, the rest as a quotation.</summary>
    private static void AddContainer(JsonArray blocks, JsonElement container)
    {
        if (!container.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        var text = new StringBuilder();
        foreach (var item in items.EnumerateArray())
        {
            if (Type(item) != "TextBlock" || Text(item) is not { Length: > 0 } line)
            {
                continue;
            }

            if (text.Length > 0)
            {
                text.Append('\n');
            }

            if (Str(item, "weight") == "Bolder")
            {
                text.Append(Bolden(Mrkdwn(line)));
            }
            else
            {
                text.Append(string.Join('\n', Mrkdwn(line).Split('\n').Select(l => ">" + l)));
            }
        }

        if (text.Length > 0)
        {
            blocks.Add(Section(Cut(text.ToString(), SectionLimit)));
        }
    }

    private static void AddFacts(JsonArray blocks, JsonElement factSet)
    {
        if (!factSet.TryGetProperty("facts", out var facts) || facts.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        var fields = new JsonArray();
        foreach (var fact in facts.EnumerateArray().Take(MaxFields))
        {
            fields.Add(MrkdwnText(Cut($"*{Mrkdwn(Str(fact, "title") ?? "")}*\n{Mrkdwn(Str(fact, "value") ?? "")}", 2000)));
        }

        if (fields.Count > 0)
        {
            blocks.Add(new JsonObject { ["type"] = "section", ["fields"] = fields });
        }
    }

    private static void AddActions(JsonArray blocks, JsonElement actions, Buttons buttons)
    {
        if (actions.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        var elements = new JsonArray();
        foreach (var action in actions.EnumerateArray().Take(MaxActions))
        {
            var title = Str(action, "title");
            if (string.IsNullOrEmpty(title))
            {
                continue;
            }

            switch (Type(action))
            {
                case "Action.OpenUrl" when Str(action, "url") is { Length: > 0 } url:
                    elements.Add(buttons.Link(title, url));
                    break;
                case "Action.Submit" when action.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object:
                    elements.Add(buttons.Submit(title, data));
                    break;
            }
        }

        if (elements.Count > 0)
        {
            blocks.Add(new JsonObject { ["type"] = "actions", ["elements"] = elements });
        }
    }

    /// <summary>Numbers the buttons of one message: Slack wants action ids unique within it.</summary>
    private sealed class Buttons
    {
        private int _count;

        public JsonObject Link(string title, string url) => Button(SlackActivities.LinkActionPrefix, title, "url", url);

        public JsonObject ImBack(string title, string words) => Button(SlackActivities.ImBackActionPrefix, title, "value", Cut(words, ButtonValueLimit));

        /// <summary>The button's words go back as a submit's data, so the click arrives as Web Chat's submit does.</summary>
        public JsonObject Submit(string title, string words) => Button(SlackActivities.SubmitActionPrefix, title, "value", SubmitValue(words));

        /// <summary>
        /// A <c>feedback_buttons</c> element for the feedback pair. Its action id is a submit's and each button's value
        /// is a submit's data, so a click arrives as the same submit the ordinary buttons send and reaches the same
        /// "was this helpful?" handling.
        /// </summary>
        public JsonObject Feedback(CardFeedback feedback) => new()
        {
            ["type"] = "feedback_buttons",
            ["action_id"] = SlackActivities.SubmitActionPrefix + (++_count).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["positive_button"] = FeedbackButton(feedback.Positive),
            ["negative_button"] = FeedbackButton(feedback.Negative),
        };

        /// <summary>The button's title as its text; the words it stands for ("Yes, that helped") read to screen readers.</summary>
        private static JsonObject FeedbackButton(ReplyButton button) => new()
        {
            ["text"] = PlainText(button.Title, ButtonTextLimit),
            ["value"] = SubmitValue(button.Words),
            ["accessibility_label"] = Cut(button.Words, ButtonTextLimit),
        };

        private static string SubmitValue(string words) => new JsonObject { [CardSubmit.CommandField] = words }.ToJsonString();

        public JsonObject Submit(string title, JsonElement data) => Button(SlackActivities.SubmitActionPrefix, title, "value", SubmitValue(data));

        /// <summary>
        /// A <c>feedback_buttons</c> element for a card's feedback pair (positive first), or null when the set is not
        /// two submits. Its action id is a submit's and each button's value is its submit's data, so a click arrives
        /// as the same submit the ordinary buttons send and reaches the same "was this helpful?" handling.
        /// </summary>
        public JsonObject? Feedback(JsonElement actionSet)
        {
            if (!actionSet.TryGetProperty("actions", out var actions) || actions.ValueKind != JsonValueKind.Array || actions.GetArrayLength() != 2
                || FeedbackButton(actions[0]) is not { } positive || FeedbackButton(actions[1]) is not { } negative)
            {
                return null;
            }

            return new JsonObject
            {
                ["type"] = "feedback_buttons",
                ["action_id"] = SlackActivities.SubmitActionPrefix + (++_count).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["positive_button"] = positive,
                ["negative_button"] = negative,
            };
        }

        /// <summary>The button's title as its text; the words it stands for ("Yes, that helped") read to screen readers.</summary>
        private static JsonObject? FeedbackButton(JsonElement action)
        {
            if (Type(action) != "Action.Submit" || Str(action, "title") is not { Length: > 0 } title
                || !action.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var button = new JsonObject { ["text"] = PlainText(title, ButtonTextLimit), ["value"] = SubmitValue(data) };
            if (Str(data, CardSubmit.CommandField) is { Length: > 0 } command)
            {
                button["accessibility_label"] = Cut(command, ButtonTextLimit);
            }

            return button;
        }

        private static string SubmitValue(JsonElement data)
        {
            // Teams' imBack instruction means nothing here and would only use up the 2,000 characters.
            var copy = JsonNode.Parse(data.GetRawText())!.AsObject();
            copy.Remove("msteams");
            return copy.ToJsonString();
        }

        private JsonObject Button(string prefix, string title, string field, string value) => new()
        {
            ["type"] = "button",
            ["action_id"] = prefix + (++_count).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["text"] = PlainText(title, ButtonTextLimit),
            [field] = value,
        };
    }

    private static JsonObject Section(string mrkdwn) => new() { ["type"] = "section", ["text"] = MrkdwnText(mrkdwn) };

    private static JsonObject MrkdwnText(string text) => new() { ["type"] = "mrkdwn", ["text"] = text };

    private static JsonObject PlainText(string text, int limit) => new() { ["type"] = "plain_text", ["text"] = Cut(text, limit), ["emoji"] = true };

    /// <summary>Bold in mrkdwn cannot span lines, so each line is wrapped on its own.</summary>
    private static string Bolden(string mrkdwn) =>
        string.Join('\n', mrkdwn.Split('\n').Select(l => l.Length == 0 || (l.StartsWith('*') && l.EndsWith('*')) ? l : $"*{l}*"));

    private static IEnumerable<string> Chunks(string text, int limit)
    {
        var rest = text;
        while (rest.Length > limit)
        {
            // Split between paragraphs where there is one, so a quotation is not cut mid-line.
            var cut = rest.LastIndexOf("\n\n", limit, StringComparison.Ordinal);
            if (cut <= 0)
            {
                cut = limit;
            }

            yield return rest[..cut];
            rest = rest[cut..].TrimStart('\n');
        }

        if (rest.Length > 0)
        {
            yield return rest;
        }
    }

    private static string Cut(string text, int limit) => text.Length <= limit ? text : string.Concat(text.AsSpan(0, limit - 1), "…");

    private static string? Type(JsonElement element) => Str(element, "type");

    private static string? Text(JsonElement element) => Str(element, "text");

    private static string? Str(JsonElement element, string name) => SlackActivities.Str(element, name);

    [GeneratedRegex(@"\*\*(.+?)\*\*", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Bold();
}
