using Microsoft.Extensions.DependencyInjection;
using WWPS.PolicyBot.Tests.Testing;
using System.Text.Json;
using WWPS.PolicyBot.Protocol;
using WWPS.PolicyBot.Storage;
using WWPS.PolicyBot.Tests.Support;

namespace WWPS.PolicyBot.Tests.Hosting;

[Trait("Category", "Slow")]
public sealed class RetentionTests
{
    [Fact]
    public async Task StateUntouchedForLongerThanTheRetentionIsDeletedWhenTheBotRuns()
    {
        var folder = Path.Combine(Path.GetTempPath(), "policybot-retention-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var value = JsonDocument.Parse("{\"lastQuestion\":\"can I friend a parent?\"}").RootElement;
        var now = new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

        // Written two days ago and a minute ago, by clocks standing at those times.
        var old = await SqliteStorage.OpenAsync(folder, new ManualTimeProvider(now.AddDays(-2)));
        await old.WriteAsync(new Dictionary<string, StoreItem> { ["webchat/conversations/old"] = new(value) }, CancellationToken.None);
        var recent = await SqliteStorage.OpenAsync(folder, new ManualTimeProvider(now.AddMinutes(-1)));
        await recent.WriteAsync(new Dictionary<string, StoreItem> { ["webchat/conversations/recent"] = new(value) }, CancellationToken.None);

        var clock = new ManualTimeProvider(now);
        await using (await RunningBot.StartAsync(services => services.AddSingleton<TimeProvider>(clock), ("Storage:DataFolder", folder), ("State:RetentionHours", "24")))
        {
            // The bot purges once as it starts.
            var left = await WhenGoneAsync(recent, "webchat/conversations/old");
            Assert.False(left.ContainsKey("webchat/conversations/old"), "state idle for two days should be purged");
            Assert.True(left.ContainsKey("webchat/conversations/recent"), "recent state must be kept");

            // And then every hour: a day on, the recent state has been idle too long as well.
            clock.Advance(TimeSpan.FromHours(24));
            left = await WhenGoneAsync(recent, "webchat/conversations/recent");
            Assert.False(left.ContainsKey("webchat/conversations/recent"), "state idle for a day should be purged at the next hourly purge");
        }
    }

    /// <summary>Reads until <paramref name="key"/> is gone, bounded: the purge runs on the bot's own thread.</summary>
    private static async Task<IReadOnlyDictionary<string, StoreItem>> WhenGoneAsync(SqliteStorage storage, string key)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var left = await storage.ReadAsync(["webchat/conversations/old", "webchat/conversations/recent"], CancellationToken.None);
            if (!left.ContainsKey(key) || bound.IsCancellationRequested)
            {
                return left;
            }

            await Task.Delay(20, CancellationToken.None);
        }
    }
}
