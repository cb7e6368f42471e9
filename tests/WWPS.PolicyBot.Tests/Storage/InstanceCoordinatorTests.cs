using WWPS.PolicyBot.Storage;
using WWPS.PolicyBot.Tests.Support;

namespace WWPS.PolicyBot.Tests.Storage;

/// <summary>Two instances on one PostgreSQL database: a job runs on one at a time, and one conversation's turns queue.</summary>
[Trait("Category", "Slow")]
public sealed class InstanceCoordinatorTests
{
    [Fact]
    public async Task AJobHeldByOneInstanceIsSkippedByTheOtherAndFreeAfterwards()
    {
        await using var database = await PostgresServer.CreateDatabaseAsync();
        using var first = await database.OpenAsync();
        using var second = await database.OpenAsync();
        var one = new PostgresInstanceCoordinator(first);
        var two = new PostgresInstanceCoordinator(second);
        var release = new TaskCompletionSource();
        var started = new TaskCompletionSource();

        var running = one.RunExclusiveAsync("escalation-due", async _ => { started.SetResult(); await release.Task; }, default);
        await started.Task;
        var ranMeanwhile = false;
        Assert.False(await two.RunExclusiveAsync("escalation-due", _ => { ranMeanwhile = true; return Task.CompletedTask; }, default));
        Assert.True(await two.RunExclusiveAsync("state-purge", _ => Task.CompletedTask, default));
        release.SetResult();
        Assert.True(await running);

        Assert.False(ranMeanwhile);
        Assert.True(await two.RunExclusiveAsync("escalation-due", _ => Task.CompletedTask, default));
    }

    [Fact]
    public async Task OneConversationsTurnsWaitForEachOtherAcrossInstances()
    {
        await using var database = await PostgresServer.CreateDatabaseAsync();
        using var first = await database.OpenAsync();
        using var second = await database.OpenAsync();
        var one = new PostgresInstanceCoordinator(first);
        var two = new PostgresInstanceCoordinator(second);

        var held = await one.LockConversationAsync("directline:abc", default);
        var waiting = two.LockConversationAsync("directline:abc", default);
        var other = await two.LockConversationAsync("directline:xyz", default);
        // The second instance is queued on the server (an advisory lock not granted), not through.
        await WaitForAsync(database.ConnectionString, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted");
        Assert.False(waiting.IsCompleted);

        await held.DisposeAsync();
        await (await waiting.WaitAsync(TimeSpan.FromSeconds(10))).DisposeAsync();
        await other.DisposeAsync();
    }

    private static async Task WaitForAsync(string connectionString, string countSql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(countSql, connection);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((long)(await command.ExecuteScalarAsync())! == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The second lock request never reached the server.");
            await Task.Delay(20);
        }
    }
}

/// <summary>A channel's retry that reaches the other instance is recognised, and a forgotten one taken again.</summary>
[Trait("Category", "Slow")]
public sealed class SharedDeduplicationTests
{
    [Fact]
    public async Task ARetryReachingTheOtherInstanceIsRecognised()
    {
        await using var database = await PostgresServer.CreateDatabaseAsync();
        using var first = await database.OpenAsync();
        using var second = await database.OpenAsync();
        var time = new Testing.ManualTimeProvider();
        var one = new PolicyBot.Plumbing.ActivityDeduplicator(time, await PostgresProcessedIds.OpenAsync(first, default));
        var two = new PolicyBot.Plumbing.ActivityDeduplicator(time, await PostgresProcessedIds.OpenAsync(second, default));

        Assert.True(await one.TryAcceptAsync("slack", "T1", "Ev1", default));
        Assert.False(await two.TryAcceptAsync("slack", "T1", "Ev1", default));
        Assert.True(await two.TryAcceptAsync("slack", "T1", "Ev2", default));

        // Taken in but not queued: forgotten everywhere, so Slack's next retry is taken.
        await one.ForgetAsync("slack", "T1", "Ev1", default);
        Assert.True(await two.TryAcceptAsync("slack", "T1", "Ev1", default));

        // Long after, the same id is new again (the window is minutes, not forever).
        time.Advance(TimeSpan.FromHours(1));
        var three = new PolicyBot.Plumbing.ActivityDeduplicator(time, await PostgresProcessedIds.OpenAsync(first, default));
        Assert.True(await three.TryAcceptAsync("slack", "T1", "Ev2", default));
    }
}
