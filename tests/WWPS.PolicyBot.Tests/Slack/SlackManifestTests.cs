using WWPS.PolicyBot.Slack;
using WWPS.PolicyBot.Tests.Support;

namespace WWPS.PolicyBot.Tests.Slack;

/// <summary>The app manifest a preschool installs from must ask for what the channel uses and point at its endpoints.</summary>
public sealed class SlackManifestTests
{
    private static readonly string[] Lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, "manifest", "slack", "manifest.yml"));

    [Theory]
    [InlineData("chat:write")]
    [InlineData("im:history")]
    [InlineData("app_mentions:read")]
    [InlineData("im:write")]
    [InlineData("message.im")]
    [InlineData("app_mention")]
    public void AsksForWhatTheChannelUses(string item) =>
        Assert.Contains(Lines, l => l.Trim() == "- " + item);

    [Fact]
    public void RequestUrlsAreTheBotsEndpoints()
    {
        var urls = Lines.Select(l => l.Trim()).Where(l => l.StartsWith("request_url:", StringComparison.Ordinal))
            .Select(l => new Uri(l["request_url:".Length..].Trim()).AbsolutePath).ToList();

        Assert.Equal([SlackChannel.EventsPath, SlackChannel.InteractivePath], urls);
        Assert.Contains(Lines, l => l.Trim() == "is_enabled: true");
        Assert.Contains(Lines, l => l.Trim() == "socket_mode_enabled: false");
    }
}
