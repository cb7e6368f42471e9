using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WWPS.PolicyBot.Dialogs.Escalations;
using WWPS.PolicyBot.Tests.DirectLine;
using WWPS.PolicyBot.Tests.Support;

namespace WWPS.PolicyBot.Tests.EscalationConsole;

/// <summary>
/// Security bug: the web chat took the user's id from the client, and escalation trusts (directline, id) as the Manager
/// or the Chair, so anyone could act as them. Now their ids are reserved, their chat is opened from the console, and a
/// conversation's activities are always from its own user.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ConsoleChatTests
{
    private const string Concern = "A parent posted the sports day photos publicly.";

    [Fact]
    public async Task ClaimingTheManagersIdInFromDoesNotMakeYouTheManager()
    {
        await using var bot = await RunningBot.StartAsync(ConsoleBrowser.Settings());
        var client = new DirectLineClient(bot.Client);
        var parent = await RaiseAsync(bot, client);

        var intruder = await client.StartAsync("dl_intruder", "Intruder");
        await intruder.ReadNewAsync();
        foreach (var text in new[] { "escalations", "show 1", "accept 1" })
        {
            var forged = JsonSerializer.Serialize(new { type = "message", text, from = new { id = "dl_manager", name = "Jane Smith", role = "user" } });
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(HttpMethod.Post, $"conversations/{intruder.Id}/activities", intruder.Token, forged)).Status);
        }

        var answers = await intruder.ReadNewAsync();
        Assert.Contains(answers, a => a.StartsWith("Only the Manager and the Chair", StringComparison.Ordinal));
        Assert.DoesNotContain(answers, a => a.Contains(Concern, StringComparison.Ordinal));
        Assert.Equal(EscalationStatus.Waiting, (await bot.Services.GetRequiredService<IEscalationStore>().GetAsync(1, default))!.Status);
        Assert.Empty(await parent.ReadNewAsync());
        Assert.Contains(await bot.Services.GetRequiredService<IEscalationStore>().GetAuditAsync(1, default),
            a => a.Actor == "user:directline:dl_intruder" && a.Action == AuditActions.Denied);
    }

    [Theory]
    [InlineData("tokens/generate", "dl_manager")]
    [InlineData("conversations", "dl_manager")]
    [InlineData("conversations", "dl_chair")]
    [InlineData("tokens/generate", " DL_Chair ")]
    public async Task AConversationForAStaffIdIsRefusedOutsideTheConsole(string path, string id)
    {
        await using var bot = await RunningBot.StartAsync(ConsoleBrowser.Settings());
        var client = new DirectLineClient(bot.Client);

        var (status, body) = await client.SendAsync(HttpMethod.Post, path, token: null, json: JsonSerializer.Serialize(new { user = new { id, name = "Jane Smith" } }));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("reserved for a member of staff", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.False(body.TryGetProperty("token", out _));
    }

    [Fact]
    public async Task TheSignedInManagerOpensHerChatFromTheConsoleAndAcceptsAndRepliesThere()
    {
        await using var bot = await RunningBot.StartAsync(ConsoleBrowser.Settings());
        using var browser = new ConsoleBrowser(bot.BaseAddress);
        await browser.SignInAsManagerAsync();
        var list = await browser.GetAsync("/console/escalations");
        Assert.Contains("action=\"/console/chat\"", list.Body, StringComparison.Ordinal);
        Assert.Contains("Open my chat with the bot", list.Body, StringComparison.Ordinal);

        // Without the form token: refused.
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsync("/console/chat", withToken: false)).Status);

        var minted = await browser.PostAsync("/console/chat");
        Assert.Equal(HttpStatusCode.SeeOther, minted.Status);
        var (token, user, name) = StaffChat.Parse(minted.Location);
        Assert.Equal(("dl_manager", "Jane Smith"), (user, name));
        var client = new DirectLineClient(bot.Client);
        var manager = await client.StartWithTokenAsync(token, "some-other-id", "Jane");
        await manager.ReadNewAsync();
        Assert.Contains(await manager.SayAndReadAsync("whoami"), t => t.Contains("channel \"directline\", user id \"dl_manager\"", StringComparison.Ordinal));

        var parent = await client.StartAsync("dl_parent", "Pat");
        await parent.ReadNewAsync();
        await parent.SayAndReadAsync("I want to raise a concern");
        await parent.SayAndReadAsync(Concern);
        await parent.SayAndReadAsync("The Manager");
        Assert.StartsWith("Sent to the Manager (Jane Smith) (#1)", Assert.Single(await parent.SayAndReadAsync("Send")), StringComparison.Ordinal);
        Assert.StartsWith("New concern #1 from Pat", Assert.Single(await manager.ReadNewAsync()), StringComparison.Ordinal);

        Assert.StartsWith("You've accepted #1 from Pat", Assert.Single(await manager.SayAndReadAsync("accept 1")), StringComparison.Ordinal);
        Assert.StartsWith("The Manager (Jane Smith) has picked up your concern (#1)", Assert.Single(await parent.ReadNewAsync()), StringComparison.Ordinal);
        Assert.Empty(await manager.SayAndReadAsync("I'll look into it today."));
        Assert.Equal(["From the Manager (Jane Smith): I'll look into it today."], await parent.ReadNewAsync());
    }

    [Fact]
    public async Task TheChairsButtonOpensTheChairsChatNeverTheManagers()
    {
        await using var bot = await RunningBot.StartAsync(ConsoleBrowser.Settings());
        var minted = await StaffChat.MintAsync(bot.BaseAddress, "chair");
        Assert.Equal(HttpStatusCode.SeeOther, minted.Status);
        var (token, user, name) = StaffChat.Parse(minted.Location);
        Assert.Equal(("dl_chair", "Sam Brown"), (user, name));

        // Even writing the Manager's id in from, the Chair's chat is the Chair's.
        var chair = await new DirectLineClient(bot.Client).StartWithTokenAsync(token, "dl_manager", "Jane Smith");
        await chair.ReadNewAsync();
        Assert.Contains(await chair.SayAndReadAsync("whoami"), t => t.Contains("user id \"dl_chair\"", StringComparison.Ordinal));

        // Not signed in: the sign-in page, no chat.
        using var stranger = new ConsoleBrowser(bot.BaseAddress);
        await stranger.GetAsync("/console/login");
        var refused = await stranger.PostAsync("/console/chat");
        Assert.Equal(HttpStatusCode.Redirect, refused.Status);
        Assert.Contains("/console/login", refused.Location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARoleWhoseChatIsNotOnDirectLineHasNoButtonAndGets404()
    {
        await using var bot = await RunningBot.StartAsync(ConsoleBrowser.Settings(("Escalation:Manager:ChannelId", "msteams"), ("Escalation:Manager:UserId", "user-1")));
        using var browser = new ConsoleBrowser(bot.BaseAddress);
        await browser.SignInAsManagerAsync();
        var list = await browser.GetAsync("/console/escalations");
        Assert.DoesNotContain("/console/chat", list.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.PostAsync("/console/chat")).Status);

        // And the Manager's Teams id is not reserved on Direct Line (it means nothing there).
        var (status, _) = await new DirectLineClient(bot.Client).SendAsync(HttpMethod.Post, "conversations", null, JsonSerializer.Serialize(new { user = new { id = "dl_manager" } }));
        Assert.Equal(HttpStatusCode.Created, status);
    }

    private static async Task<DirectLineClient.Conversation> RaiseAsync(RunningBot bot, DirectLineClient client)
    {
        var manager = await StaffChat.OpenAsync(bot.BaseAddress, bot.Client);
        await manager.ReadNewAsync();
        var parent = await client.StartAsync("dl_parent", "Pat");
        await parent.ReadNewAsync();
        await parent.SayAndReadAsync("I want to raise a concern");
        await parent.SayAndReadAsync(Concern);
        await parent.SayAndReadAsync("The Manager");
        Assert.StartsWith("Sent to the Manager (Jane Smith) (#1)", Assert.Single(await parent.SayAndReadAsync("Send")), StringComparison.Ordinal);
        return parent;
    }
}
