using System.Net;
using WWPS.PolicyBot.Tests.Support;

namespace WWPS.PolicyBot.Tests.Hosting;

[Trait("Category", "Slow")]
public sealed class HostTests
{
    [Fact]
    public async Task HealthCheckReportsStorageIsReachable()
    {
        await using var bot = await RunningBot.StartAsync();

        var response = await bot.Client.GetAsync(new Uri("healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"ok\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
