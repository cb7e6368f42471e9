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

        // Written two days ago and a minute ago, by clocks standing at those times.
        var old = await SqliteStorage.OpenAsync(folder, new ManualTimeProvider(DateTimeOffset.UtcNow.AddDays(-2)));
        await old.WriteAsync(new Dictionary<string, StoreItem> { ["webchat/conversations/old"] = new(value) }, CancellationToken.None);
        var recent = await SqliteStorage.OpenAsync(folder, new ManualTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-1)));
        await recent.WriteAsync(new Dictionary<string, StoreItem> { ["webchat/conversations/recent"] = new(value) }, CancellationToken.None);

        await using (await RunningBot.StartAsync(("Storage:DataFolder", folder), ("State:RetentionHours", "24")))
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            IReadOnlyDictionary<string, StoreItem> left;
            do
            {
                await Task.Delay(50);
                left = await recent.ReadAsync(["webchat/conversations/old", "webchat/conversations/recent"], CancellationToken.None);
            }
            while (left.ContainsKey("webchat/conversations/old") && DateTime.UtcNow < deadline);

            Assert.False(left.ContainsKey("webchat/conversations/old"), "state idle for two days should be purged");
            Assert.True(left.ContainsKey("webchat/conversations/recent"), "recent state must be kept");
        }
    }
}
