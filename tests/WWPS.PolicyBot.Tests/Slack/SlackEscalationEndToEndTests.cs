using System.Net;
using Microsoft.Extensions.DependencyInjection;
using WWPS.PolicyBot.Dialogs.Escalations;
using WWPS.PolicyBot.Dialogs.PolicyBot;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Slack;
using WWPS.PolicyBot.Tests.BotFramework;
using WWPS.PolicyBot.Tests.DirectLine;
using WWPS.PolicyBot.Tests.EscalationConsole;
using WWPS.PolicyBot.Tests.Support;
using static WWPS.PolicyBot.Tests.Slack.SlackRequests;

namespace WWPS.PolicyBot.Tests.Slack;

/// <summary>
/// Escalations through the running app with Slack on one side (issue 6): the Manager working entirely from Slack while
/// a parent uses Web Chat, and a Slack user's concern answered by the Manager in Web Chat. Slack's requests are signed
/// events; its Web API is <see cref="FakeSlackApi"/>; the state is the real SQLite store.
/// </summary>
[Trait("Category", "Slow")]
public sealed class SlackEscalationEndToEndTests
{
    private const string ManagerSlackId = "UMGR0001";

    /// <summary>Says a phone number: the summary sent on trims it, and it must reach no one else.</summary>
    private const string Concern = "A parent posted the sports day photos publicly. Call me on 07700 900123.";

    /// <summary>Words of the concern and of the relayed messages, none of which may reach a log line.</summary>
    private static readonly string[] Private = ["sports day", "[PHONE]", "07700", "looked at", "photos down", "speak to them", "Thank you"];

    private static int _events;

    private static (string Key, string? Value)[] Settings(FakeSlackApi api, params (string Key, string? Value)[] more) => ConsoleBrowser.Settings(
    [
        ("Slack:SigningSecret", Secret),
        ("Slack:BotToken", "xoxb-test-token"),
        ("Slack:ApiBaseUrl", api.ApiBaseUrl.AbsoluteUri),
        ("Slack:ApiBackoff", "00:00:00.050"),
        .. more,
    ]);

    private static (string Key, string? Value)[] ManagerInSlack => [("Escalation:Manager:ChannelId", "slack"), ("Escalation:Manager:UserId", ManagerSlackId)];

    [Fact]
    public async Task TheManagerWorksEntirelyFromSlackWithAParentInWebChat()
    {
        await using var api = await FakeSlackApi.StartAsync();
        await using var bot = await RunningBot.StartAsync(Settings(api, ManagerInSlack));
        var log = LogCapture.AttachTo(bot.Services);
        var parent = await new DirectLineClient(bot.Client).StartAsync("dl_parent", "Pat");
        await parent.ReadNewAsync();

        // The Manager has never written to the bot in Slack: it opens a DM with her to tell her.
        await RaiseFromWebChatAsync(parent);
        Assert.Equal([ManagerSlackId], api.Opened);
        Assert.Equal(["Bearer xoxb-test-token"], api.OpenAuthorizations);
        var told = await api.NextPostAsync();
        Assert.Equal("D" + ManagerSlackId, told.Channel);
        Assert.Null(told.ThreadTs);
        Assert.Contains("New concern #1 from Pat", told.Text, StringComparison.Ordinal);
        Assert.Contains("A parent posted the sports day photos publicly. Call me on [PHONE].", told.Text, StringComparison.Ordinal);
        Assert.Contains("accept 1", told.Text, StringComparison.Ordinal);
        AssertNoPersonalDetails(told);

        // Her commands and replies are signed message.im events in that DM.
        await ManagerSaysAsync(bot, "accept 1");
        var accepted = await api.NextPostAsync();
        Assert.Equal("D" + ManagerSlackId, accepted.Channel);
        Assert.StartsWith("You've accepted #1 from Pat", accepted.Text, StringComparison.Ordinal);
        AssertNoPersonalDetails(accepted);
        Assert.StartsWith("The Manager (Jane Smith) has picked up your concern (#1)", Assert.Single(await ReadUntilAsync(parent, 1)), StringComparison.Ordinal);

        Assert.Empty(await parent.SayAndReadAsync("Is it being looked at?"));
        var relayed = await api.NextPostAsync();
        Assert.Equal("D" + ManagerSlackId, relayed.Channel);
        Assert.Equal(SlackBlocks.Mrkdwn("From Pat (via PolicyBot, #1): Is it being looked at?"), relayed.Text);

        await ManagerSaysAsync(bot, "Yes, I've asked them to take the photos down.");
        Assert.Equal(["From the Manager (Jane Smith): Yes, I've asked them to take the photos down."], await ReadUntilAsync(parent, 1));

        await ManagerSaysAsync(bot, "close 1");
        Assert.StartsWith("The Manager (Jane Smith) has closed the conversation about your concern (#1). I'm back", Assert.Single(await ReadUntilAsync(parent, 1)), StringComparison.Ordinal);
        var closed = await api.NextPostAsync();
        Assert.Equal("D" + ManagerSlackId, closed.Channel);
        Assert.Equal("Closed #1. I've told them.", closed.Text);

        // The bot answers the parent again, and nothing more goes to the Manager: the next thing she is sent is the
        // answer to her own "whoami", which she asks after the parent was answered (posts reach Slack in order).
        Assert.Contains(Assert.Single(await parent.SayAndReadAsync("can I add a parent on facebook")), "Friendships with parents", StringComparison.Ordinal);
        await ManagerSaysAsync(bot, "whoami");
        var next = await api.NextPostAsync();
        Assert.Equal("D" + ManagerSlackId, next.Channel);
        Assert.DoesNotContain("facebook", next.Text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(ManagerSlackId, next.Text, StringComparison.Ordinal);
        Assert.Single(api.Opened);

        var store = bot.Services.GetRequiredService<IEscalationStore>();
        Assert.Equal("D" + ManagerSlackId, (await store.GetContactAsync(EscalationRole.Manager, default))!.Conversation!.Id);
        Assert.Equal(["Is it being looked at?", "Yes, I've asked them to take the photos down."], (await store.GetMessagesAsync(1, default)).Select(m => m.Text));
        var audit = await store.GetAuditAsync(null, default);
        Assert.Contains(audit, a => a.Action == AuditActions.ChatOpened + ":manager");
        Assert.Contains(audit, a => a.EscalationId == 1 && a.Action == AuditActions.Notified + ":chat");
        Assert.Contains(audit, a => a.EscalationId == 1 && a.Actor == "manager" && a.Action == AuditActions.Closed);
        AssertLogsHoldNoText(log);
    }

    [Fact]
    public async Task AManagerWhoWroteInADirectMessageIsToldThereWithoutOpeningOne()
    {
        await using var api = await FakeSlackApi.StartAsync();
        await using var bot = await RunningBot.StartAsync(Settings(api, ManagerInSlack));
        await ManagerSaysAsync(bot, "escalations", channel: "DMGRHOME");
        Assert.Equal("DMGRHOME", (await api.NextPostAsync()).Channel);

        var parent = await new DirectLineClient(bot.Client).StartAsync("dl_parent", "Pat");
        await parent.ReadNewAsync();
        await RaiseFromWebChatAsync(parent);

        var told = await api.NextPostAsync();
        Assert.Equal("DMGRHOME", told.Channel);
        Assert.Contains("New concern #1", told.Text, StringComparison.Ordinal);
        Assert.Empty(api.Opened);
    }

    /// <summary>
    /// Bug: a Manager who mentioned the bot in a channel had that channel kept as "her chat", and the next concern's
    /// summary was posted to everyone in it. Only a one-to-one chat is kept; the concern goes to her DM.
    /// </summary>
    [Fact]
    public async Task AManagersMentionInAChannelDoesNotMakeThatChannelWhereConcernsGo()
    {
        await using var api = await FakeSlackApi.StartAsync();
        await using var bot = await RunningBot.StartAsync(Settings(api, ManagerInSlack));
        await SendEventAsync(bot, Mention($"<@{BotUserId}> escalations", NextTs(), threadTs: null, channel: "CSTAFF01", user: ManagerSlackId));
        var inChannel = await api.NextPostAsync();
        Assert.Equal("CSTAFF01", inChannel.Channel);
        Assert.Equal(BotText.ConcernsInPrivate, inChannel.Text);

        var parent = await new DirectLineClient(bot.Client).StartAsync("dl_parent", "Pat");
        await parent.ReadNewAsync();
        await RaiseFromWebChatAsync(parent);

        var told = await api.NextPostAsync();
        Assert.Equal("D" + ManagerSlackId, told.Channel);
        Assert.Contains("New concern #1", told.Text, StringComparison.Ordinal);
    }

    /// <summary>
    /// Concerns are discussed privately (methods-9): asked in a channel, the bot neither puts one together there nor
    /// answers the Manager's commands there; it says to send it a direct message, and nothing is raised.
    /// </summary>
    [Fact]
    public async Task InAChannelTheBotSendsConcernsAndStaffCommandsToADirectMessage()
    {
        await using var api = await FakeSlackApi.StartAsync();
        await using var bot = await RunningBot.StartAsync(Settings(api, ManagerInSlack));

        await SendEventAsync(bot, Mention($"<@{BotUserId}> I want to talk to the manager", NextTs(), threadTs: null, channel: "CGENERAL", user: "UPARENT1"));
        var toParent = await api.NextPostAsync();
        Assert.Equal("CGENERAL", toParent.Channel);
        Assert.Equal(BotText.ConcernsInPrivate, toParent.Text);

        await SendEventAsync(bot, Mention($"<@{BotUserId}> show 1", NextTs(), threadTs: null, channel: "CGENERAL", user: ManagerSlackId));
        Assert.Equal(BotText.ConcernsInPrivate, (await api.NextPostAsync()).Text);

        var store = bot.Services.GetRequiredService<IEscalationStore>();
        Assert.Empty(await store.ListAsync(new EscalationFilter(), default));
    }

    /// <summary>
    /// Bug: the Slack adapter swallowed Slack's refusals, so a notification Slack refused was recorded as sent and never
    /// retried, and the parent was told the Manager knew. Now it is pending, retried, and the parent is told the truth.
    /// </summary>
    [Fact]
    public async Task ANotificationSlackRefusesIsRetriedNotRecordedAsSent()
    {
        await using var api = await FakeSlackApi.StartAsync();
        await using var bot = await RunningBot.StartAsync(Settings(api, [.. ManagerInSlack, ("Escalation:NotifyRetrySeconds", "3600")]));
        var parent = await new DirectLineClient(bot.Client).StartAsync("dl_parent", "Pat");
        await parent.ReadNewAsync();
        api.AnswerNext(200, """{"ok":false,"error":"channel_not_found"}""");

        await parent.SayAndReadAsync("talk to the manager");
        await parent.SayAndReadAsync(Concern);
        // She has the console, where it waits for her: a chat Slack refused is retried, not reported as a failure.
        Assert.StartsWith("Sent to the Manager (Jane Smith) (#1). It's waiting for them in their escalation console", Assert.Single(await parent.SayAndReadAsync("Send")), StringComparison.Ordinal);
        Assert.Contains("New concern #1", (await api.NextPostAsync()).Text, StringComparison.Ordinal);

        var store = bot.Services.GetRequiredService<IEscalationStore>();
        var chat = Assert.Single(await store.GetNotificationsAsync(1, default), n => n.Channel == NotificationChannel.Chat);
        Assert.Equal(NotificationState.Pending, chat.State);
        Assert.Equal("slack-channel_not_found", chat.LastError);
        Assert.Contains(await store.GetAuditAsync(1, default), a => a.Action == AuditActions.NotifyFailed + ":chat");

        // When she next writes to the bot in Slack, it is delivered at once.
        await ManagerSaysAsync(bot, "hello");
        var delivered = await api.NextPostAsync();
        Assert.Equal("D" + ManagerSlackId, delivered.Channel);
        Assert.Contains("New concern #1", delivered.Text, StringComparison.Ordinal);
        Assert.Equal("D" + ManagerSlackId, (await api.NextPostAsync()).Channel); // the bot's answer to "hello": the turn is over
        Assert.Equal(NotificationState.Sent, Assert.Single(await store.GetNotificationsAsync(1, default), n => n.Channel == NotificationChannel.Chat).State);
    }

    /// <summary>
    /// A chat kept for whoever was the Manager before (here in Web Chat) is not the new Manager's: after the settings
    /// change, concerns go to the configured Slack user, not to the old chat.
    /// </summary>
    [Fact]
    public async Task AChatKeptForAFormerManagerIsNotUsedOnceSlackIsConfigured()
    {
        await using var api = await FakeSlackApi.StartAsync();
        await using var bot = await RunningBot.StartAsync(Settings(api, ManagerInSlack));
        var client = new DirectLineClient(bot.Client);
        var former = await client.StartAsync("dl_manager", "Former Manager");
        await former.ReadNewAsync();
        var store = bot.Services.GetRequiredService<IEscalationStore>();
        await store.SetContactAsync(EscalationRole.Manager, new ConversationReference(
            null, new ChannelAccount { Id = "dl_manager" }, new ChannelAccount { Id = "bot" },
            new ConversationAccount { Id = former.Id }, "directline", null, null), default);

        var parent = await client.StartAsync("dl_parent", "Pat");
        await parent.ReadNewAsync();
        await RaiseFromWebChatAsync(parent);

        Assert.Equal("D" + ManagerSlackId, (await api.NextPostAsync()).Channel);
        Assert.Empty(await former.ReadNewAsync());
        Assert.Equal("slack", (await store.GetContactAsync(EscalationRole.Manager, default))!.ChannelId);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("1700000500.000100")]
    public async Task ASlackUsersConcernIsAnsweredByTheManagerInWebChat(string? thread)
    {
        await using var api = await FakeSlackApi.StartAsync();
        api.UserNames["UPARENT01"] = "Priya Shah";
        await using var bot = await RunningBot.StartAsync(Settings(api));
        var log = LogCapture.AttachTo(bot.Services);
        var manager = await StaffChat.OpenAsync(bot.BaseAddress, bot.Client);
        await manager.ReadNewAsync();
        await manager.SayAndReadAsync("escalations");

        // A parent in a Slack DM (in a thread of it, or not) raises a concern.
        await ParentSaysAsync(bot, "talk to the manager", thread);
        AssertInParentsChat(await api.NextPostAsync(), thread);
        await ParentSaysAsync(bot, Concern, thread);
        var check = await api.NextPostAsync();
        AssertInParentsChat(check, thread);
        Assert.Contains("[PHONE]", check.Text, StringComparison.Ordinal);
        await ParentSaysAsync(bot, "Send", thread);
        var sent = await api.NextPostAsync();
        AssertInParentsChat(sent, thread);
        Assert.StartsWith("Sent to the Manager (Jane Smith) (#1)", sent.Text, StringComparison.Ordinal);

        var told = Assert.Single(await ReadUntilAsync(manager, 1));
        // Slack events carry only an id: the name is Slack's display name, from users.info.
        Assert.StartsWith("New concern #1 from Priya Shah (a concern):\n\n> A parent posted the sports day photos publicly. Call me on [PHONE].", told, StringComparison.Ordinal);

        Assert.StartsWith("You've accepted #1", Assert.Single(await manager.SayAndReadAsync("accept 1")), StringComparison.Ordinal);
        var picked = await api.NextPostAsync();
        AssertInParentsChat(picked, thread);
        Assert.StartsWith("The Manager (Jane Smith) has picked up your concern (#1)", picked.Text, StringComparison.Ordinal);

        Assert.Empty(await manager.SayAndReadAsync("Thanks for telling me. I'll speak to them today."));
        var reply = await api.NextPostAsync();
        AssertInParentsChat(reply, thread);
        Assert.Equal(SlackBlocks.Mrkdwn("From the Manager (Jane Smith): Thanks for telling me. I'll speak to them today."), reply.Text);

        // The parent's answer in Slack is relayed, not answered by the bot.
        await ParentSaysAsync(bot, "Thank you", thread);
        Assert.Equal(["From Priya Shah (via PolicyBot, #1): Thank you"], await ReadUntilAsync(manager, 1));

        Assert.Equal(["Closed #1. I've told them."], await manager.SayAndReadAsync("close 1"));
        var closed = await api.NextPostAsync();
        AssertInParentsChat(closed, thread);
        Assert.StartsWith("The Manager (Jane Smith) has closed the conversation about your concern (#1).", closed.Text, StringComparison.Ordinal);

        await ParentSaysAsync(bot, "can I add a parent on facebook", thread);
        var answer = await api.NextPostAsync();
        AssertInParentsChat(answer, thread);
        Assert.Contains("Friendships with parents", answer.Text, StringComparison.Ordinal);
        Assert.Empty(await manager.ReadNewAsync());
        Assert.Empty(api.Opened);
        AssertLogsHoldNoText(log);
    }

    /// <summary>
    /// Bug: a parent whose concern was accepted and who then mentioned the bot in a channel had that message relayed to
    /// the Manager, and the channel kept as where news of the concern goes: the Manager's next reply was posted to
    /// everyone in it. In a channel the bot answers as usual; the conversation stays in the parent's DM.
    /// </summary>
    [Fact]
    public async Task AParentsMentionInAChannelIsNotRelayedAndRepliesStayInTheirDirectMessage()
    {
        await using var api = await FakeSlackApi.StartAsync();
        await using var bot = await RunningBot.StartAsync(Settings(api));
        var manager = await StaffChat.OpenAsync(bot.BaseAddress, bot.Client);
        await manager.ReadNewAsync();
        await manager.SayAndReadAsync("escalations");
        await ParentSaysAsync(bot, "talk to the manager", thread: null);
        await api.NextPostAsync();
        await ParentSaysAsync(bot, Concern, thread: null);
        await api.NextPostAsync();
        await ParentSaysAsync(bot, "Send", thread: null);
        await api.NextPostAsync();
        Assert.Single(await ReadUntilAsync(manager, 1));
        await manager.SayAndReadAsync("accept 1");
        AssertInParentsChat(await api.NextPostAsync(), thread: null);

        await SendEventAsync(bot, Mention($"<@{BotUserId}> can I add a parent on facebook", NextTs(), threadTs: null, channel: "CGENERAL", user: "UPARENT01"));
        var inChannel = await api.NextPostAsync();
        Assert.Equal("CGENERAL", inChannel.Channel);
        Assert.Contains("Friendships with parents", inChannel.Text, StringComparison.Ordinal);
        await SendEventAsync(bot, Mention($"<@{BotUserId}> show 1", NextTs(), threadTs: null, channel: "CGENERAL", user: "UPARENT01"));
        var shown = await api.NextPostAsync();
        Assert.Equal("CGENERAL", shown.Channel);
        Assert.Equal(BotText.ConcernsInPrivate, shown.Text);
        await SendEventAsync(bot, Mention($"<@{BotUserId}> escalations", NextTs(), threadTs: null, channel: "CGENERAL", user: "UPARENT01"));
        Assert.StartsWith("Only the Manager and the Chair can see and answer escalations.", (await api.NextPostAsync()).Text, StringComparison.Ordinal);
        Assert.Empty(await manager.ReadNewAsync());

        Assert.Empty(await manager.SayAndReadAsync("Thanks for telling me. I'll speak to them today."));
        var reply = await api.NextPostAsync();
        AssertInParentsChat(reply, thread: null);
        Assert.Equal(SlackBlocks.Mrkdwn("From the Manager (Jane Smith): Thanks for telling me. I'll speak to them today."), reply.Text);
        var store = bot.Services.GetRequiredService<IEscalationStore>();
        Assert.Equal(["Thanks for telling me. I'll speak to them today."], (await store.GetMessagesAsync(1, default)).Select(m => m.Text));
        Assert.Contains(await store.GetAuditAsync(null, default), a => a.Actor == "user:slack:UPARENT01" && a.Action == AuditActions.Denied);
    }

    private static async Task RaiseFromWebChatAsync(DirectLineClient.Conversation parent)
    {
        Assert.StartsWith("What would you like to raise", Assert.Single(await parent.SayAndReadAsync("talk to the manager")), StringComparison.Ordinal);
        Assert.Contains("[PHONE]", Assert.Single(await parent.SayAndReadAsync(Concern)), StringComparison.Ordinal);
        Assert.StartsWith("Sent to the Manager (Jane Smith) (#1)", Assert.Single(await parent.SayAndReadAsync("Send")), StringComparison.Ordinal);
    }

    /// <summary>Only the agreed summary: not the trimmed phone number, nor who the parent is in Web Chat.</summary>
    private static void AssertNoPersonalDetails(SlackPost post)
    {
        foreach (var part in (string[])[post.Text, post.Blocks])
        {
            Assert.DoesNotContain("07700", part, StringComparison.Ordinal);
            Assert.DoesNotContain("900123", part, StringComparison.Ordinal);
            Assert.DoesNotContain("dl_parent", part, StringComparison.Ordinal);
        }
    }

    private static void AssertInParentsChat(SlackPost post, string? thread)
    {
        Assert.Equal("DPARENT01", post.Channel);
        Assert.Equal(thread, post.ThreadTs);
    }

    private static void AssertLogsHoldNoText(LogCapture log) =>
        Assert.DoesNotContain(log.Entries, e => Private.Any(words => e.Message.Contains(words, StringComparison.OrdinalIgnoreCase)));

    private static Task ManagerSaysAsync(RunningBot bot, string text, string channel = "D" + ManagerSlackId) =>
        SendEventAsync(bot, DirectMessage(text, NextTs(), channel, ManagerSlackId));

    private static Task ParentSaysAsync(RunningBot bot, string text, string? thread)
    {
        var message = DirectMessage(text, NextTs(), "DPARENT01", "UPARENT01");
        if (thread is not null)
        {
            message["thread_ts"] = thread;
        }

        return SendEventAsync(bot, message);
    }

    private static async Task SendEventAsync(RunningBot bot, Dictionary<string, object?> slackEvent)
    {
        using var response = await bot.Client.SendAsync(Event(Envelope("Ev" + Interlocked.Increment(ref _events), slackEvent)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static string NextTs() => "1700001000." + Interlocked.Increment(ref _events).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Slack's turns run in the background: waits until <paramref name="count"/> messages have reached the Web Chat side.</summary>
    private static async Task<IReadOnlyList<string>> ReadUntilAsync(DirectLineClient.Conversation conversation, int count)
    {
        var read = new List<string>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (read.Count < count && DateTime.UtcNow < deadline)
        {
            read.AddRange(await conversation.ReadNewAsync());
            if (read.Count < count)
            {
                await Task.Delay(50);
            }
        }

        return read;
    }
}
