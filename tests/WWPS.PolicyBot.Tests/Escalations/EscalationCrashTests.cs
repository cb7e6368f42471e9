using System.Net;
using Microsoft.Extensions.DependencyInjection;
using WWPS.PolicyBot.Tests.DirectLine;
using WWPS.PolicyBot.Tests.EscalationConsole;
using WWPS.PolicyBot.Tests.Support;
using WWPS.PolicyBot.Tests.Testing;

namespace WWPS.PolicyBot.Tests.Escalations;

/// <summary>
/// The bot as a real child process, killed with SIGKILL while an escalation waits and again while it is accepted;
/// each time a new process on the same data folder carries on with the escalation, its messages and the relay.
/// </summary>
[Trait("Category", "Slow")]
public sealed class EscalationCrashTests
{
    [Fact]
    public async Task AnEscalationSurvivesTheBotBeingKilledWhileWaitingAndWhileAccepted()
    {
        using var data = new TempFolder();
        var settings = ConsoleBrowser.Settings();

        // 1. Raised, then killed while it waits.
        await using (var first = await BotProcess.StartAsync(data.Path, settings))
        {
            var client = new DirectLineClient(first.Client);
            var manager = await StaffChat.OpenAsync(first.BaseAddress, first.Client);
            await manager.ReadNewAsync();
            var parent = await client.StartAsync("dl_parent", "Pat");
            await parent.ReadNewAsync();
            await parent.SayAndReadAsync("talk to the manager");
            await parent.SayAndReadAsync("A photo of the nativity is on a public page.");
            Assert.StartsWith("Sent to the Manager (Jane Smith) (#1)", Assert.Single(await parent.SayAndReadAsync("Send")), StringComparison.Ordinal);
            Assert.StartsWith("New concern #1", Assert.Single(await manager.ReadNewAsync()), StringComparison.Ordinal);
            await first.KillAsync();
        }

        // 2. After the restart it is still waiting, with its summary; accepted, messages exchanged, then killed again.
        await using (var second = await BotProcess.StartAsync(data.Path, settings))
        {
            var client = new DirectLineClient(second.Client);
            var parent = await client.StartAsync("dl_parent", "Pat");
            await parent.ReadNewAsync();
            Assert.Equal(["Your concerns:\n\n- #1 to the Manager (Jane Smith): waiting"], await parent.SayAndReadAsync("my concerns"));

            var manager = await StaffChat.OpenAsync(second.BaseAddress, second.Client);
            await manager.ReadNewAsync();
            Assert.StartsWith(
                "Your escalations:\n\n- #1 waiting from Pat: A photo of the nativity is on a public page.",
                Assert.Single(await manager.SayAndReadAsync("escalations")),
                StringComparison.Ordinal);
            Assert.StartsWith("You've accepted #1", Assert.Single(await manager.SayAndReadAsync("accept 1")), StringComparison.Ordinal);

            // The parent's new conversation is where the news goes now.
            Assert.StartsWith("The Manager (Jane Smith) has picked up your concern (#1)", Assert.Single(await parent.ReadNewAsync()), StringComparison.Ordinal);
            Assert.Empty(await parent.SayAndReadAsync("Thank you. It was posted yesterday."));
            Assert.Equal(["From Pat (via PolicyBot, #1): Thank you. It was posted yesterday."], await manager.ReadNewAsync());
            Assert.Empty(await manager.SayAndReadAsync("I'll ask for it to come down."));
            Assert.Equal(["From the Manager (Jane Smith): I'll ask for it to come down."], await parent.ReadNewAsync());
            await second.KillAsync();
        }

        // 3. Still accepted: the parent's words are relayed, not answered, and every message is there.
        await using (var third = await BotProcess.StartAsync(data.Path, settings))
        {
            var client = new DirectLineClient(third.Client);
            var manager = await StaffChat.OpenAsync(third.BaseAddress, third.Client);
            await manager.ReadNewAsync();
            var parent = await client.StartAsync("dl_parent", "Pat");
            await parent.ReadNewAsync();

            Assert.Empty(await parent.SayAndReadAsync("can I add a parent on facebook"));
            Assert.Equal(["From Pat (via PolicyBot, #1): can I add a parent on facebook"], await manager.ReadNewAsync());
            Assert.Equal(
                ["#1 to the Manager (Jane Smith), accepted, from Pat:\n\n> A photo of the nativity is on a public page.\n" +
                 "- Pat: Thank you. It was posted yesterday.\n" +
                 "- The Manager (Jane Smith): I'll ask for it to come down.\n" +
                 "- Pat: can I add a parent on facebook"],
                await manager.SayAndReadAsync("show 1"));
            Assert.Empty(await manager.SayAndReadAsync("You can, but it's discouraged: see the policy."));
            Assert.Equal(["From the Manager (Jane Smith): You can, but it's discouraged: see the policy."], await parent.ReadNewAsync());

            Assert.Equal(["Closed #1. I've told them."], await manager.SayAndReadAsync("close 1"));
            Assert.StartsWith("The Manager (Jane Smith) has closed", Assert.Single(await parent.ReadNewAsync()), StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// The path: a web chat user raises a concern, the bot is killed with SIGKILL and started again, the
    /// Manager accepts and replies from the console, and the reply reaches the same web chat conversation, with the
    /// same token, whose history is all there; the user answers, the Manager sees it and closes, and the bot answers
    /// the user again.
    /// </summary>
    [Fact]
    public async Task AWebChatConversationCarriesOnAfterTheBotIsKilled()
    {
        using var data = new TempFolder();
        var settings = ConsoleBrowser.Settings();
        string conversationId, token;

        await using (var first = await BotProcess.StartAsync(data.Path, settings))
        {
            var parent = await new DirectLineClient(first.Client).StartAsync("dl_pat", "Pat");
            Assert.NotEmpty(await parent.ReadNewAsync());
            await parent.SayAndReadAsync("talk to the manager");
            await parent.SayAndReadAsync("A photo of the nativity is on a public page.");
            // The Manager works from the console only here: the concern waits for her there, which is not a failure.
            Assert.StartsWith(
                "Sent to the Manager (Jane Smith) (#1). It's waiting for them in their escalation console.",
                Assert.Single(await parent.SayAndReadAsync("Send")),
                StringComparison.Ordinal);
            (conversationId, token) = (parent.Id, parent.Token);
            await first.KillAsync();
        }

        await using var second = await BotProcess.StartAsync(data.Path, settings);
        var client = new DirectLineClient(second.Client);

        // What directlinejs does for a page that kept its conversation: reconnect, then read from the start.
        var (status, reconnected) = await client.SendAsync(HttpMethod.Get, $"conversations/{conversationId}?watermark=", token);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(conversationId, reconnected.GetProperty("conversationId").GetString());
        var resumed = new DirectLineClient.Conversation(client, conversationId, token, "dl_pat", "Pat");
        var (history, _) = await resumed.PollAsync();
        Assert.Contains(history, a => a.TryGetProperty("text", out var t) && t.GetString() == "A photo of the nativity is on a public page.");
        await resumed.ReadNewAsync();

        using var browser = new ConsoleBrowser(second.BaseAddress);
        await browser.SignInAsManagerAsync();
        Assert.Contains("A photo of the nativity is on a public page.", (await browser.GetAsync("/console/escalations/1")).Body, StringComparison.Ordinal);
        Assert.Equal("/console/escalations/1?done=accepted", (await browser.PostAsync("/console/escalations/1/accept")).Location);
        Assert.StartsWith("The Manager (Jane Smith) has picked up your concern (#1)", Assert.Single(await resumed.ReadNewAsync()), StringComparison.Ordinal);
        Assert.Equal("/console/escalations/1?done=replied", (await browser.PostAsync("/console/escalations/1/reply", true, ("text", "I've asked for it to come down."))).Location);
        Assert.Equal(["From the Manager (Jane Smith): I've asked for it to come down."], await resumed.ReadNewAsync());

        // Relayed to the console is delivered: the bot says nothing, as when her chat is open.
        Assert.Empty(await resumed.SayAndReadAsync("Thank you, it's gone now."));
        Assert.Contains("<p class=\"text\">Thank you, it&#x27;s gone now.</p>", (await browser.GetAsync("/console/escalations/1")).Body, StringComparison.Ordinal);
        Assert.Equal("/console/escalations/1?done=closed", (await browser.PostAsync("/console/escalations/1/close")).Location);
        Assert.StartsWith("The Manager (Jane Smith) has closed", Assert.Single(await resumed.ReadNewAsync()), StringComparison.Ordinal);
        await resumed.SayAsync("can I add a parent on facebook", "after-close");
        var (all, _) = await resumed.PollAsync();
        Assert.Contains("methods-5", all[^1].GetRawText(), StringComparison.Ordinal);
        Assert.Equal("bot", all[^1].GetProperty("from").GetProperty("role").GetString());
    }

    /// <summary>
    /// The database file is deleted under the running bot: the health check fails, and "Send" says nothing was saved
    /// instead of claiming the concern was (open handles would otherwise write into the deleted file without an error).
    /// </summary>
    [Fact]
    public async Task ADeletedDatabaseIsToldNotHidden()
    {
        using var data = new TempFolder();
        await using var bot = await BotProcess.StartAsync(data.Path, ConsoleBrowser.Settings());
        var parent = await new DirectLineClient(bot.Client).StartAsync("dl_pat", "Pat");
        await parent.ReadNewAsync();
        await parent.SayAndReadAsync("talk to the manager");
        await parent.SayAndReadAsync("A photo of the nativity is on a public page.");

        foreach (var file in Directory.EnumerateFiles(data.Path, "policybot.db*"))
        {
            File.Delete(file);
        }

        using (var health = await bot.Client.GetAsync(new Uri("healthz", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        }

        var said = await parent.SayAndReadAsync("Send");
        Assert.StartsWith("Sorry, I couldn't save that just now", Assert.Single(said), StringComparison.Ordinal);
    }

    /// <summary>
    /// The bot died after saving the escalation but before saving the dialog, so the user is still asked "Shall I send
    /// it?" and says "Send" again: the concern is not raised a second time.
    /// </summary>
    [Fact]
    public async Task SendAgainAfterACrashDoesNotRaiseItTwice()
    {
        await using var bot = await RunningBot.StartAsync(ConsoleBrowser.Settings(("Storage:Provider", "memory")));
        var parent = await new DirectLineClient(bot.Client).StartAsync("dl_pat", "Pat");
        await parent.ReadNewAsync();
        await parent.SayAndReadAsync("talk to the manager");
        await parent.SayAndReadAsync("A photo of the nativity is on a public page.");

        // What the lost turn had already saved: the escalation itself.
        var store = bot.Services.GetRequiredService<PolicyBot.Dialogs.Escalations.IEscalationStore>();
        await store.CreateAsync(new PolicyBot.Dialogs.Escalations.NewEscalation(
            PolicyBot.Dialogs.Escalations.EscalationRole.Manager, PolicyBot.Dialogs.Escalations.EscalationRole.Manager, "direct", "A photo of the nativity is on a public page.",
            new PolicyBot.Dialogs.Escalations.PartyId("directline", "dl_pat"), "Pat",
            new PolicyBot.Protocol.ConversationReference(null, new PolicyBot.Protocol.ChannelAccount { Id = "dl_pat" }, null, new PolicyBot.Protocol.ConversationAccount { Id = parent.Id }, "directline", null, null),
            DateTimeOffset.UtcNow.AddHours(4)), default);

        Assert.StartsWith("That's already with the Manager (Jane Smith) (#1).", Assert.Single(await parent.SayAndReadAsync("Send")), StringComparison.Ordinal);
        Assert.Single(await store.ListAsync(new PolicyBot.Dialogs.Escalations.EscalationFilter(User: new PolicyBot.Dialogs.Escalations.PartyId("directline", "dl_pat")), default));
    }
}
