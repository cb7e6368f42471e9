using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Slack;

/// <summary>A Slack delivery turned into what the dialogs read, or the reason it is not for the bot.</summary>
/// <param name="Ignored">Why nothing is done, as a short kind for the log ("bot message", "subtype"…); null when <paramref name="Activity"/> is set.</param>
internal sealed record SlackInbound(Activity? Activity, string? Ignored, string? EventId = null, string? TeamId = null)
{
    public static SlackInbound Ignore(string reason) => new(null, reason);
}

/// <summary>
/// Reads Slack's Events API and block action payloads (folder README) into the same activities Teams and Web Chat
/// produce: channel id <c>slack</c>, conversation = Slack channel, from = Slack user, and the thread kept on the
/// conversation (<see cref="ThreadProperty"/>) so replies, and later proactive messages, land in the same thread.
/// </summary>
internal static partial class SlackActivities
{
    public const string ChannelId = "slack";

    /// <summary>The thread a conversation's replies go to, kept in the conversation's extension data.</summary>
    public const string ThreadProperty = "threadTs";

    /// <summary>
    /// The <c>event</c> activity an <c>assistant_thread_started</c> becomes: someone opened the assistant panel, and
    /// <see cref="SlackAssistant"/> offers them prompts. It never reaches the bot.
    /// </summary>
    public const string AssistantThreadStarted = "slack.assistantThreadStarted";

    /// <summary>Card buttons carry their data as JSON; suggested actions (imBack) carry the words to post.</summary>
    public const string SubmitActionPrefix = "submit-";
    public const string ImBackActionPrefix = "imback-";
    public const string LinkActionPrefix = "link-";

    public static SlackInbound FromEventCallback(JsonElement envelope, Uri serviceUrl)
    {
        if (!envelope.TryGetProperty("event", out var e) || e.ValueKind != JsonValueKind.Object)
        {
            return SlackInbound.Ignore("no event");
        }

        var type = Str(e, "type");
        var botUserId = BotUserId(envelope);
        switch (type)
        {
            case "assistant_thread_started":
                return FromAssistantThreadStarted(envelope, e, botUserId, serviceUrl);
            case "assistant_thread_context_changed":
                // Which channel the user is looking at beside the panel. The bot answers from the policy alone, so
                // the context is not kept (Bolt's default stores it in message metadata for apps that use it).
                return SlackInbound.Ignore("assistant context");
        }

        // Loops: our own replies come back as message events; other bots' messages are not questions.
        if (Str(e, "bot_id") is not null || Str(e, "subtype") == "bot_message")
        {
            return SlackInbound.Ignore("bot message");
        }

        // message_changed, message_deleted, channel_join…: edits and housekeeping, not someone asking. A message
        // with a file attached is still a message (a photo with the draft to check).
        if (Str(e, "subtype") is { } subtype && subtype != "file_share")
        {
            return SlackInbound.Ignore("subtype");
        }

        if (type == "message" && Str(e, "channel_type") != "im")
        {
            // Channel messages reach the bot as app_mention; answering the plain message too would answer twice.
            return SlackInbound.Ignore("not a direct message");
        }

        if (type != "message" && type != "app_mention")
        {
            return SlackInbound.Ignore("event type");
        }

        if (Str(e, "user") is not { } user || Str(e, "channel") is not { } channel)
        {
            return SlackInbound.Ignore("no user or channel");
        }

        if (user == botUserId)
        {
            return SlackInbound.Ignore("own message");
        }

        var text = Str(e, "text") ?? "";
        if (type == "app_mention")
        {
            text = StripMention(text, botUserId);
        }

        var activity = Message(user, channel, Str(e, "channel_type"), Str(e, "thread_ts"), botUserId, serviceUrl);
        activity.Id = Str(e, "ts");
        activity.Timestamp = FromSlackTs(Str(e, "ts"));
        activity.Text = Unformat(text);
        activity.TextFormat = TextFormats.Plain;
        activity.Attachments = Files(e);
        return new SlackInbound(activity, null, Str(envelope, "event_id"), Str(envelope, "team_id"));
    }

    /// <summary>
    /// The panel was opened: a thread in the user's direct message channel with the app, where their messages will
    /// arrive (as <c>message.im</c> with this <c>thread_ts</c>) and the answers go.
    /// </summary>
    private static SlackInbound FromAssistantThreadStarted(JsonElement envelope, JsonElement e, string? botUserId, Uri serviceUrl)
    {
        if (Obj(e, "assistant_thread") is not { } thread
            || Str(thread, "user_id") is not { } user || Str(thread, "channel_id") is not { } channel || Str(thread, "thread_ts") is not { } threadTs)
        {
            return SlackInbound.Ignore("no assistant thread");
        }

        var activity = Message(user, channel, "im", threadTs, botUserId, serviceUrl);
        activity.Type = ActivityTypes.Event;
        activity.Name = AssistantThreadStarted;
        activity.Id = Str(e, "event_ts");
        activity.Timestamp = FromSlackTs(Str(e, "event_ts"));
        return new SlackInbound(activity, null, Str(envelope, "event_id"), Str(envelope, "team_id"));
    }

    /// <summary>
    /// A button click, as the dialogs already see a card button: a submit's data arrives in <c>value</c> with no
    /// text (Web Chat's Action.Submit), a suggested action's words arrive as the user's text (imBack).
    /// </summary>
    public static SlackInbound FromBlockActions(JsonElement payload, Uri serviceUrl)
    {
        if (Str(payload, "type") != "block_actions")
        {
            return SlackInbound.Ignore("interaction type");
        }

        if (!payload.TryGetProperty("actions", out var actions) || actions.ValueKind != JsonValueKind.Array || actions.GetArrayLength() == 0)
        {
            return SlackInbound.Ignore("no action");
        }

        var action = actions[0];
        var actionId = Str(action, "action_id") ?? "";
        var user = Obj(payload, "user") is { } u ? Str(u, "id") : null;
        var channel = Obj(payload, "channel") is { } c ? Str(c, "id") : Obj(payload, "container") is { } k ? Str(k, "channel_id") : null;
        if (user is null || channel is null)
        {
            return SlackInbound.Ignore("no user or channel");
        }

        // A link button opens its page in the browser; Slack tells the app too, but there is nothing to answer.
        if (actionId.StartsWith(LinkActionPrefix, StringComparison.Ordinal) || Str(action, "value") is not { } value)
        {
            return SlackInbound.Ignore("link");
        }

        // The clicked message is the bot's own: its author is the bot user, and its thread is where the reply goes.
        var message = Obj(payload, "message");
        var thread = (message is { } m ? Str(m, "thread_ts") : null) ?? (Obj(payload, "container") is { } ct ? Str(ct, "thread_ts") : null);
        var botUserId = message is { } bm ? Str(bm, "user") : null;

        // Block actions carry no channel_type; direct message channels are named "directmessage" and their ids start with D.
        var isDirect = (Obj(payload, "channel") is { } ch && Str(ch, "name") == "directmessage") || channel.StartsWith('D');
        var activity = Message(user, channel, isDirect ? "im" : "channel", thread, botUserId, serviceUrl);
        activity.Id = Str(action, "action_ts");
        activity.Timestamp = FromSlackTs(Str(action, "action_ts"));
        if (actionId.StartsWith(SubmitActionPrefix, StringComparison.Ordinal) && TryParseObject(value) is { } data)
        {
            activity.Value = data;
        }
        else
        {
            activity.Text = value;
            activity.TextFormat = TextFormats.Plain;
        }

        return new SlackInbound(activity, null);
    }

    /// <summary>The thread a reply to <paramref name="conversation"/> belongs in, if any.</summary>
    public static string? ThreadOf(ConversationAccount? conversation) =>
        conversation?.Properties is { } p && p.TryGetValue(ThreadProperty, out var ts) && ts.ValueKind == JsonValueKind.String ? ts.GetString() : null;

    /// <summary>
    /// The assistant thread <paramref name="conversation"/> is in: any thread of a direct message with the app. Bolt's
    /// Assistant class draws the line in the same place, and it needs no memory of which threads were started in the
    /// panel (a restart would forget them); in an app with the assistant view, its direct messages are threads.
    /// </summary>
    public static string? AssistantThreadOf(ConversationAccount? conversation) =>
        conversation is { IsGroup: not true, ConversationType: "personal" } ? ThreadOf(conversation) : null;

    private static Activity Message(string user, string channel, string? channelType, string? threadTs, string? botUserId, Uri serviceUrl)
    {
        var isDirect = channelType == "im";
        return new Activity
        {
            Type = ActivityTypes.Message,
            ChannelId = ChannelId,
            ServiceUrl = serviceUrl.AbsoluteUri,
            From = new ChannelAccount { Id = user, Role = "user" },
            Recipient = new ChannelAccount { Id = botUserId, Role = "bot" },
            Conversation = new ConversationAccount
            {
                Id = channel,
                IsGroup = !isDirect,
                ConversationType = isDirect ? "personal" : "channel",
                Properties = threadTs is null ? null : new() { [ThreadProperty] = JsonSerializer.SerializeToElement(threadTs, ProtocolJsonContext.Default.String) },
            },
        };
    }

    /// <summary>The app's bot user, from the envelope's authorizations (the installation the event was sent for).</summary>
    private static string? BotUserId(JsonElement envelope)
    {
        if (envelope.TryGetProperty("authorizations", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var authorization in list.EnumerateArray())
            {
                if (authorization.ValueKind == JsonValueKind.Object && authorization.TryGetProperty("is_bot", out var isBot) && isBot.ValueKind == JsonValueKind.True)
                {
                    return Str(authorization, "user_id");
                }
            }
        }

        return null;
    }

    /// <summary>Removes the bot's own mention (<c>&lt;@U123&gt;</c> or <c>&lt;@U123|name&gt;</c>); other people's stay.</summary>
    internal static string StripMention(string text, string? botUserId)
    {
        var stripped = botUserId is { Length: > 0 }
            ? text.Replace($"<@{botUserId}>", " ", StringComparison.Ordinal)
            : text;
        if (botUserId is { Length: > 0 })
        {
            stripped = Regex.Replace(stripped, $"<@{Regex.Escape(botUserId)}\\|[^>]*>", " ", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
        }
        else
        {
            // Without the installation's bot id, an app_mention still starts with the mention that sent it here.
            stripped = LeadingMention().Replace(stripped, " ");
        }

        return string.Join(' ', stripped.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Trim();
    }

    /// <summary>
    /// Slack's text markup back to what was typed: <c>&lt;tel:…|07700 900300&gt;</c> and links to their visible text,
    /// and <c>&amp;amp; &amp;lt; &amp;gt;</c> to characters, so the draft check sees the phone number as written.
    /// </summary>
    internal static string Unformat(string text)
    {
        var plain = Markup().Replace(text, m =>
        {
            var target = m.Groups["target"].Value;
            if (m.Groups["label"].Success && m.Groups["label"].Value.Length > 0)
            {
                return m.Groups["label"].Value;
            }

            return target switch
            {
                ['@', ..] or ['#', ..] => target,
                ['!', ..] => "@" + target[1..],
                _ when target.StartsWith("mailto:", StringComparison.Ordinal) => target["mailto:".Length..],
                _ when target.StartsWith("tel:", StringComparison.Ordinal) => target["tel:".Length..],
                _ => target,
            };
        });
        return plain.Replace("&lt;", "<", StringComparison.Ordinal).Replace("&gt;", ">", StringComparison.Ordinal).Replace("&amp;", "&", StringComparison.Ordinal);
    }

    private static List<Attachment>? Files(JsonElement e)
    {
        if (!e.TryGetProperty("files", out var files) || files.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        // Only the kind matters to the draft check (a photo of children); the file itself is never fetched.
        var list = files.EnumerateArray()
            .Where(f => f.ValueKind == JsonValueKind.Object && Str(f, "mimetype") is not null)
            .Select(f => new Attachment { ContentType = Str(f, "mimetype") })
            .ToList();
        return list.Count > 0 ? list : null;
    }

    private static DateTimeOffset? FromSlackTs(string? ts) =>
        decimal.TryParse(ts, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and < 253_402_300_799m
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000))
            : null;

    private static JsonElement? TryParseObject(string value)
    {
        try
        {
            using var document = JsonDocument.Parse(value);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    internal static JsonElement? Obj(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    [GeneratedRegex(@"^\s*<@[A-Z0-9]+(\|[^>]*)?>", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex LeadingMention();

    [GeneratedRegex(@"<(?<target>[^<>|]+)(\|(?<label>[^<>]*))?>", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Markup();
}
