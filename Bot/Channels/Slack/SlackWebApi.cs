using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace WWPS.PolicyBot.Slack;

/// <summary>
/// What a Web API call came to: the value asked for (<c>chat.postMessage</c>: the message's <c>ts</c>;
/// <c>conversations.open</c>: the direct message channel's id; the assistant calls: none), or Slack's error code.
/// </summary>
internal sealed record SlackPostResult(string? Ts, string? Error)
{
    public bool Ok => Error is null;
}

/// <summary>
/// Calls the Web API with the bot token (folder README): <c>chat.postMessage</c>, <c>conversations.open</c>, and the
/// assistant panel's <c>assistant.threads.setSuggestedPrompts</c> and <c>assistant.threads.setStatus</c>. Slack answers
/// 200 even for errors, with <c>{"ok":false,"error":"channel_not_found"}</c>, so <c>ok</c> is read; those are logged by
/// code and returned, not thrown, since retrying cannot fix them. Rate limits (429 + <c>Retry-After</c>), server errors
/// and timeouts are retried a few times.
/// </summary>
internal sealed class SlackWebApi(IHttpClientFactory httpClients, SlackOptions options, TimeProvider time, ILogger<SlackWebApi> logger)
{
    public const string HttpClientName = "Slack.WebApi";

    public Task<SlackPostResult> PostMessageAsync(JsonObject message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return CallAsync("chat.postMessage", message, message["channel"]?.GetValue<string>() ?? "", root => SlackActivities.Str(root, "ts"), options.ApiAttempts, cancellationToken);
    }

    /// <summary>
    /// The direct message channel between the bot and <paramref name="userId"/> (<c>conversations.open</c>, scope
    /// <c>im:write</c>), opened if it was not already: how the bot reaches someone who has never written to it.
    /// </summary>
    public Task<SlackPostResult> OpenDirectMessageAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return CallAsync("conversations.open", new JsonObject { ["users"] = userId }, userId,
            root => root.TryGetProperty("channel", out var channel) ? SlackActivities.Str(channel, "id") : null, options.ApiAttempts, cancellationToken);
    }

    /// <summary>
    /// The name a person shows in Slack (<c>users.info</c>, scope <c>users:read</c>): their display name, else their
    /// real name; <c>Ts</c> holds it. One try: a name is a courtesy, never worth holding a turn up for.
    /// </summary>
    public Task<SlackPostResult> GetUserNameAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return CallAsync("users.info", new JsonObject { ["user"] = userId }, userId, root =>
        {
            if (!root.TryGetProperty("user", out var user) || user.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var profile = user.TryGetProperty("profile", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
            var name = profile.ValueKind == JsonValueKind.Object ? SlackActivities.Str(profile, "display_name") : null;
            name = string.IsNullOrWhiteSpace(name) && profile.ValueKind == JsonValueKind.Object ? SlackActivities.Str(profile, "real_name") : name;
            name = string.IsNullOrWhiteSpace(name) ? SlackActivities.Str(user, "real_name") : name;
            return string.IsNullOrWhiteSpace(name) ? null : name.Trim();
        }, attempts: 1, cancellationToken, form: true, quiet: true);
    }

    /// <summary>
    /// The prompts shown in an assistant thread before anything is typed (scope <c>assistant:write</c>); the
    /// <paramref name="title"/> heads the list. At most four, and each prompt's <c>message</c> is what clicking it posts.
    /// </summary>
    public Task<SlackPostResult> SetSuggestedPromptsAsync(string channelId, string threadTs, string title, IReadOnlyList<SlackPrompt> prompts, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(channelId);
        ArgumentException.ThrowIfNullOrEmpty(threadTs);
        ArgumentNullException.ThrowIfNull(prompts);
        var list = new JsonArray();
        foreach (var prompt in prompts)
        {
            list.Add(new JsonObject { ["title"] = prompt.Title, ["message"] = prompt.Message });
        }

        // thread_ts belongs to the assistant_view experience this app's manifest asks for (Slack's newer agent_view
        // wants it left out).
        var payload = new JsonObject { ["channel_id"] = channelId, ["thread_ts"] = threadTs, ["title"] = title, ["prompts"] = list };
        return CallAsync("assistant.threads.setSuggestedPrompts", payload, channelId, _ => null, options.ApiAttempts, cancellationToken);
    }

    /// <summary>
    /// The app's name and <paramref name="status"/> under an assistant thread while a turn works; an empty status clears it.
    /// Slack clears it itself when the bot replies in the thread, and after two minutes. Tried once: a status that
    /// arrives after its answer is worse than none, and the answer waits for this call.
    /// </summary>
    public Task<SlackPostResult> SetStatusAsync(string channelId, string threadTs, string status, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(channelId);
        ArgumentException.ThrowIfNullOrEmpty(threadTs);
        ArgumentNullException.ThrowIfNull(status);
        var payload = new JsonObject { ["channel_id"] = channelId, ["thread_ts"] = threadTs, ["status"] = status };
        return CallAsync("assistant.threads.setStatus", payload, channelId, _ => null, attempts: 1, cancellationToken);
    }

    /// <param name="target">The channel or user the call is about, for the log.</param>
    /// <param name="read">The value wanted from Slack's <c>ok:true</c> answer.</param>
    /// <param name="attempts">Tries, counting the first (<see cref="SlackOptions.ApiAttempts"/> for most calls).</param>
    /// <param name="form">
    /// Send the arguments form-encoded: Slack's read methods (<c>users.info</c>) do not take JSON bodies.
    /// </param>
    /// <param name="quiet">A refusal is expected and harmless (a name Slack will not give): not logged as an error.</param>
    private async Task<SlackPostResult> CallAsync(
        string method, JsonObject payload, string target, Func<JsonElement, string?> read, int attempts, CancellationToken cancellationToken,
        bool form = false, bool quiet = false)
    {
        var channel = target;
        var body = form
            ? string.Join('&', payload.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value?.GetValue<string>() ?? string.Empty)}"))
            : payload.ToJsonString();
        var mediaType = form ? "application/x-www-form-urlencoded" : "application/json";
        var tries = Math.Max(1, attempts);
        for (var attempt = 1; ; attempt++)
        {
            var (status, retryAfter, result) = await TryPostAsync(method, body, mediaType, read, cancellationToken).ConfigureAwait(false);
            if (result is { Ok: true })
            {
                return result;
            }

            if (result is { Error: { } code })
            {
                if (!quiet)
                {
                    SlackLog.ApiError(logger, method, channel, code);
                }

                return result;
            }

            var failure = status is { } s ? ((int)s).ToString(CultureInfo.InvariantCulture) : "no response";
            if (attempt >= tries || cancellationToken.IsCancellationRequested)
            {
                SlackLog.ApiFailed(logger, method, channel, failure, attempt);
                return new SlackPostResult(null, status == HttpStatusCode.TooManyRequests ? "ratelimited" : "unavailable");
            }

            var delay = retryAfter ?? options.ApiBackoff * Math.Pow(2, attempt - 1);
            if (delay > options.MaxRetryAfter)
            {
                SlackLog.ApiFailed(logger, method, channel, failure, attempt);
                return new SlackPostResult(null, "ratelimited");
            }

            SlackLog.ApiRetrying(logger, method, channel, failure, attempt, delay.TotalMilliseconds);
            try
            {
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return new SlackPostResult(null, "shutdown");
            }
        }
    }

    /// <returns>A result when Slack answered 200 with JSON; otherwise the status and how long it asked us to wait.</returns>
    private async Task<(HttpStatusCode? Status, TimeSpan? RetryAfter, SlackPostResult? Result)> TryPostAsync(
        string method, string body, string mediaType, Func<JsonElement, string?> read, CancellationToken cancellationToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(options.ApiTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(options.ApiBaseUrl, method))
            {
                Content = new StringContent(body, Encoding.UTF8, mediaType),
            };
            if (options.BotToken is { } token)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, attempt.Token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                // Slack sends whole seconds; without the header, wait as for any other failure.
                var wait = response.Headers.RetryAfter?.Delta ?? (response.Headers.RetryAfter?.Date is { } date ? date - time.GetUtcNow() : null);
                return (response.StatusCode, wait is { } w && w < TimeSpan.Zero ? TimeSpan.Zero : wait, null);
            }

            if (!response.IsSuccessStatusCode)
            {
                return (response.StatusCode, null, null);
            }

            using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(attempt.Token).ConfigureAwait(false), cancellationToken: attempt.Token).ConfigureAwait(false);
            var root = json.RootElement;
            var ok = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("ok", out var okValue) && okValue.ValueKind == JsonValueKind.True;
            return ok
                ? (response.StatusCode, null, new SlackPostResult(read(root), null))
                : (response.StatusCode, null, new SlackPostResult(null, ErrorCode(SlackActivities.Str(root, "error"))));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, null, null);
        }
        catch (HttpRequestException ex)
        {
            return (ex.StatusCode, null, null);
        }
        catch (JsonException)
        {
            return (HttpStatusCode.OK, null, new SlackPostResult(null, "invalid_response"));
        }
    }

    /// <summary>Slack's codes are snake_case words; anything else is not echoed into the log.</summary>
    private static string ErrorCode(string? error) =>
        error is { Length: > 0 and <= 64 } e && e.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_') ? e : "unknown_error";
}
