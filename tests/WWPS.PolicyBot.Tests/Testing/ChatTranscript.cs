using System.Text.Json;
using System.Text.RegularExpressions;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Tests.Testing;

/// <summary>One line of a <c>.chat</c> script; see Transcripts/README.md for the format.</summary>
internal sealed record ChatLine(int LineNumber, ChatLineKind Kind, string Text, string? Party = null);

/// <summary>
/// The other people in a transcript and the clock, for conversations with more than one party (escalations):
/// <c>manager: TEXT</c> is said in the Manager's own chat, <c>to manager: TEXT</c> is the next message that chat gets.
/// </summary>
internal sealed class TranscriptParties
{
    public Dictionary<string, ConversationReference> Parties { get; } = new(StringComparer.Ordinal);

    /// <summary><c>clock: +90m</c> moves the clock on and runs what runs on a timer (timeouts, retries).</summary>
    public Func<TimeSpan, Task>? Advance { get; init; }

    /// <summary><c>unreachable: manager</c> / <c>reachable: manager</c>: whether messages to that chat get through.</summary>
    public Action<string, bool>? SetReachable { get; init; }
}

internal enum ChatLineKind
{
    User,
    Bot,
    Actions,
    Card,
    Buttons,
    Click,
    Attach,
    Join,
    PartySays,
    ToParty,
    Clock,
    Reachable,
    Unreachable,
}

/// <summary>Parses and runs <c>.chat</c> transcripts against a bot through a <see cref="TestAdapter"/>.</summary>
internal static class ChatTranscript
{
    public static IReadOnlyList<ChatLine> Parse(string script)
    {
        var lines = new List<ChatLine>();
        var number = 0;
        foreach (var raw in script.ReplaceLineEndings("\n").Split('\n'))
        {
            number++;
            var line = raw.TrimEnd();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var speaker = colon < 0 ? string.Empty : line[..colon].Trim();
            var text = colon < 0 ? string.Empty : Unescape(line[(colon + 1)..].TrimStart());
            var kind = speaker switch
            {
                "user" => ChatLineKind.User,
                "bot" => ChatLineKind.Bot,
                "actions" => ChatLineKind.Actions,
                "card" => ChatLineKind.Card,
                "buttons" => ChatLineKind.Buttons,
                "click" => ChatLineKind.Click,
                "attach" => ChatLineKind.Attach,
                "join" => ChatLineKind.Join,
                "clock" => ChatLineKind.Clock,
                "reachable" => ChatLineKind.Reachable,
                "unreachable" => ChatLineKind.Unreachable,
                "manager" or "chair" or "other" => ChatLineKind.PartySays,
                _ when speaker.StartsWith("to ", StringComparison.Ordinal) => ChatLineKind.ToParty,
                _ => throw new FormatException($"line {number}: expected 'user:', 'bot:', 'actions:', 'card:', 'buttons:', 'click:', 'attach:' or 'join:', got \"{line}\""),
            };
            if (kind is ChatLineKind.Actions or ChatLineKind.Card or ChatLineKind.Buttons
                && (lines.Count == 0 || lines[^1].Kind is not (ChatLineKind.Bot or ChatLineKind.Actions or ChatLineKind.Card or ChatLineKind.Buttons)))
            {
                throw new FormatException($"line {number}: '{speaker}:' must follow a 'bot:' line");
            }

            var party = kind switch
            {
                ChatLineKind.PartySays => speaker,
                ChatLineKind.ToParty => speaker[3..].Trim(),
                _ => null,
            };
            lines.Add(new ChatLine(number, kind, text, party));
        }

        return lines;
    }

    public static async Task RunAsync(
        string script, TestAdapter adapter, BotCallbackHandler bot, string name = "transcript", TranscriptParties? parties = null, CancellationToken cancellationToken = default)
    {
        var userConversation = adapter.Reference.Conversation!.Id!;
        Activity? lastReply = null;
        Activity? lastCard = null;
        var pendingAttachments = new List<Attachment>();
        foreach (var line in Parse(script))
        {
            var where = $"{name}:{line.LineNumber}";
            switch (line.Kind)
            {
                case ChatLineKind.User:
                    AssertNoneLeft(adapter, where);
                    var message = adapter.MakeMessage(line.Text);
                    message.Attachments = pendingAttachments.Count > 0 ? [.. pendingAttachments] : null;
                    pendingAttachments.Clear();
                    await adapter.ProcessAsync(message, bot, cancellationToken);
                    break;
                case ChatLineKind.Join:
                    AssertNoneLeft(adapter, where);
                    // As channels send it: the user and the bot itself both listed as added.
                    await adapter.ProcessAsync(
                        adapter.Stamp(new Activity { Type = ActivityTypes.ConversationUpdate, MembersAdded = [adapter.Reference.User!, adapter.Reference.Bot!] }),
                        bot,
                        cancellationToken);
                    break;
                case ChatLineKind.Attach:
                    var parts = line.Text.Split(' ', 2, StringSplitOptions.TrimEntries);
                    pendingAttachments.Add(new Attachment { ContentType = parts[0], Name = parts.Length > 1 ? parts[1] : null, ContentUrl = "https://test.invalid/upload" });
                    break;
                case ChatLineKind.Click:
                    AssertNoneLeft(adapter, where);
                    var data = CardButtons(lastCard).FirstOrDefault(b => b.Title == line.Text).Data;
                    Assert.True(data is not null, $"{where}: no submit button \"{line.Text}\" on the last card the bot sent.");
                    // What Web Chat sends for Action.Submit: the button's data as value, and no text.
                    await adapter.ProcessAsync(adapter.Stamp(new Activity { Type = ActivityTypes.Message, Value = data }), bot, cancellationToken);
                    break;
                case ChatLineKind.PartySays:
                    AssertNoneLeft(adapter, where);
                    await adapter.ProcessAsAsync(Party(parties, line, where), line.Text, bot, cancellationToken);
                    break;
                case ChatLineKind.ToParty:
                    var conversation = Party(parties, line, where).Conversation!.Id!;
                    var toParty = adapter.TakeReply(conversation);
                    Assert.True(toParty is not null, $"{where}: expected {line.Party} to get \"{line.Text}\", but nothing more came to their chat.");
                    Assert.True(Matches(line.Text, TestAdapter.ReadableText(toParty)), $"{where}: expected {line.Party} to get \"{line.Text}\"\n  but they got \"{TestAdapter.ReadableText(toParty)}\"");
                    break;
                case ChatLineKind.Clock:
                    AssertNoneLeft(adapter, where);
                    Assert.True(parties?.Advance is not null, $"{where}: this transcript runner has no clock to move.");
                    await parties.Advance(ParseDuration(line.Text, where));
                    break;
                case ChatLineKind.Reachable or ChatLineKind.Unreachable:
                    Assert.True(parties?.SetReachable is not null, $"{where}: this transcript runner cannot make chats unreachable.");
                    Party(parties, line with { Party = line.Text }, where);
                    parties.SetReachable(line.Text, line.Kind == ChatLineKind.Reachable);
                    break;
                case ChatLineKind.Bot:
                    lastReply = adapter.TakeReply(userConversation);
                    Assert.True(lastReply is not null, $"{where}: expected the bot to say \"{line.Text}\", but it said nothing more.");
                    var said = TestAdapter.ReadableText(lastReply);
                    Assert.True(Matches(line.Text, said), $"{where}: expected \"{line.Text}\"\n  but the bot said \"{said}\"");
                    if (AdaptiveCardOf(lastReply) is not null)
                    {
                        lastCard = lastReply;
                    }

                    break;
                case ChatLineKind.Card:
                    var cardText = AdaptiveCardOf(lastReply) is { } card ? CardText(card) : null;
                    Assert.True(cardText is not null, $"{where}: expected a card, but the reply has no Adaptive Card.");
                    Assert.True(Matches(line.Text, cardText), $"{where}: expected the card to read \"{line.Text}\"\n  but it reads \"{cardText}\"");
                    break;
                case ChatLineKind.Buttons:
                    var expectedButtons = line.Text.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                    var actualButtons = CardButtons(lastReply).Select(b => b.Title).ToArray();
                    Assert.True(expectedButtons.SequenceEqual(actualButtons),
                        $"{where}: expected card buttons [{string.Join(" | ", expectedButtons)}] but got [{string.Join(" | ", actualButtons)}]");
                    break;
                case ChatLineKind.Actions:
                    var expected = line.Text.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                    var actual = lastReply?.SuggestedActions?.Actions.Select(a => a.Title ?? string.Empty).ToArray() ?? [];
                    Assert.True(expected.SequenceEqual(actual), $"{where}: expected buttons [{string.Join(" | ", expected)}] but got [{string.Join(" | ", actual)}]");
                    break;
            }
        }

        AssertNoneLeft(adapter, $"{name}: end");
    }

    /// <summary><c>~x</c>: contains x, ignoring case. Otherwise exact, where each <c>*</c> stands for any text.</summary>
    public static bool Matches(string pattern, string? actual)
    {
        actual ??= string.Empty;
        if (pattern.StartsWith('~'))
        {
            return actual.Contains(pattern[1..].Trim(), StringComparison.OrdinalIgnoreCase);
        }

        if (!pattern.Contains('*', StringComparison.Ordinal))
        {
            return string.Equals(pattern, actual, StringComparison.Ordinal);
        }

        var regex = "^" + string.Join(".*", pattern.Split('*').Select(Regex.Escape)) + "$";
        return Regex.IsMatch(actual, regex, RegexOptions.Singleline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    public const string AdaptiveCardType = "application/vnd.microsoft.card.adaptive";

    public static JsonElement? AdaptiveCardOf(Activity? activity) =>
        activity?.Attachments?.FirstOrDefault(a => a.ContentType == AdaptiveCardType)?.Content;

    /// <summary>What the card shows as text, in order: each TextBlock, and each fact as "title: value"; one per line.</summary>
    public static string CardText(JsonElement card)
    {
        var lines = new List<string>();
        foreach (var element in Elements(card, "body", "items", "columns"))
        {
            var type = element.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (type == "TextBlock" && element.TryGetProperty("text", out var text))
            {
                lines.Add(text.GetString() ?? string.Empty);
            }
            else if (type == "FactSet" && element.TryGetProperty("facts", out var facts))
            {
                lines.AddRange(facts.EnumerateArray().Select(f => $"{f.GetProperty("title").GetString()}: {f.GetProperty("value").GetString()}"));
            }
        }

        return string.Join('\n', lines);
    }

    /// <summary>Every button on the card in reading order (inline action sets first, then the card's own actions), with its submit data.</summary>
    public static IReadOnlyList<(string Title, JsonElement? Data)> CardButtons(Activity? activity) =>
        AdaptiveCardOf(activity) is not { } card
            ? []
            : [.. Elements(card, "body", "items", "columns", "actions")
                .Where(e => e.TryGetProperty("type", out var t) && t.GetString()?.StartsWith("Action.", StringComparison.Ordinal) == true)
                .Select(e => (e.GetProperty("title").GetString() ?? string.Empty, e.TryGetProperty("data", out var data) ? data.Clone() : (JsonElement?)null))];

    /// <summary>The card's objects in reading order, descending through the named containers (not into actions' own contents).</summary>
    private static IEnumerable<JsonElement> Elements(JsonElement element, params string[] containers)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                foreach (var inner in Elements(item, containers))
                {
                    yield return inner;
                }
            }

            yield break;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        yield return element;
        if (element.TryGetProperty("type", out var type) && type.GetString()?.StartsWith("Action.", StringComparison.Ordinal) == true)
        {
            yield break;
        }

        foreach (var container in containers)
        {
            if (element.TryGetProperty(container, out var children))
            {
                foreach (var inner in Elements(children, containers))
                {
                    yield return inner;
                }
            }
        }
    }

    private static void AssertNoneLeft(TestAdapter adapter, string where)
    {
        var extra = adapter.TakeReply();
        Assert.True(extra is null, $"{where}: the bot also said \"{extra?.Text}\", which the transcript does not expect.");
    }

    private static ConversationReference Party(TranscriptParties? parties, ChatLine line, string where)
    {
        Assert.True(parties is not null && parties.Parties.TryGetValue(line.Party!, out _), $"{where}: this transcript runner has no party \"{line.Party}\".");
        return parties.Parties[line.Party!];
    }

    /// <summary>"+90m", "+4h", "+2d", "+30s".</summary>
    private static TimeSpan ParseDuration(string text, string where)
    {
        var match = Regex.Match(text.Trim(), @"^\+?(\d+(?:\.\d+)?)([smhd])$", RegexOptions.CultureInvariant);
        Assert.True(match.Success, $"{where}: expected a duration like +90m, got \"{text}\"");
        var value = double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch
        {
            "s" => TimeSpan.FromSeconds(value),
            "m" => TimeSpan.FromMinutes(value),
            "h" => TimeSpan.FromHours(value),
            _ => TimeSpan.FromDays(value),
        };
    }

    private static string Unescape(string text) => text.Replace("\\n", "\n", StringComparison.Ordinal);
}
