using Microsoft.Extensions.DependencyInjection.Extensions;

namespace WWPS.PolicyBot.Plumbing;

/// <summary>What every channel that takes messages in shares: one memory of ids taken in, one turn lock.</summary>
internal static class ChannelPlumbing
{
    /// <summary>Registers them once, whichever channel asks first, so Teams, Slack and Web Chat share them.</summary>
    public static IServiceCollection AddChannelPlumbing(this IServiceCollection services)
    {
        services.TryAddSingleton<ActivityDeduplicator>();
        services.TryAddSingleton<ConversationTurnLock>();
        return services;
    }
}
