using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Replies;

namespace WWPS.PolicyBot.Slack;

/// <summary>
/// Writes an outgoing activity as a <c>chat.postMessage</c> body. A reply (<see cref="Activity.Reply"/>) is drawn from
/// its typed <see cref="CardLayout"/>: text, quoted clauses, facts and buttons as blocks, and in an assistant thread
/// "was this helpful?" as Slack's own feedback buttons. Plain text becomes a section of mrkdwn, suggested actions an
/// actions block. The words always go as <c>text</c> too, which Slack shows in notifications and where blocks cannot
/// be drawn.
/// </summary>
internal static partial class SlackBlocks
{
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
        var fallback = activity.Text is { Length: > 0 } ? activity.Text : activity.Summary;
        if (fallback is { Length: > 0 })
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

    [GeneratedRegex(@"\*\*(.+?)\*\*", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Bold();
}
