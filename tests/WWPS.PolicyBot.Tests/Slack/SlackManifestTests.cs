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
    [InlineData("assistant:write")]
    [InlineData("users:read")]
    [InlineData("assistant_thread_started")]
    [InlineData("assistant_thread_context_changed")]
    public void AsksForWhatTheChannelUses(string item) =>
        Assert.Contains(Lines, l => l.Trim() == "- " + item);

    /// <summary>
    /// Slack shows the manifest's prompts in a new assistant thread until the bot sets its own; a user must not see
    /// one set flick to another.
    /// </summary>
    [Fact]
    public void AssistantViewOffersThePromptsTheBotSets()
    {
        var view = Lines.SkipWhile(l => l != "  assistant_view:").Skip(1).TakeWhile(l => l.StartsWith("    ", StringComparison.Ordinal)).Select(l => l.Trim()).ToList();
        var prompts = view.SkipWhile(l => l != "suggested_prompts:").Skip(1).Chunk(2)
            .Select(p => new SlackPrompt(Value(p[0], "- title:"), Value(p[1], "message:")))
            .ToList();

        Assert.StartsWith("Answers questions on the preschool's Social Networking Policy", Value(view[0], "assistant_description:"), StringComparison.Ordinal);
        Assert.Equal(SlackAssistant.Prompts, prompts);
    }

    private static string Value(string line, string key)
    {
        Assert.StartsWith(key, line, StringComparison.Ordinal);
        return line[key.Length..].Trim();
    }

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
