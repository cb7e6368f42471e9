using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using WWPS.PolicyBot.Plumbing;

namespace WWPS.PolicyBot.DirectLine;

/// <summary>
/// Per-client limits on the anonymous Direct Line calls (ASP.NET Core's rate limiter), so one client cannot take
/// every conversation or keep the bot busy for everyone: new conversations (<c>tokens/generate</c> and token-less
/// start) and messages (send and upload), each a token bucket per client address (<see cref="ClientAddress"/>).
/// A refused call gets 429 with <c>Retry-After</c> and the usual Direct Line error body, which the page shows.
/// </summary>
internal static class DirectLineRateLimits
{
    public const string NewConversations = "directline-new-conversations";
    public const string Messages = "directline-messages";

    public static IServiceCollection AddDirectLineRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("RateLimits");

        // A page load opens one conversation; a school's or a phone network's shared address opens many, so the burst
        // is generous and the steady rate is what a flood runs into.
        var conversations = Bucket(section.GetValue("ConversationsBurst", 20), section.GetValue("ConversationsPerMinute", 10));

        // A person types a message every few seconds at most; a script posting full-length messages is slowed to this.
        var messages = Bucket(section.GetValue("MessagesBurst", 30), section.GetValue("MessagesPerMinute", 30));

        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(NewConversations, http => RateLimitPartition.GetTokenBucketLimiter(ClientAddress.Key(http), _ => conversations));
            limiter.AddPolicy(Messages, http => RateLimitPartition.GetTokenBucketLimiter(ClientAddress.Key(http), _ => messages));
            limiter.OnRejected = RejectAsync;

            // Across all clients, a bound on the calls that read a body and run a turn at once (each holds its body, up
            // to 256 KB, and the turn's working memory), and a tighter one on uploads (each spools up to 20 MB and
            // writes it to the database under its one writer). Waiting calls hold nothing but their connection.
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http => Kind(http) switch
            {
                "upload" => RateLimitPartition.GetConcurrencyLimiter("upload", _ => new ConcurrencyLimiterOptions { PermitLimit = 4, QueueLimit = 64 }),
                "message" => RateLimitPartition.GetConcurrencyLimiter("message", _ => new ConcurrencyLimiterOptions { PermitLimit = 16, QueueLimit = 256 }),
                _ => RateLimitPartition.GetNoLimiter("other"),
            });
        });
        return services;
    }

    /// <summary>"message" for a send, "upload" for an upload, else null.</summary>
    private static string? Kind(HttpContext http)
    {
        var path = http.Request.Path.Value ?? string.Empty;
        if (!HttpMethods.IsPost(http.Request.Method) || !path.StartsWith(DirectLineEndpoints.BasePath + "/conversations/", StringComparison.Ordinal))
        {
            return null;
        }

        return path.EndsWith("/activities", StringComparison.Ordinal) ? "message" : path.EndsWith("/upload", StringComparison.Ordinal) ? "upload" : null;
    }

    private static TokenBucketRateLimiterOptions Bucket(int burst, int perMinute) => new()
    {
        TokenLimit = Math.Max(1, burst),
        TokensPerPeriod = Math.Max(1, perMinute),
        ReplenishmentPeriod = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var http = rejected.HttpContext;
        // A token bucket says when it refills; the global bounds (no such metadata) free up within seconds.
        var perClient = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter);
        var seconds = perClient ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 5;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var message = (Kind(http), perClient) switch
        {
            (null, _) => $"Too many new chats from your network just now; please try again in {seconds} seconds.",
            (_, true) => $"Messages are arriving faster than the assistant reads them; please wait {seconds} seconds and send again.",
            _ => $"The assistant is busy just now; please send again in {seconds} seconds.",
        };
        await DirectLineEndpoints.Error(StatusCodes.Status429TooManyRequests, "TooManyRequests", message).ExecuteAsync(http).ConfigureAwait(false);
    }
}
