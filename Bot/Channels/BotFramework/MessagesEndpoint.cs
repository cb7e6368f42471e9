using System.Text.Json;
using WWPS.PolicyBot.Plumbing;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.BotFramework;

/// <summary>
/// <c>POST /api/messages</c> (folder README): read and check the activity, authenticate the channel, run the turn
/// once per activity id and one at a time per conversation, then answer with what the turn owes the HTTP response
/// (nothing, the invoke response, or the expected replies). Replies to the connector go out in the background.
/// </summary>
internal sealed class MessagesEndpoint(
    BotFrameworkOptions options,
    ChannelAuthenticator authenticator,
    ConnectorAdapter adapter,
    IBot bot,
    ActivityDeduplicator deduplicator,
    ConversationTurnLock turns,
    IHostApplicationLifetime lifetime,
    ILogger<MessagesEndpoint> logger)
{
    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var aborted = context.RequestAborted;

        // Checked before the body is read: an unauthenticated caller should not get us to buffer anything.
        var authorization = request.Headers.Authorization.ToString();
        if (options.IsAuthenticationEnabled)
        {
            if (string.IsNullOrEmpty(authorization))
            {
                await RefuseAsync(context, StatusCodes.Status401Unauthorized, "missing bearer token").ConfigureAwait(false);
                return;
            }
        }
        else if (!IsLocal(context))
        {
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, "authentication not configured; local requests only").ConfigureAwait(false);
            return;
        }

        var body = await RequestBody.ReadAsync(request, options.MaxRequestBytes, aborted).ConfigureAwait(false);
        if (body is null)
        {
            await RefuseAsync(context, StatusCodes.Status413PayloadTooLarge, "activity too large").ConfigureAwait(false);
            return;
        }

        Activity? activity;
        try
        {
            activity = JsonSerializer.Deserialize(body, ProtocolJsonContext.Default.Activity);
        }
        catch (JsonException)
        {
            activity = null;
        }

        var invalid = activity is null ? "malformed JSON" : Invalid(activity);
        if (activity is null || invalid is not null)
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, invalid ?? "malformed JSON").ConfigureAwait(false);
            return;
        }

        if (options.IsAuthenticationEnabled)
        {
            var auth = await authenticator.AuthenticateAsync(authorization, activity, aborted).ConfigureAwait(false);
            if (!auth.Succeeded)
            {
                BotFrameworkLog.Unauthorized(logger, auth.Reason, activity.ChannelId, activity.Conversation!.Id);
                await RefuseAsync(context, StatusCodes.Status401Unauthorized, auth.Reason!).ConfigureAwait(false);
                return;
            }
        }

        var conversationId = activity.Conversation!.Id!;
        if (!string.IsNullOrEmpty(activity.Id) && !await deduplicator.TryAcceptAsync(activity.ChannelId, conversationId, activity.Id, aborted).ConfigureAwait(false))
        {
            BotFrameworkLog.Redelivered(logger, activity.ChannelId, conversationId, activity.Id);
            if (activity.DeliveryMode == DeliveryModes.ExpectReplies)
            {
                await WriteRepliesAsync(response, [], aborted).ConfigureAwait(false);
            }

            return;
        }

        TurnOutcome outcome;
        await using (await turns.AcquireAsync(activity.ChannelId, conversationId, aborted).ConfigureAwait(false))
        {
            // The turn is not cancelled when the channel hangs up: state must be saved whole, and the replies still
            // go out through the connector. Only shutdown stops it.
            outcome = await adapter.ProcessActivityAsync(activity, bot.OnTurnAsync, lifetime.ApplicationStopping).ConfigureAwait(false);
        }

        if (activity.IsType(ActivityTypes.Invoke))
        {
            await WriteInvokeResponseAsync(response, outcome.InvokeResponse, aborted).ConfigureAwait(false);
        }
        else if (outcome.ExpectedReplies is { } replies)
        {
            await WriteRepliesAsync(response, replies, aborted).ConfigureAwait(false);
        }
        else
        {
            response.StatusCode = StatusCodes.Status200OK;
        }
    }

    /// <summary>What the adapter cannot work without; anything else unknown is kept and ignored by the routes.</summary>
    private static string? Invalid(Activity activity)
    {
        if (string.IsNullOrWhiteSpace(activity.Type))
        {
            return "missing type";
        }

        if (string.IsNullOrWhiteSpace(activity.Conversation?.Id))
        {
            return "missing conversation";
        }

        if (string.IsNullOrWhiteSpace(activity.ServiceUrl)
            || !Uri.TryCreate(activity.ServiceUrl, UriKind.Absolute, out var serviceUrl)
            || (serviceUrl.Scheme != Uri.UriSchemeHttps && serviceUrl.Scheme != Uri.UriSchemeHttp))
        {
            return "missing serviceUrl";
        }

        return null;
    }

    /// <summary>
    /// Local mode trusts the machine, not the network. Decided by the connection's own address as it arrived, before
    /// any forwarded header was applied: a header is only what a caller wrote. A request relayed by a proxy on this
    /// machine arrives from loopback too, so one that says it was forwarded is refused.
    /// </summary>
    private static bool IsLocal(HttpContext context) => ConnectionOrigin.Of(context).IsThisMachine;

    private static async Task WriteRepliesAsync(HttpResponse response, IReadOnlyList<Activity> replies, CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(response.BodyWriter);
        writer.WriteStartObject();
        writer.WritePropertyName("activities");
        writer.WriteStartArray();
        foreach (var reply in replies)
        {
            JsonSerializer.Serialize(writer, ConnectorAdapter.Render(reply), ProtocolJsonContext.Default.Activity);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteInvokeResponseAsync(HttpResponse response, InvokeResponse? invokeResponse, CancellationToken cancellationToken)
    {
        if (invokeResponse is null)
        {
            // The SDK's answer when no route produced one: the channel shows the user that the action did nothing.
            response.StatusCode = StatusCodes.Status501NotImplemented;
            return;
        }

        response.StatusCode = invokeResponse.Status;
        if (invokeResponse.Body is { } invokeBody)
        {
            response.ContentType = "application/json; charset=utf-8";
            await using var writer = new Utf8JsonWriter(response.BodyWriter);
            invokeBody.WriteTo(writer);
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task RefuseAsync(HttpContext context, int status, string reason)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        writer.WriteStartObject();
        writer.WriteString("error", reason);
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
