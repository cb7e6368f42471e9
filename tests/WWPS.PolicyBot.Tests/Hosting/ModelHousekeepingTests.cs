using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using WWPS.PolicyBot.Cognitive;
using WWPS.PolicyBot.Hosting;
using WWPS.PolicyBot.Tests.Support;
using WWPS.PolicyBot.Tests.Testing;

namespace WWPS.PolicyBot.Tests.Hosting;

/// <summary>The model is loaded before the host answers anyone, and given back on a timer, never on a question's path.</summary>
[Trait("Category", "Slow")]
public sealed class ModelHousekeepingTests
{
    [Fact]
    public async Task TheModelIsLoadedBeforeTheHostAnswersItsFirstQuestion()
    {
        await using var bot = await RunningBot.StartAsync();

        // Started means listening: had the model been left for the first question, that user would wait for the load.
        Assert.True(bot.Services.GetRequiredService<CognitiveServices>().Embedder.IsLoaded);
    }

    [Fact]
    public async Task TrimsOnlyWhenItsClockSaysTheIntervalHasPassed()
    {
        var clock = new ManualTimeProvider();
        var passes = 0;
        using var passed = new SemaphoreSlim(0);
        using var trimming = new ModelTrimming(
            () =>
            {
                Interlocked.Increment(ref passes);
                passed.Release();
                return 0;
            },
            clock,
            NullLogger<ModelTrimming>.Instance);

        await trimming.StartAsync(CancellationToken.None);
        await clock.WaitForTimerAsync(due => due == ModelTrimming.Interval);
        clock.Advance(ModelTrimming.Interval - TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, Volatile.Read(ref passes));

        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(await passed.WaitAsync(TimeSpan.FromSeconds(10)), "no pass when the interval had passed");

        // The next wait is set only after a pass ends, so a slow pass is never overlapped by the next.
        await clock.WaitForTimerAsync(due => due == ModelTrimming.Interval);
        clock.Advance(ModelTrimming.Interval);
        Assert.True(await passed.WaitAsync(TimeSpan.FromSeconds(10)), "no second pass");
        Assert.Equal(2, Volatile.Read(ref passes));

        await trimming.StopAsync(CancellationToken.None);
    }
}
