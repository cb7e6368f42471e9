using Microsoft.Extensions.DependencyInjection;
using WWPS.PolicyBot.Dialogs.Escalations;
using WWPS.PolicyBot.Tests.BotFramework;
using WWPS.PolicyBot.Tests.DirectLine;
using WWPS.PolicyBot.Tests.EscalationConsole;
using WWPS.PolicyBot.Tests.Support;

namespace WWPS.PolicyBot.Tests.Escalations;

/// <summary>
/// The running app with the Manager and the Chair configured as Direct Line users: a parent and the Manager each in
/// their own Web Chat conversation, from raising a concern to the Manager's reply and the bot answering again.
/// </summary>
[Trait("Category", "Slow")]
public sealed class EscalationEndToEndTests
{
    /// <summary>The two roles as Direct Line users, and working hours that are always open, so the test does not depend on the day.</summary>
    internal static (string Key, string? Value)[] Settings(params (string Key, string? Value)[] more) =>
    [
        ("Escalation:Manager:Name", "Jane Smith"),
        ("Escalation:Manager:ChannelId", "directline"),
        ("Escalation:Manager:UserId", "dl_manager"),
        ("Escalation:Chair:Name", "Sam Brown"),
        ("Escalation:Chair:ChannelId", "directline"),
        ("Escalation:Chair:UserId", "dl_chair"),
        ("Escalation:WorkingHours:Days", "Mon-Sun"),
        ("Escalation:WorkingHours:Start", "00:00"),
        ("Escalation:WorkingHours:End", "23:59:59"),
        ("Ask:Semantic", "false"),
        .. more,
    ];

    [Fact]
    public async Task AConcernReachesTheManagerAndHerReplyReachesTheParent()
    {
        await using var bot = await RunningBot.StartAsync(ConsoleBrowser.Settings());
        var client = new DirectLineClient(bot.Client);
        var manager = await StaffChat.OpenAsync(bot.BaseAddress, bot.Client);
        await manager.ReadNewAsync();
        Assert.Contains(await manager.SayAndReadAsync("whoami"), t => t.Contains("channel \"directline\", user id \"dl_manager\"", StringComparison.Ordinal));

        var parent = await client.StartAsync("dl_parent", "Pat");
        await parent.ReadNewAsync();
        Assert.StartsWith("What would you like to raise?", Assert.Single(await parent.SayAndReadAsync("I want to raise a concern")), StringComparison.Ordinal);
        Assert.StartsWith("Who should it go to", Assert.Single(await parent.SayAndReadAsync("A parent posted the sports day photos publicly.")), StringComparison.Ordinal);
        Assert.StartsWith("Here's what I'll send to the Manager (Jane Smith)", Assert.Single(await parent.SayAndReadAsync("The Manager")), StringComparison.Ordinal);
        Assert.StartsWith("Sent to the Manager (Jane Smith) (#1)", Assert.Single(await parent.SayAndReadAsync("Send")), StringComparison.Ordinal);

        var told = Assert.Single(await manager.ReadNewAsync());
        Assert.StartsWith("New concern #1 from Pat (a concern):\n\n> A parent posted the sports day photos publicly.", told, StringComparison.Ordinal);

        Assert.StartsWith("You've accepted #1 from Pat", Assert.Single(await manager.SayAndReadAsync("accept 1")), StringComparison.Ordinal);
        Assert.StartsWith("The Manager (Jane Smith) has picked up your concern (#1)", Assert.Single(await parent.ReadNewAsync()), StringComparison.Ordinal);

        // Relayed both ways, labelled; the bot says nothing of its own to either side.
        Assert.Empty(await parent.SayAndReadAsync("Is it being looked at?"));
        Assert.Equal(["From Pat (via PolicyBot, #1): Is it being looked at?"], await manager.ReadNewAsync());
        Assert.Empty(await manager.SayAndReadAsync("Yes, I've asked them to take the photos down."));
        Assert.Equal(["From the Manager (Jane Smith): Yes, I've asked them to take the photos down."], await parent.ReadNewAsync());

        // Another user can neither list nor read it.
        var other = await client.StartAsync("dl_other", "Alex");
        await other.ReadNewAsync();
        Assert.StartsWith("You have no concern #1", Assert.Single(await other.SayAndReadAsync("show 1")), StringComparison.Ordinal);
        Assert.StartsWith("Only the Manager and the Chair", Assert.Single(await other.SayAndReadAsync("escalations")), StringComparison.Ordinal);

        Assert.Equal(["Closed #1. I've told them."], await manager.SayAndReadAsync("close 1"));
        Assert.StartsWith("The Manager (Jane Smith) has closed the conversation about your concern (#1). I'm back", Assert.Single(await parent.ReadNewAsync()), StringComparison.Ordinal);
        // The bot answers again (an answer card), and nothing more goes to the Manager.
        Assert.Single(await parent.SayAndReadAsync("can I add a parent on facebook"));
        Assert.Empty(await manager.ReadNewAsync());

        var store = bot.Services.GetRequiredService<IEscalationStore>();
        Assert.Equal(["Is it being looked at?", "Yes, I've asked them to take the photos down."], (await store.GetMessagesAsync(1, default)).Select(m => m.Text));
        var audit = await store.GetAuditAsync(1, default);
        Assert.Contains(audit, a => a.Actor == "manager" && a.Action == AuditActions.Accepted);
        Assert.Contains(audit, a => a.Actor == "user:directline:dl_other" && a.Action == AuditActions.Denied);
    }

    [Fact]
    public async Task AManagerInTeamsIsToldAndAnswersThroughTheBotConnector()
    {
        await using var connector = await FakeConnector.StartAsync();
        await using var bot = await RunningBot.StartAsync(Settings(("Escalation:Manager:ChannelId", "msteams"), ("Escalation:Manager:UserId", "user-1")));
        var messages = new Uri("api/messages", UriKind.Relative);

        // The Manager writes to the bot in Teams once: that is where her notifications go.
        using (var hello = await bot.Client.PostAsync(messages, Activities.Json(Activities.Message("t1", connector.BaseAddress, "escalations"))))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, hello.StatusCode);
        }

        Assert.Equal("Nothing is waiting for you.", (await connector.NextMessageAsync()).Activity.GetProperty("text").GetString());

        var parent = await new DirectLineClient(bot.Client).StartAsync("dl_parent", "Pat");
        await parent.ReadNewAsync();
        await parent.SayAndReadAsync("talk to the manager");
        await parent.SayAndReadAsync("A parent posted the pick-up code.");
        Assert.StartsWith("Sent to the Manager (Jane Smith) (#1)", Assert.Single(await parent.SayAndReadAsync("Send")), StringComparison.Ordinal);

        var notification = await connector.NextMessageAsync();
        Assert.Equal("/v3/conversations/a%3A1%3Bconv%40thread/activities", notification.Path);
        Assert.StartsWith("New concern #1 from Pat", notification.Activity.GetProperty("text").GetString(), StringComparison.Ordinal);

        using (var accept = await bot.Client.PostAsync(messages, Activities.Json(Activities.Message("t2", connector.BaseAddress, "accept 1"))))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, accept.StatusCode);
        }

        Assert.StartsWith("You've accepted #1", (await connector.NextMessageAsync()).Activity.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("The Manager (Jane Smith) has picked up your concern (#1)", Assert.Single(await parent.ReadNewAsync()), StringComparison.Ordinal);
    }
}
