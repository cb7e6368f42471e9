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

/// <summary>What the bot sent to <c>chat.postMessage</c>; <paramref name="Seq"/> orders it among all the calls the fake took.</summary>
internal sealed record SlackPost(string? Authorization, JsonElement Body, long Seq = 0)
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

    /// <summary>The <c>feedback_buttons</c> of the message's <c>context_actions</c> blocks.</summary>
    public IReadOnlyList<JsonElement> FeedbackButtons => Body.TryGetProperty("blocks", out var blocks)
        ? [.. blocks.EnumerateArray().Where(b => b.GetProperty("type").GetString() == "context_actions")
            .SelectMany(b => b.GetProperty("elements").EnumerateArray()).Where(e => e.GetProperty("type").GetString() == "feedback_buttons")]
        : [];
}

/// <summary>What the bot sent to an <c>assistant.threads.*</c> method, in the order the fake took it among all calls.</summary>
internal sealed record SlackAssistantCall(string Method, string? Authorization, JsonElement Body, long Seq)
{
    public string ChannelId => Body.GetProperty("channel_id").GetString()!;

    public string? ThreadTs => Body.TryGetProperty("thread_ts", out var ts) ? ts.GetString() : null;

    public string? Status => Body.TryGetProperty("status", out var status) ? status.GetString() : null;

    public string? Title => Body.TryGetProperty("title", out var title) ? title.GetString() : null;

    /// <summary>The suggested prompts, as (title, message).</summary>
    public IReadOnlyList<(string Title, string Message)> Prompts => Body.TryGetProperty("prompts", out var prompts)
        ? [.. prompts.EnumerateArray().Select(p => (p.GetProperty("title").GetString()!, p.GetProperty("message").GetString()!))]
        : [];
}

/// <summary>
/// Plays the Slack Web API under <c>/api/</c>: records each <c>chat.postMessage</c> and answers <c>ok:true</c>, or
/// what a test queued first (a 429 with <c>Retry-After</c>, <c>ok:false</c>). <c>conversations.open</c> answers with
/// the user's DM channel (<c>D</c> + the user id, or what <see cref="DirectMessageChannels"/> says) and is recorded too.
/// The assistant panel's <c>assistant.threads.setSuggestedPrompts</c> and <c>assistant.threads.setStatus</c> are
/// recorded and answered <c>ok:true</c>, or what a test queued for them.
/// </summary>
internal sealed class FakeSlackApi : LoopbackServer
{
    private static readonly string[] AssistantMethods = ["assistant.threads.setSuggestedPrompts", "assistant.threads.setStatus"];

    private readonly Channel<SlackPost> _posts = Channel.CreateUnbounded<SlackPost>();
    private readonly Channel<SlackAssistantCall> _assistantCalls = Channel.CreateUnbounded<SlackAssistantCall>();
    private readonly ConcurrentQueue<Func<HttpContext, Task>> _answers = new();
    private readonly ConcurrentQueue<Func<HttpContext, Task>> _assistantAnswers = new();
    private readonly ConcurrentQueue<(string? Authorization, string Users)> _opened = new();
    private int _count;
    private long _seq;
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
            app.MapPost("/api/users.info", async (HttpContext context) =>
            {
                // Slack's read methods take form-encoded arguments, not JSON.
                var form = await context.Request.ReadFormAsync();
                var user = form["user"].ToString();
                await context.Response.WriteAsJsonAsync(api.UserNames.TryGetValue(user, out var name)
                    ? new { ok = true, user = (object)new { id = user, profile = new { display_name = name, real_name = name + " (real)" } }, error = (string?)null }
                    : new { ok = false, user = (object)new { }, error = (string?)"user_not_found" });
            });
            foreach (var method in AssistantMethods)
            {
                app.MapPost("/api/" + method, async (HttpContext context) =>
                {
                    using var body = await JsonDocument.ParseAsync(context.Request.Body);
                    var call = new SlackAssistantCall(method, context.Request.Headers.Authorization.ToString(), body.RootElement.Clone(), Interlocked.Increment(ref api._seq));
                    await api._assistantCalls.Writer.WriteAsync(call);
                    await api._gate.Task.WaitAsync(context.RequestAborted);
                    if (api._assistantAnswers.TryDequeue(out var answer))
                    {
                        await answer(context);
                        return;
                    }

                    await context.Response.WriteAsJsonAsync(new { ok = true });
                });
            }
        });
        return api;
    }

    /// <summary>The DM channel <c>conversations.open</c> gives for a user id; others get <c>D</c> + their id.</summary>
    public ConcurrentDictionary<string, string> DirectMessageChannels { get; } = new();

    /// <summary>What <c>users.info</c> answers as each user's display name; anyone else is <c>user_not_found</c>.</summary>
    public ConcurrentDictionary<string, string> UserNames { get; } = new();

    /// <summary>The <c>users</c> of each <c>conversations.open</c> call, in order.</summary>
    public IReadOnlyList<string> Opened => [.. _opened.Select(o => o.Users)];

    public IReadOnlyList<string?> OpenAuthorizations => [.. _opened.Select(o => o.Authorization)];

    private static void MapPostMessage(WebApplication app, FakeSlackApi api) =>
        app.MapPost("/api/chat.postMessage", async (HttpContext context) =>
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            await api._posts.Writer.WriteAsync(new SlackPost(context.Request.Headers.Authorization.ToString(), body.RootElement.Clone(), Interlocked.Increment(ref api._seq)));
            await api._gate.Task.WaitAsync(context.RequestAborted);
            if (api._answers.TryDequeue(out var answer))
            {
                await answer(context);
                return;
            }

            var ts = "1700000000." + Interlocked.Increment(ref api._count).ToString("D6", CultureInfo.InvariantCulture);
            await context.Response.WriteAsJsonAsync(new { ok = true, channel = body.RootElement.GetProperty("channel").GetString(), ts });
        });

    /// <summary>Calls are recorded but not answered until <see cref="Release"/>: a Slack that has gone slow.</summary>
    public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _gate.TrySetResult();

    private static TaskCompletionSource Open()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    /// <summary>How the next <c>chat.postMessage</c> is answered.</summary>
    public void AnswerNext(int status, string json, string? retryAfter = null) => _answers.Enqueue(Answer(status, json, retryAfter));

    /// <summary>How the next <c>assistant.threads.*</c> call is answered.</summary>
    public void AnswerNextAssistantCall(int status, string json, string? retryAfter = null) => _assistantAnswers.Enqueue(Answer(status, json, retryAfter));

    private static Func<HttpContext, Task> Answer(int status, string json, string? retryAfter) => async context =>
    {
        context.Response.StatusCode = status;
        if (retryAfter is not null)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    };

    /// <summary>The next <c>assistant.threads.*</c> call, or a failed test after a generous wait.</summary>
    public async Task<SlackAssistantCall> NextAssistantCallAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        return await _assistantCalls.Reader.ReadAsync(timeout.Token);
    }

    public int AssistantCallsSoFar => _assistantCalls.Reader.Count;

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

    /// <summary>Someone opened the assistant panel: Slack's <c>assistant_thread_started</c> (or <c>_context_changed</c>).</summary>
    public static Dictionary<string, object?> AssistantThread(string channel, string threadTs, string user = "U0001", string contextChannel = "C0042", string type = "assistant_thread_started") => new()
    {
        ["type"] = type,
        ["assistant_thread"] = new Dictionary<string, object?>
        {
            ["user_id"] = user,
            ["context"] = new { channel_id = contextChannel, team_id = "T0001", enterprise_id = (string?)null },
            ["channel_id"] = channel,
            ["thread_ts"] = threadTs,
        },
        ["event_ts"] = "1700000000.900000",
    };

    /// <summary>A message typed in an assistant thread: a direct message with the thread's <c>thread_ts</c>.</summary>
    public static Dictionary<string, object?> InAssistantThread(string text, string ts, string threadTs, string channel = "D0001", string user = "U0001")
    {
        var message = DirectMessage(text, ts, channel, user);
        message["thread_ts"] = threadTs;
        return message;
    }

    /// <summary>A block_actions payload for a click on <paramref name="button"/> of a message the bot posted.</summary>
    public static string BlockAction(JsonElement button, SlackPost message, string user = "U0001") => Interaction(new
    {
        type = "button",
        action_id = button.GetProperty("action_id").GetString(),
        block_id = "b1",
        text = new { type = "plain_text", text = button.GetProperty("text").GetProperty("text").GetString() },
        value = button.GetProperty("value").GetString(),
        action_ts = ActionTs(),
    }, message, user);

    /// <summary>
    /// A click on the thumbs of a <c>feedback_buttons</c> element: Slack sends the element's action id and the value
    /// of the one button clicked.
    /// </summary>
    public static string FeedbackClick(JsonElement feedbackButtons, bool positive, SlackPost message, string user = "U0001")
    {
        var button = feedbackButtons.GetProperty(positive ? "positive_button" : "negative_button");
        return Interaction(new
        {
            type = "feedback_buttons",
            action_id = feedbackButtons.GetProperty("action_id").GetString(),
            block_id = "b2",
            text = new { type = "plain_text", text = button.GetProperty("text").GetProperty("text").GetString() },
            value = button.GetProperty("value").GetString(),
            action_ts = ActionTs(),
        }, message, user);
    }

    private static string Interaction(object action, SlackPost message, string user) => JsonSerializer.Serialize(new Dictionary<string, object?>
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
        ["actions"] = new[] { action },
    });

    private static string ActionTs() => "1700000100.000" + Random.Shared.Next(100, 999).ToString(CultureInfo.InvariantCulture);
}
