using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using WWPS.PolicyBot.Dialogs.Escalations;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Tests.BotFramework;
using WWPS.PolicyBot.Tests.DirectLine;
using WWPS.PolicyBot.Tests.EscalationConsole;
using WWPS.PolicyBot.Tests.Support;

namespace WWPS.PolicyBot.Tests.Hosting;

/// <summary>
/// The running host when its database stops taking the conversation's state (a full disk): the user is told nothing
/// was kept, and is not also sent the answer whose state was lost. The database is made to refuse every write to the
/// state table the way SQLite refuses one on a full disk, by aborting it; everything else in the file still works.
/// </summary>
public sealed class FullDiskTests
{
    private static readonly Uri Unused = new("http://127.0.0.1:9/");

    [Fact]
    public async Task AWebChatUserIsToldNothingWasKeptAndGetsNoAnswer()
    {
        await using var bot = await RunningBot.StartAsync();
        var parent = await new DirectLineClient(bot.Client).StartAsync("dl_pat", "Pat");
        await parent.ReadNewAsync();

        using (FillTheDisk(bot))
        {
            Assert.Equal([BotAdapter.NotSavedMessage], await parent.SayAndReadWordsAsync("Can I friend a parent on Facebook?"));
        }

        // Room again: the same question is answered.
        Assert.Contains(await parent.SayAndReadWordsAsync("Can I friend a parent on Facebook?"), said => said.Contains("Friendships with parents", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnExpectRepliesCallerGetsOnlyTheApology()
    {
        await using var bot = await RunningBot.StartAsync();
        using var disk = FillTheDisk(bot);

        using var response = await bot.Client.PostAsync(
            new Uri("api/messages", UriKind.Relative),
            Activities.Json(Activities.Message("m1", Unused, "can I friend a parent?", deliveryMode: "expectReplies")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal([BotAdapter.NotSavedMessage], body.RootElement.GetProperty("activities").EnumerateArray().Select(a => a.GetProperty("text").GetString()));
    }

    /// <summary>
    /// The concern is stored before the dialog's state: the user is told it went (not that nothing was kept), and
    /// "Send" again, from the step that was not moved on, does not raise it twice.
    /// </summary>
    [Fact]
    public async Task AConcernStoredBeforeTheDiskFilledIsNotDeniedNorRaisedTwice()
    {
        await using var bot = await RunningBot.StartAsync(ConsoleBrowser.Settings());
        var parent = await new DirectLineClient(bot.Client).StartAsync("dl_pat", "Pat");
        await parent.ReadNewAsync();
        await parent.SayAndReadAsync("talk to the manager");
        await parent.SayAndReadAsync("A photo of the nativity is on a public page.");

        using (FillTheDisk(bot))
        {
            Assert.Equal(
                ["Your concern is with the Manager (Jane Smith) (#1), but I couldn't save the rest just now. Please try again in a moment."],
                await parent.SayAndReadAsync("Send"));
        }

        Assert.StartsWith("That's already with the Manager (Jane Smith) (#1).", Assert.Single(await parent.SayAndReadAsync("Send")), StringComparison.Ordinal);
        var store = bot.Services.GetRequiredService<IEscalationStore>();
        Assert.Single(await store.ListAsync(new EscalationFilter(User: new PartyId("directline", "dl_pat")), default));
    }

    /// <summary>Until disposed, every insert or update of conversation and user state fails in the database.</summary>
    private static Disk FillTheDisk(RunningBot bot)
    {
        var path = Path.Combine(bot.DataFolder, "policybot.db");
        Run(path, """
            CREATE TRIGGER full_insert BEFORE INSERT ON state BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;
            CREATE TRIGGER full_update BEFORE UPDATE ON state BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;
            """);
        return new Disk(() => Run(path, "DROP TRIGGER full_insert; DROP TRIGGER full_update;"));
    }

    private static void Run(string path, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 30 }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private sealed class Disk(Action free) : IDisposable
    {
        public void Dispose() => free();
    }
}
