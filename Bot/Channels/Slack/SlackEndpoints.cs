using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using WWPS.PolicyBot.Plumbing;

namespace WWPS.PolicyBot.Slack;

/// <summary>
/// <c>POST /api/slack/events</c> and <c>POST /api/slack/interactive</c> (folder README): check Slack's signature
/// over the raw body, answer the URL challenge, and queue each new event or button click for <see cref="SlackInbox"/>,
/// answering at once. Nothing here waits for the bot: Slack retries anything not acknowledged within 3 seconds.
/// </summary>
internal sealed class SlackEndpoints(SlackOptions options, SlackInbox inbox, ActivityDeduplicator deduplicator, TimeProvider time, ILogger<SlackEndpoints> logger)
{
    private const string RetryNumHeader = "X-Slack-Retry-Num";

    public async Task HandleEventsAsync(HttpContext context)
    {
        if (await ReadSignedBodyAsync(context).ConfigureAwait(false) is not { } body)
        {
            return;
        }

        JsonElement envelope;
        try
        {
            using var document = JsonDocument.Parse(body);
            envelope = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, "malformed JSON").ConfigureAwait(false);
            return;
        }

        switch (SlackActivities.Str(envelope, "type"))
        {
            case "url_verification":
                context.Response.StatusCode = StatusCodes.Status200OK;
                await context.Response.WriteAsJsonAsync(new Dictionary<string, string?> { ["challenge"] = SlackActivities.Str(envelope, "challenge") }, context.RequestAborted).ConfigureAwait(false);
                return;
            case "event_callback":
                await AcceptAsync(context, SlackActivities.FromEventCallback(envelope, options.ApiBaseUrl), context.Request.Headers[RetryNumHeader].ToString()).ConfigureAwait(false);
                return;
            default:
                // app_rate_limited and whatever Slack adds later: acknowledged, nothing to do.
                context.Response.StatusCode = StatusCodes.Status200OK;
                return;
        }
    }

    public async Task HandleInteractiveAsync(HttpContext context)
    {
        if (await ReadSignedBodyAsync(context).ConfigureAwait(false) is not { } body)
        {
            return;
        }

        var form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body));
        JsonElement payload;
        try
        {
            using var document = JsonDocument.Parse(form.TryGetValue("payload", out var raw) ? raw.ToString() : "");
            payload = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, "missing or malformed payload").ConfigureAwait(false);
            return;
        }

        // A click has no event id, and Slack never delivers one twice; but a captured request can be sent again while
        // its signature is fresh (5 minutes), and each copy would act. The signature is over the timestamp and the
        // exact body, so a copy carries the same one and nobody without the secret can make another: it is the key.
        var inbound = SlackActivities.FromBlockActions(payload, options.ApiBaseUrl);
        var team = SlackActivities.Obj(payload, "team") is { } t ? SlackActivities.Str(t, "id") : null;

        // Kept (and logged) as a short hash: an id for the click, not the signature itself.
        var signature = Encoding.UTF8.GetBytes(context.Request.Headers[SlackSignature.SignatureHeader].ToString());
        var clickId = "click-" + Convert.ToHexStringLower(SHA256.HashData(signature).AsSpan(0, 12));
        await AcceptAsync(context, inbound with { EventId = clickId, TeamId = team }, retryNum: "").ConfigureAwait(false);
    }

    private async Task AcceptAsync(HttpContext context, SlackInbound inbound, string retryNum)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        if (inbound.Activity is not { } activity)
        {
            SlackLog.Ignored(logger, inbound.EventId, inbound.Ignored ?? "unknown");
            return;
        }

        // Slack's event id is unique per workspace; a retry or a duplicate delivery carries the same one.
        var eventId = inbound.EventId;
        var team = inbound.TeamId ?? "";
        if (eventId is not null && !await deduplicator.TryAcceptAsync(SlackActivities.ChannelId, team, eventId, context.RequestAborted).ConfigureAwait(false))
        {
            if (retryNum.Length > 0)
            {
                SlackLog.Retried(logger, eventId, retryNum);
            }
            else
            {
                SlackLog.Duplicate(logger, eventId);
            }

            return;
        }

        if (!inbox.TryEnqueue(activity))
        {
            SlackLog.QueueFull(logger, eventId, activity.Conversation?.Id);
            if (eventId is not null)
            {
                await deduplicator.ForgetAsync(SlackActivities.ChannelId, team, eventId, context.RequestAborted).ConfigureAwait(false);
            }

            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        }
    }

    /// <returns>The raw body when Slack signed it; otherwise null, with the refusal already written.</returns>
    private async Task<byte[]?> ReadSignedBodyAsync(HttpContext context)
    {
        var request = context.Request;
        var signature = request.Headers[SlackSignature.SignatureHeader].ToString();
        var timestamp = request.Headers[SlackSignature.TimestampHeader].ToString();

        // Headers first: an unsigned caller should not get us to buffer anything.
        if (signature.Length == 0 || timestamp.Length == 0)
        {
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, "missing signature headers").ConfigureAwait(false);
            return null;
        }

        var body = await RequestBody.ReadAsync(request, options.MaxRequestBytes, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            await RefuseAsync(context, StatusCodes.Status413PayloadTooLarge, "request too large").ConfigureAwait(false);
            return null;
        }

        if (SlackSignature.Check(signature, timestamp, body, options.SigningSecret!, time.GetUtcNow(), options.SignatureWindow) is { } reason)
        {
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, reason).ConfigureAwait(false);
            return null;
        }

        return body;
    }

    private async Task RefuseAsync(HttpContext context, int status, string reason)
    {
        SlackLog.Refused(logger, context.Request.Path, reason);
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["error"] = reason }, context.RequestAborted).ConfigureAwait(false);
    }
}
