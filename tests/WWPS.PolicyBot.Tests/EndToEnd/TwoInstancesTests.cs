using System.Net;
using WWPS.PolicyBot.Tests.DirectLine;
using WWPS.PolicyBot.Tests.EscalationConsole;
using WWPS.PolicyBot.Tests.Support;
using WWPS.PolicyBot.Tests.Testing;

namespace WWPS.PolicyBot.Tests.EndToEnd;

/// <summary>
/// The bar for several instances: two bot processes on one PostgreSQL database, no sticky sessions. The user's
/// web chat talks to instance A, the Manager's console to instance B; the whole escalation goes across; the console
/// session works on either instance; then A is killed with SIGKILL and the user's web chat carries on against B.
/// </summary>
[Trait("Category", "Slow")]
public sealed class TwoInstancesTests
{
    [Fact]
    public async Task AnEscalationAcrossTwoInstancesThenTheUsersInstanceDies()
    {
        await using var database = await PostgresServer.CreateDatabaseAsync();
        using var data = new TempFolder();
        var settings = ConsoleBrowser.Settings(("Storage:Provider", "postgres"), ("ConnectionStrings:PolicyBot", database.ConnectionString));
        await using var b = await BotProcess.StartAsync(data.Path, settings);
        string conversationId, token;

        await using (var a = await BotProcess.StartAsync(data.Path, settings))
        {
            var parent = await new DirectLineClient(a.Client).StartAsync("dl_pat", "Pat");
            Assert.NotEmpty(await parent.ReadNewAsync());
            await parent.SayAndReadAsync("talk to the manager");
            await parent.SayAndReadAsync("A parent posted the sports day photos publicly.");
            Assert.StartsWith("Sent to the Manager (Jane Smith) (#1)", Assert.Single(await parent.SayAndReadAsync("Send")), StringComparison.Ordinal);
            (conversationId, token) = (parent.Id, parent.Token);

            // The Manager signs in on B; the same session works on A (one set of Data Protection keys in the database).
            var cookies = new CookieContainer();
            using var onB = new ConsoleBrowser(b.BaseAddress, cookies);
            await onB.SignInAsManagerAsync();
            Assert.Contains("A parent posted the sports day photos publicly.", (await onB.GetAsync("/console/escalations/1")).Body, StringComparison.Ordinal);
            using var onA = new ConsoleBrowser(a.BaseAddress, cookies);
            var sameSession = await onA.GetAsync("/console/escalations");
            Assert.Equal(HttpStatusCode.OK, sameSession.Status);
            Assert.Contains("Escalations for the Manager (Jane Smith)", sameSession.Body, StringComparison.Ordinal);
            await using (var connection = new Npgsql.NpgsqlConnection(database.ConnectionString))
            {
                await connection.OpenAsync();
                await using var keys = new Npgsql.NpgsqlCommand("SELECT count(*) FROM dataprotection_keys", connection);
                Assert.True((long)(await keys.ExecuteScalarAsync())! >= 1);
            }

            // Accepted and answered on B; the user, polling A, hears both.
            await onB.GetAsync("/console/escalations/1");
            Assert.Equal("/console/escalations/1?done=accepted", (await onB.PostAsync("/console/escalations/1/accept")).Location);
            Assert.StartsWith("The Manager (Jane Smith) has picked up your concern (#1)", Assert.Single(await parent.ReadNewAsync()), StringComparison.Ordinal);
            Assert.Equal("/console/escalations/1?done=replied", (await onB.PostAsync("/console/escalations/1/reply", true, ("text", "I've asked them to take it down."))).Location);
            Assert.Equal(["From the Manager (Jane Smith): I've asked them to take it down."], await parent.ReadNewAsync());

            // The user answers on A; the Manager sees it on B, and closes there.
            Assert.Empty(await parent.SayAndReadAsync("Thank you, it's gone now."));
            Assert.Contains("Thank you, it&#x27;s gone now.", (await onB.GetAsync("/console/escalations/1")).Body, StringComparison.Ordinal);
            Assert.Equal("/console/escalations/1?done=closed", (await onB.PostAsync("/console/escalations/1/close")).Location);
            Assert.StartsWith("The Manager (Jane Smith) has closed", Assert.Single(await parent.ReadNewAsync()), StringComparison.Ordinal);

            await a.KillAsync();
        }

        // A is gone: the same conversation, token and history carry on against B, and the bot answers again.
        var client = new DirectLineClient(b.Client);
        var (status, _) = await client.SendAsync(HttpMethod.Get, $"conversations/{conversationId}?watermark=", token);
        Assert.Equal(HttpStatusCode.OK, status);
        var resumed = new DirectLineClient.Conversation(client, conversationId, token, "dl_pat", "Pat");
        var (history, _) = await resumed.PollAsync();
        Assert.Contains(history, x => x.TryGetProperty("text", out var t) && t.GetString() == "From the Manager (Jane Smith): I've asked them to take it down.");
        await resumed.ReadNewAsync();
        await resumed.SayAsync("can I add a parent on facebook", "after-a-died");
        var (all, _) = await resumed.PollAsync();
        Assert.Equal("bot", all[^1].GetProperty("from").GetProperty("role").GetString());
        Assert.Contains("methods-5", all[^1].GetRawText(), StringComparison.Ordinal);
    }
}
