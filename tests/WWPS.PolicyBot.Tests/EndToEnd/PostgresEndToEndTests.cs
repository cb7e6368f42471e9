using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using WWPS.PolicyBot.Dialogs.Escalations;
using WWPS.PolicyBot.DirectLine;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Storage.Postgres;
using WWPS.PolicyBot.Tests.DirectLine;
using WWPS.PolicyBot.Tests.EscalationConsole;
using WWPS.PolicyBot.Tests.Support;

namespace WWPS.PolicyBot.Tests.EndToEnd;

/// <summary>
/// The running app with <c>Storage:Provider = postgres</c>: a parent's question and a concern handled by the Manager
/// over Direct Line, with the state, the escalation and the web chat in the database; then a second instance on the same
/// database carries on the parent's conversation where the first left it.
/// </summary>
[Trait("Category", "Slow")]
public sealed class PostgresEndToEndTests
{
    [Fact]
    public async Task AQuestionAndAConcernRoundTripWithEverythingInPostgres()
    {
        await using var database = await PostgresServer.CreateDatabaseAsync();
        var settings = ConsoleBrowser.Settings(("Storage:Provider", "postgres"), ("ConnectionStrings:PolicyBot", database.ConnectionString));
        string conversationId, token, greeting;
        await using (var bot = await RunningBot.StartAsync(settings))
        {
            Assert.IsType<PostgresStorage>(bot.Services.GetRequiredService<IStorage>());
            Assert.IsType<PostgresEscalationStore>(bot.Services.GetRequiredService<IEscalationStore>());
            Assert.IsType<PostgresDirectLineStore>(bot.Services.GetRequiredService<IDirectLineStore>());

            var manager = await StaffChat.OpenAsync(bot.BaseAddress, bot.Client);
            await manager.ReadNewAsync();
            var parent = await new DirectLineClient(bot.Client).StartAsync("dl_parent", "Pat");
            greeting = (await parent.ReadNewAsync())[0];
            Assert.StartsWith("Hello! I'm the", greeting, StringComparison.Ordinal);
            (conversationId, token) = (parent.Id, parent.Token);

            var (_, before) = await parent.PollAsync();
            await parent.SayAsync("can I add a parent on facebook", "q1");
            var (answer, _) = await parent.PollAsync(before);
            Assert.Contains("add parents as friendships", ActivityJson.ReadableText(answer[^1]), StringComparison.OrdinalIgnoreCase);
            await parent.ReadNewAsync();

            Assert.StartsWith("What would you like to raise?", Assert.Single(await parent.SayAndReadAsync("I want to raise a concern")), StringComparison.Ordinal);
            Assert.StartsWith("Who should it go to", Assert.Single(await parent.SayAndReadAsync("A parent posted the sports day photos publicly.")), StringComparison.Ordinal);
            Assert.StartsWith("Here's what I'll send to the Manager (Jane Smith)", Assert.Single(await parent.SayAndReadAsync("The Manager")), StringComparison.Ordinal);
            Assert.StartsWith("Sent to the Manager (Jane Smith) (#1)", Assert.Single(await parent.SayAndReadAsync("Send")), StringComparison.Ordinal);
            Assert.StartsWith("New concern #1 from Pat", Assert.Single(await manager.ReadNewAsync()), StringComparison.Ordinal);

            Assert.StartsWith("You've accepted #1 from Pat", Assert.Single(await manager.SayAndReadAsync("accept 1")), StringComparison.Ordinal);
            Assert.StartsWith("The Manager (Jane Smith) has picked up your concern (#1)", Assert.Single(await parent.ReadNewAsync()), StringComparison.Ordinal);
            Assert.Empty(await parent.SayAndReadAsync("Is it being looked at?"));
            Assert.Equal(["From Pat (via PolicyBot, #1): Is it being looked at?"], await manager.ReadNewAsync());
            Assert.Empty(await manager.SayAndReadAsync("Yes, I've asked them to take the photos down."));
            Assert.Equal(["From the Manager (Jane Smith): Yes, I've asked them to take the photos down."], await parent.ReadNewAsync());
            Assert.Equal(["Closed #1. I've told them."], await manager.SayAndReadAsync("close 1"));
            Assert.StartsWith("The Manager (Jane Smith) has closed the conversation", Assert.Single(await parent.ReadNewAsync()), StringComparison.Ordinal);
        }

        // What the first instance kept is in the database, nowhere else.
        Assert.Equal("closed", await ScalarAsync(database, "SELECT status FROM escalations WHERE id = 1"));
        Assert.Equal(2L, await ScalarAsync(database, "SELECT count(*) FROM escalation_messages WHERE escalation_id = 1"));
        Assert.True((long)(await ScalarAsync(database, "SELECT count(*) FROM state"))! > 0);
        Assert.True((long)(await ScalarAsync(database, "SELECT count(*) FROM directline_tokens"))! > 0);
        Assert.Equal(0L, await ScalarAsync(database, $"SELECT count(*) FROM directline_tokens WHERE hash = '{token}'"));

        // Another instance on the same database, as a reloaded page reaches it: the same conversation and its history,
        // no second greeting, and the bot answers again.
        await using (var other = await RunningBot.StartAsync(settings))
        {
            var client = new DirectLineClient(other.Client);
            Assert.Equal(System.Net.HttpStatusCode.OK, (await client.SendAsync(HttpMethod.Get, $"conversations/{conversationId}?watermark=", token)).Status);
            var parent = new DirectLineClient.Conversation(client, conversationId, token, "dl_parent", "Pat");
            var history = await parent.ReadNewAsync();
            Assert.Single(history, t => t == greeting);
            Assert.StartsWith("The Manager (Jane Smith) has closed the conversation", history[^1], StringComparison.Ordinal);

            Assert.Single(await parent.SayAndReadAsync("who do I tell about a worrying post?"));
            var (all, _) = await parent.PollAsync();
            Assert.Single(all, a => ActivityJson.ReadableText(a) == greeting);
            Assert.Equal(EscalationStatus.Closed, (await other.Services.GetRequiredService<IEscalationStore>().GetAsync(1, default))?.Status);
        }
    }

    private static async Task<object?> ScalarAsync(TestDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }
}
