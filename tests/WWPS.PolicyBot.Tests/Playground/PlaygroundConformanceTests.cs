using System.Diagnostics;
using System.Text.Json;
using WWPS.PolicyBot.Tests.Support;

namespace WWPS.PolicyBot.Tests.Playground;

/// <summary>
/// Conformance with a Teams-like client: the Microsoft 365 Agents Playground (tests/playground, run headless with
/// node) talks to the real bot's <c>/api/messages</c> in local mode, and the bot's replies travel back through the
/// background outbox to the playground's mock connector (<c>http://localhost:PORT/_connector</c>). The test does
/// what a user does in the playground's chat window, through the same HTTP endpoints, and reads what the window would
/// show from its websocket. Needs tests/playground/node_modules (`bash tests/run.sh` installs it); never skipped.
/// </summary>
[Trait("Category", "Slow")]
public sealed class PlaygroundConformanceTests
{
    private const string AdaptiveCard = "application/vnd.microsoft.card.adaptive";
    private const string Clause = "add parents as friendships";

    // Each step answers in well under a second when healthy; this is room for a cold start on a busy 2-core machine.
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task TeamsClientGetsTheGreetingTheAnswerCardMentionsStrippedAndTheButtonsWork()
    {
        var clock = Stopwatch.StartNew();
        await using var bot = await RunningBot.StartAsync(("Storage:Provider", "memory"));
        await using var playground = await AgentsPlayground.StartAsync(new Uri(bot.BaseAddress, "api/messages"), StepTimeout);
        try
        {
            var config = await playground.ConnectAsync(Step());
            var chat = playground.Conversations;

            // Opening the app: installationUpdate + conversationUpdate (user and bot added) → the greeting.
            var mark = chat.Count;
            await playground.InstallAsync(config.PersonalChatId, Step());
            var greeting = await chat.WaitForAsync(mark, m => FromBot(m, config, config.PersonalChatId) && Text(m).Contains("policy", StringComparison.OrdinalIgnoreCase),
                "the greeting in the personal chat", Step());
            Assert.Empty(Attachments(greeting));

            // A question in the personal chat → the answer card, with the clause and a plain fallback.
            mark = chat.Count;
            await playground.SendAsync(config.PersonalChatId, config.UserId, "can I friend a parent?", cancellationToken: Step());
            var answer = await chat.WaitForAsync(mark, m => FromBot(m, config, config.PersonalChatId) && Card(m) is not null,
                "the answer card in the personal chat", Step());
            var card = Card(answer)!.Value;
            AssertAnswerCard(card);
            await AssertPlainFallbackAsync(playground, answer);

            // A group chat @mention: the bot must strip "<at>Test Bot</at>" and answer the question itself.
            mark = chat.Count;
            var mention = $"<at>{config.BotName}</at>";
            await playground.SendAsync(config.GroupChatId, config.UserId, $"{mention} can I friend a parent?", config.BotId, mention, Step());
            var groupAnswer = await chat.WaitForAsync(mark, m => FromBot(m, config, config.GroupChatId),
                "the bot's reply in the group chat", Step());
            Assert.True(Card(groupAnswer) is not null, $"The group chat reply is not the answer card: {groupAnswer.GetRawText()}");
            AssertAnswerCard(Card(groupAnswer)!.Value);

            // Commands match the whole message, so this one is understood only if the mention really was removed.
            mark = chat.Count;
            await playground.SendAsync(config.GroupChatId, config.UserId, $"{mention} Ask another", config.BotId, mention, Step());
            var groupPrompt = await chat.WaitForAsync(mark, m => FromBot(m, config, config.GroupChatId),
                "the bot's reply to a mentioned command in the group chat", Step());
            Assert.Contains("what would you like to know", Text(groupPrompt), StringComparison.OrdinalIgnoreCase);

            // Clicking "Ask another" on the personal-chat card: its data carries the imBack text Teams would send.
            var askAnother = card.GetProperty("actions").EnumerateArray().Single(a => a.GetProperty("title").GetString() == "Ask another");
            Assert.Equal("Action.Submit", askAnother.GetProperty("type").GetString());
            var data = askAnother.GetProperty("data");
            Assert.Equal("imBack", data.GetProperty("msteams").GetProperty("type").GetString());
            Assert.Equal("Ask another", data.GetProperty("msteams").GetProperty("value").GetString());
            mark = chat.Count;
            await playground.SubmitAsync(config.PersonalChatId, config.UserId, answer.GetProperty("message").GetProperty("messageId").GetString()!, data, Step());
            var prompt = await chat.WaitForAsync(mark, m => FromBot(m, config, config.PersonalChatId),
                "the follow-up prompt after clicking Ask another", Step());
            Assert.Contains("what would you like to know", Text(prompt), StringComparison.OrdinalIgnoreCase);

            // The same button as typed text (what Teams posts for an imBack) gets the same prompt.
            mark = chat.Count;
            await playground.SendAsync(config.PersonalChatId, config.UserId, "Ask another", cancellationToken: Step());
            var typed = await chat.WaitForAsync(mark, m => FromBot(m, config, config.PersonalChatId), "the follow-up prompt after typing Ask another", Step());
            Assert.Equal(Text(prompt), Text(typed));

            AssertEveryExchangeSucceeded(playground);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"{failure.Message}\n--- playground after {clock.Elapsed.TotalSeconds:F1} s ---\n{playground.Output()}");
        }

    }

    private static void AssertAnswerCard(JsonElement card)
    {
        Assert.Equal("AdaptiveCard", card.GetProperty("type").GetString());
        Assert.Equal("1.5", card.GetProperty("version").GetString());
        var texts = string.Join("\n", TextBlocks(card.GetProperty("body")));
        Assert.Contains(Clause, texts, StringComparison.Ordinal);
        Assert.Contains(Clause, card.GetProperty("fallbackText").GetString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// The chat window's message drops <c>summary</c>, so the activity as the bot posted it to the connector is read
    /// from the log stream: its plain-text twin (summary, or text) carries the clause, and the connector took it (201).
    /// </summary>
    private static async Task AssertPlainFallbackAsync(AgentsPlayground playground, JsonElement shown)
    {
        var messageId = shown.GetProperty("message").GetProperty("messageId").GetString();
        var entry = await playground.Log.WaitForAsync(0, e => Log(e) is { } log && log.TryGetProperty("messageId", out var id) && id.GetString() == messageId
                && log.GetProperty("from").GetString() == "User Application",
            $"the log entry for bot message {messageId}", Step());
        var log = Log(entry)!.Value;
        var posted = log.GetProperty("request").GetProperty("body");
        Assert.Contains(Clause, ActivityJson.ReadableText(posted), StringComparison.Ordinal);
        Assert.Equal(201, log.GetProperty("response").GetProperty("statusCode").GetInt32());
    }

    /// <summary>
    /// Everything the playground sent the bot (installationUpdate, conversationUpdate, messages, the submit) was
    /// accepted, and every reply the bot sent its connector was too. Nothing was logged as an error.
    /// </summary>
    private static void AssertEveryExchangeSucceeded(AgentsPlayground playground)
    {
        var exchanges = playground.Log.Snapshot().Select(Log).OfType<JsonElement>().Where(l => l.TryGetProperty("request", out _)).ToList();
        Assert.Contains(exchanges, l => l.GetProperty("activityName").GetString() == "installationUpdate");
        Assert.Contains(exchanges, l => l.GetProperty("activityName").GetString() == "conversationUpdate");
        Assert.True(exchanges.Count(l => l.GetProperty("to").GetString() == "User Application") >= 6, "Expected at least six activities sent to the bot.");
        foreach (var exchange in exchanges)
        {
            var status = exchange.GetProperty("response").GetProperty("statusCode").GetInt32();
            Assert.True(status is >= 200 and < 300,
                $"{exchange.GetProperty("from").GetString()} → {exchange.GetProperty("to").GetString()} {exchange.GetProperty("activityName").GetString()} got {status}: {exchange.GetRawText()}");
        }

        var errors = playground.Log.Snapshot().Select(Log).OfType<JsonElement>()
            .Where(l => l.TryGetProperty("level", out var level) && level.GetString() == "error").ToList();
        Assert.True(errors.Count == 0, "The playground logged errors:\n" + string.Join("\n", errors.Select(e => e.GetRawText())));
    }

    private static CancellationToken Step() => new CancellationTokenSource(StepTimeout).Token;

    private static bool FromBot(JsonElement frame, PlaygroundConfig config, string chatId) =>
        frame.TryGetProperty("action", out var action) && action.GetString() == "createMessage"
        && frame.GetProperty("actionConversationId").GetString() == chatId
        && frame.GetProperty("message").GetProperty("from").GetProperty("id").GetString() == config.BotId;

    private static string Text(JsonElement frame) =>
        frame.GetProperty("message").TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString()! : "";

    private static JsonElement[] Attachments(JsonElement frame) =>
        frame.GetProperty("message").TryGetProperty("attachments", out var attachments) && attachments.ValueKind == JsonValueKind.Array
            ? [.. attachments.EnumerateArray()]
            : [];

    private static JsonElement? Card(JsonElement frame) =>
        Attachments(frame).FirstOrDefault(a => a.GetProperty("contentType").GetString() == AdaptiveCard) is { ValueKind: JsonValueKind.Object } attachment
            ? attachment.GetProperty("content")
            : null;

    private static JsonElement? Log(JsonElement frame) =>
        frame.TryGetProperty("logAction", out var action) && action.GetString() == "appendLog" ? frame.GetProperty("log") : null;

    private static IEnumerable<string> TextBlocks(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            return element.EnumerateArray().SelectMany(TextBlocks);
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            return [];
        }

        var own = element.TryGetProperty("type", out var type) && type.GetString() == "TextBlock" && element.TryGetProperty("text", out var text)
            ? [text.GetString() ?? ""]
            : Array.Empty<string>();
        return own.Concat(element.EnumerateObject().Where(p => p.Name is "body" or "items" or "columns").SelectMany(p => TextBlocks(p.Value)));
    }
}
