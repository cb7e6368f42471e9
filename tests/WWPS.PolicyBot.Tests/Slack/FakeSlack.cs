using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using WWPS.PolicyBot.Slack;
using WWPS.PolicyBot.Tests.BotFramework;

namespace WWPS.PolicyBot.Tests.Slack;

/// <summary>What the bot sent to <c>chat.postMessage</c>.</summary>
internal sealed record SlackPost(string? Authorization, JsonElement Body)
{
    public string Channel => Body.GetProperty("channel").GetString()!;

    public string? ThreadTs => Body.TryGetProperty("thread_ts", out var ts) ? ts.GetString() : null;

    public string Text => Body.GetProperty("text").GetString()!;

    public string Blocks => Body.TryGetProperty("blocks", out var blocks) ? blocks.GetRawText() : "";

    /// <summary>The buttons of the message, by their visible title.</summary>
    public IReadOnlyList<JsonElement> Buttons => Body.TryGetProperty("blocks", out var blocks)
        ? [.. blocks.EnumerateArray().Where(b => b.GetProperty("type").GetString() == "actions").SelectMany(b => b.GetProperty("elements").EnumerateArray())]
        : [];

    public JsonElement Button(string title) => Buttons.First(b => b.GetProperty("text").GetProperty("text").GetString() == title);
}

/// <summary>
/// Plays the Slack Web API under <c>/api/</c>: records each <c>chat.postMessage</c> and answers <c>ok:true</c>, or
/// what a test queued first (a 429 with <c>Retry-After</c>, <c>ok:false</c>). <c>conversations.open</c> answers with
/// the user's DM channel (<c>D</c> + the user id, or what <see cref="DirectMessageChannels"/> says) and is recorded too.
/// </summary>
internal sealed class FakeSlackApi : LoopbackServer
{
    private readonly Channel<SlackPost> _posts = Channel.CreateUnbounded<SlackPost>();
    private readonly ConcurrentQueue<Func<HttpContext, Task>> _answers = new();
    private readonly ConcurrentQueue<(string? Authorization, string Users)> _opened = new();
    private int _count;
    private TaskCompletionSource _gate = Open();

    public Uri ApiBaseUrl => new(BaseAddress, "api/");

    public static async Task<FakeSlackApi> StartAsync()
    {
        var api = new FakeSlackApi();
        await api.StartAsync(app =>
        {
            app.MapPost("/api/conversations.open", async (HttpContext context) =>
            {
                using var body = await JsonDocument.ParseAsync(context.Request.Body);
                var users = body.RootElement.TryGetProperty("users", out var u) ? u.GetString() ?? "" : "";
                api._opened.Enqueue((context.Request.Headers.Authorization.ToString(), users));
                if (users.Length == 0 || users.Contains(',', StringComparison.Ordinal))
                {
                    await context.Response.WriteAsJsonAsync(new { ok = false, error = users.Length == 0 ? "users_list_not_supplied" : "not_allowed" });
                    return;
                }

                var channel = api.DirectMessageChannels.TryGetValue(users, out var known) ? known : "D" + users;
                await context.Response.WriteAsJsonAsync(new { ok = true, channel = new { id = channel } });
            });
            MapPostMessage(app, api);
        });
        return api;
    }

    /// <summary>The DM channel <c>conversations.open</c> gives for a user id; others get <c>D</c> + their id.</summary>
    public ConcurrentDictionary<string, string> DirectMessageChannels { get; } = new();

    /// <summary>The <c>users</c> of each <c>conversations.open</c> call, in order.</summary>
    public IReadOnlyList<string> Opened => [.. _opened.Select(o => o.Users)];

    public IReadOnlyList<string?> OpenAuthorizations => [.. _opened.Select(o => o.Authorization)];

    private static void MapPostMessage(WebApplication app, FakeSlackApi api) =>
        app.MapPost("/api/chat.postMessage", async (HttpContext context) =>
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            await api._posts.Writer.WriteAsync(new SlackPost(context.Request.Headers.Authorization.ToString(), body.RootElement.Clone()));
            await api._gate.Task.WaitAsync(context.RequestAborted);
            if (api._answers.TryDequeue(out var answer))
            {
                await answer(context);
                return;
            }

            var ts = "1700000000." + Interlocked.Increment(ref api._count).ToString("D6", CultureInfo.InvariantCulture);
            await context.Response.WriteAsJsonAsync(new { ok = true, channel = body.RootElement.GetProperty("channel").GetString(), ts });
        });

    /// <summary>Posts are recorded but not answered until <see cref="Release"/>: a Slack that has gone slow.</summary>
    public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _gate.TrySetResult();

    private static TaskCompletionSource Open()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    public void AnswerNext(int status, string json, string? retryAfter = null) => _answers.Enqueue(async context =>
    {
        context.Response.StatusCode = status;
        if (retryAfter is not null)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    });

    /// <summary>The next post, or a failed test after a generous wait (turns run in the background).</summary>
    public async Task<SlackPost> NextPostAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        return await _posts.Reader.ReadAsync(timeout.Token);
    }

    public int PostsSoFar => _posts.Reader.Count;
}

/// <summary>Builds Slack's requests and signs them as Slack does, or wrongly in one chosen way.</summary>
internal static class SlackRequests
{
    public const string Secret = "8f742231b10e8888abcd99yyyzzz85a5";
    public const string BotUserId = "UBOT0001";

    public static HttpRequestMessage Signed(string path, string body, string contentType = "application/json", string secret = Secret, DateTimeOffset? at = null, string version = "v0", bool sign = true)
    {
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path.TrimStart('/'), UriKind.Relative))
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue(contentType)),
        };
        if (sign)
        {
            var hmac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"v0:{timestamp}:{body}"));
            request.Headers.Add(SlackSignature.SignatureHeader, $"{version}={Convert.ToHexStringLower(hmac)}");
            request.Headers.Add(SlackSignature.TimestampHeader, timestamp);
        }

        return request;
    }

    public static HttpRequestMessage Event(string body, int? retryNum = null)
    {
        var request = Signed(SlackChannel.EventsPath, body);
        if (retryNum is { } n)
        {
            request.Headers.Add("X-Slack-Retry-Num", n.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add("X-Slack-Retry-Reason", "http_timeout");
        }

        return request;
    }

    public static HttpRequestMessage Click(string payload) =>
        Signed(SlackChannel.InteractivePath, "payload=" + Uri.EscapeDataString(payload), "application/x-www-form-urlencoded");

    /// <summary>An Events API envelope around <paramref name="slackEvent"/>, as delivered to our installation.</summary>
    public static string Envelope(string eventId, object slackEvent) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["token"] = "legacy-verification-token",
        ["team_id"] = "T0001",
        ["api_app_id"] = "A0001",
        ["event"] = slackEvent,
        ["type"] = "event_callback",
        ["event_id"] = eventId,
        ["event_time"] = 1_700_000_000,
        ["authorizations"] = new[] { new { enterprise_id = (string?)null, team_id = "T0001", user_id = BotUserId, is_bot = true } },
    });

    public static Dictionary<string, object?> DirectMessage(string text, string ts, string channel = "D0001", string user = "U0001") => new()
    {
        ["type"] = "message",
        ["channel_type"] = "im",
        ["channel"] = channel,
        ["user"] = user,
        ["text"] = text,
        ["ts"] = ts,
    };

    public static Dictionary<string, object?> Mention(string text, string ts, string? threadTs, string channel = "C0001", string user = "U0002") => new()
    {
        ["type"] = "app_mention",
        ["channel"] = channel,
        ["user"] = user,
        ["text"] = text,
        ["ts"] = ts,
        ["thread_ts"] = threadTs,
    };

    /// <summary>A block_actions payload for a click on <paramref name="button"/> of a message the bot posted.</summary>
    public static string BlockAction(JsonElement button, SlackPost message, string user = "U0001") => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["type"] = "block_actions",
        ["user"] = new { id = user, username = "staff", team_id = "T0001" },
        ["api_app_id"] = "A0001",
        ["team"] = new { id = "T0001", domain = "wwps" },
        ["container"] = new { type = "message", message_ts = "1700000000.000001", channel_id = message.Channel, is_ephemeral = false, thread_ts = message.ThreadTs },
        ["channel"] = new { id = message.Channel, name = "directmessage" },
        ["message"] = new Dictionary<string, object?> { ["type"] = "message", ["user"] = BotUserId, ["ts"] = "1700000000.000001", ["thread_ts"] = message.ThreadTs, ["text"] = message.Text },
        ["trigger_id"] = "1.2.3",
        ["response_url"] = "https://hooks.slack.invalid/actions/1",
        ["actions"] = new[]
        {
            new
            {
                type = "button",
                action_id = button.GetProperty("action_id").GetString(),
                block_id = "b1",
                text = new { type = "plain_text", text = button.GetProperty("text").GetProperty("text").GetString() },
                value = button.GetProperty("value").GetString(),
                action_ts = "1700000100.000" + Random.Shared.Next(100, 999).ToString(CultureInfo.InvariantCulture),
            },
        },
    });
}
