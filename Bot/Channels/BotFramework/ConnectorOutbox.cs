using System.Net;
using System.Net.Http.Headers;
using System.Text;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.BotFramework;

/// <summary>
/// Delivers replies to the Bot Connector in the background, in order per conversation, each with a short timeout
/// and a bounded retry. The turn (and so the channel's HTTP request) never waits for the connector: Teams gives up
/// on a bot after about 15 s, and a slow or dead <c>serviceUrl</c> must not turn into a hung request or a redelivery.
/// </summary>
internal sealed class ConnectorOutbox : IDisposable
{
    public const string HttpClientName = "BotFramework.Connector";

    // Enough for every conversation of a preschool's staff at once, many times over; past this the connector is
    // clearly not keeping up and queueing more would only grow memory.
    private const int MaxPending = 2_000;

    // And at most this many bytes of replies (a draft check's reply carries the redacted draft, up to 20,000
    // characters): the count alone would allow hundreds of megabytes.
    private const long MaxPendingBytes = 16L * 1024 * 1024;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Task> _tails = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly IHttpClientFactory _httpClients;
    private readonly IConnectorTokenProvider _tokens;
    private readonly BotFrameworkOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ConnectorOutbox> _logger;
    private int _pending;
    private long _pendingBytes;

    public ConnectorOutbox(IHttpClientFactory httpClients, IConnectorTokenProvider tokens, BotFrameworkOptions options, TimeProvider time, ILogger<ConnectorOutbox> logger)
    {
        _httpClients = httpClients;
        _tokens = tokens;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>Queues <paramref name="activity"/> behind earlier sends to the same conversation. Never blocks.</summary>
    public bool Enqueue(Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var conversationId = activity.Conversation?.Id ?? "";

        // Serialised now, once: what waits is the body to send, and its size is what is counted.
        var body = ProtocolJson.Serialize(activity);
        var bytes = body.Length * 2L;
        if (Interlocked.Increment(ref _pending) > MaxPending || Interlocked.Add(ref _pendingBytes, bytes) > MaxPendingBytes)
        {
            Interlocked.Decrement(ref _pending);
            Interlocked.Add(ref _pendingBytes, -bytes);
            BotFrameworkLog.ReplyDropped(_logger, activity.Type, conversationId, activity.ReplyToId);
            return false;
        }

        var key = activity.ServiceUrl + "|" + conversationId;
        lock (_gate)
        {
            var previous = _tails.GetValueOrDefault(key) ?? Task.CompletedTask;
            var send = SendAfterAsync(previous, activity, body);
            _tails[key] = send;

            // The tail is dropped once nothing follows it, so idle conversations cost nothing.
            _ = send.ContinueWith(
                done =>
                {
                    Interlocked.Decrement(ref _pending);
                    Interlocked.Add(ref _pendingBytes, -bytes);
                    lock (_gate)
                    {
                        if (_tails.TryGetValue(key, out var tail) && tail == done)
                        {
                            _tails.Remove(key);
                        }
                    }
                },
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return true;
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private async Task SendAfterAsync(Task previous, Activity activity, string body)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await SendWithRetryAsync(activity, body, _stopping.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task SendWithRetryAsync(Activity activity, string body, CancellationToken cancellationToken)
    {
        var conversationId = activity.Conversation?.Id ?? "";
        var uri = ReplyUri(activity);
        for (var attempt = 1; ; attempt++)
        {
            var (status, failure) = await TrySendAsync(uri, body, cancellationToken).ConfigureAwait(false);
            if (failure is null)
            {
                return;
            }

            var retryable = status is null or HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout or >= HttpStatusCode.InternalServerError;
            if (!retryable || attempt >= _options.ConnectorAttempts || cancellationToken.IsCancellationRequested)
            {
                BotFrameworkLog.ReplyFailed(_logger, activity.Type, conversationId, activity.ReplyToId, StatusText(status), failure, attempt);
                return;
            }

            BotFrameworkLog.ReplyRetrying(_logger, activity.Type, conversationId, StatusText(status), failure, attempt);

            // 0.5 s, 1 s, …: long enough for a connector restart, short enough that the user still sees the answer.
            var delay = _options.ConnectorBackoff * Math.Pow(2, attempt - 1);
            try
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                BotFrameworkLog.ReplyFailed(_logger, activity.Type, conversationId, activity.ReplyToId, StatusText(status), "shutdown", attempt);
                return;
            }
        }
    }

    private async Task<(HttpStatusCode? Status, string? Failure)> TrySendAsync(Uri uri, string body, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(_options.ConnectorTimeout, _time);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            var token = await _tokens.GetTokenAsync(attempt.Token).ConfigureAwait(false);
            using var request = new HttpRequestMessage(HttpMethod.Post, uri)
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            using var response = await _httpClients.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? (response.StatusCode, null) : (response.StatusCode, "status");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, "timeout");
        }
        catch (OperationCanceledException)
        {
            return (null, "shutdown");
        }
        catch (HttpRequestException ex)
        {
            return (ex.StatusCode, ex.HttpRequestError.ToString());
        }
        catch (Exception ex) when (ex is Microsoft.Identity.Client.MsalException or InvalidOperationException)
        {
            // MSAL's own failures (bad secret, tenant not found); the type names the problem without the secret.
            return (null, ex.GetType().Name);
        }
    }

    private static string StatusText(HttpStatusCode? status) =>
        status is { } code ? ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture) : "none";

    /// <summary>Reply-to when the activity answers one, else a new message in the conversation (Bot Connector).</summary>
    private static Uri ReplyUri(Activity activity)
    {
        // Agents Playground's serviceUrl has no trailing slash; without one, "v3/…" would replace its last segment.
        var baseUri = new Uri(activity.ServiceUrl!.EndsWith('/') ? activity.ServiceUrl : activity.ServiceUrl + "/");

        // Teams conversation ids contain ':', ';' and '@'.
        var path = $"v3/conversations/{Uri.EscapeDataString(activity.Conversation?.Id ?? "")}/activities";
        if (!string.IsNullOrEmpty(activity.ReplyToId))
        {
            path += "/" + Uri.EscapeDataString(activity.ReplyToId);
        }

        return new Uri(baseUri, path);
    }
}
