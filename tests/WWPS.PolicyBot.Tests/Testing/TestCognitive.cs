using Microsoft.Extensions.DependencyInjection;
using WWPS.PolicyBot.Cognitive;

namespace WWPS.PolicyBot.Tests.Testing;

/// <summary>The Cognitive services through the host's own registration (<see cref="CognitiveRegistration.AddCognitive"/>).</summary>
internal static class TestCognitive
{
    /// <param name="time">The clock the services read (the review date in answers); null for the system's.</param>
    public static CognitiveServices Create(CognitiveSettings settings, TimeProvider? time = null)
    {
        var services = new ServiceCollection();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        // Never disposed: the tests keep the services (and their model) for the life of the test run.
        return services.AddCognitive(settings).BuildServiceProvider().GetRequiredService<CognitiveServices>();
    }
}
