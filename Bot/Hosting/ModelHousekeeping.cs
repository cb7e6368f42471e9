using WWPS.PolicyBot.Cognitive;

namespace WWPS.PolicyBot.Hosting;

/// <summary>The sentence model's upkeep in the web host: loaded before the host listens, trimmed on a timer of its own.</summary>
internal static class ModelHousekeeping
{
    public static IServiceCollection AddModelHousekeeping(this IServiceCollection services)
    {
        services.AddHostedService<ModelWarmUp>();
        services.AddHostedService(sp => new ModelTrimming(
            sp.GetRequiredService<CognitiveServices>().Embedder.TrimResidentWeights, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ModelTrimming>>()));
        return services;
    }
}

/// <summary>
/// Loads the model and reads one question with it while the host starts, so no user's first question waits for the
/// load. Hosted services start before the web server, so the host listens (and <c>/healthz</c> answers) only after this.
/// </summary>
internal sealed partial class ModelWarmUp(CognitiveServices cognitive, TimeProvider time, ILogger<ModelWarmUp> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        await Task.Run(cognitive.Warm, cancellationToken).ConfigureAwait(false);
        var elapsed = (long)time.GetElapsedTime(started).TotalMilliseconds;
        Warmed(logger, elapsed);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Model loaded in {Milliseconds} ms")]
    private static partial void Warmed(ILogger logger, long milliseconds);
}

/// <summary>
/// Gives back the resident pages of the model's mapped weights every <see cref="Interval"/> (see
/// Cognitive/Retrieval/MappedWeights.cs): reading <c>/proc/self/smaps</c> and <c>madvise</c> happen here, on the
/// injected clock's timer, so no question pays for them and none waits behind them.
/// </summary>
internal sealed partial class ModelTrimming(Func<long> trim, TimeProvider time, ILogger<ModelTrimming> logger) : BackgroundService
{
    /// <summary>Often enough that a burst of new words does not stay resident for long; each pass is a read of smaps.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // One wait at a time rather than a periodic timer: a slow pass is never overlapped by the next, and the interval
        // counts from the end of the last.
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(Interval, time, stoppingToken).ConfigureAwait(false);
            var covered = trim();
            Trimmed(logger, covered);
        }
    }

    [LoggerMessage(Level = LogLevel.Trace, Message = "Gave back the model's mapped pages ({Bytes} bytes of mapping)")]
    private static partial void Trimmed(ILogger logger, long bytes);
}
