using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace WWPS.PolicyBot.Cognitive.Azure;

/// <summary>When to retry and how long to wait. Pure functions so they are tested by tables, not by waiting.</summary>
internal static class RetryTiming
{
    // 429 and 503 are the service's documented throttling and overload answers; 500/502/504 are usually a
    // gateway or instance hiccup that a second try gets past. 4xx otherwise (bad key, bad request) never improves.
    public static bool IsRetryable(HttpStatusCode status) => status is
        HttpStatusCode.TooManyRequests or HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway
        or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    /// <summary>
    /// The wait the server asked for, if any. The millisecond headers are Azure's more precise forms and win
    /// over Retry-After, which may be delta-seconds or an HTTP-date (measured against <paramref name="now"/>).
    /// </summary>
    public static TimeSpan? ServerDelay(HttpResponseHeaders headers, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(headers);
        foreach (var name in (ReadOnlySpan<string>)["retry-after-ms", "x-ms-retry-after-ms"])
        {
            if (headers.TryGetValues(name, out var values)
                && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var ms)
                && ms >= 0 && double.IsFinite(ms))
            {
                return TimeSpan.FromMilliseconds(ms);
            }
        }

        return headers.RetryAfter switch
        {
            { Delta: { } delta } => delta < TimeSpan.Zero ? TimeSpan.Zero : delta,
            { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
            _ => null,
        };
    }

    /// <summary>
    /// Exponential backoff with "equal jitter": half the step is fixed, half random, so several bot instances
    /// throttled at the same moment do not all come back at the same moment.
    /// </summary>
    /// <param name="retry">0 for the first retry.</param>
    /// <param name="jitter">A sample in [0, 1).</param>
    public static TimeSpan Backoff(int retry, TimeSpan baseDelay, TimeSpan maxDelay, double jitter)
    {
        var step = baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(retry, 30));
        step = Math.Min(step, maxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds((step / 2) + (step / 2 * jitter));
    }
}
