using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WWPS.PolicyBot.Plumbing;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.DirectLine;

/// <summary>
/// The Direct Line 3.0 subset that Web Chat and directlinejs call (folder README): token generate and
/// refresh, start, reconnect, send, and poll by watermark. The bot issues its own opaque tokens, each bound to one
/// conversation; conversations, tokens and activities are kept in the bot's database.
/// </summary>
internal static partial class DirectLineEndpoints
{
    /// <summary>The client's <c>domain</c>: directlinejs appends <c>/conversations…</c> to it directly.</summary>
    public const string BasePath = "/v3/directline";

    private static DirectLineJsonContext Json => DirectLineJsonContext.Default;

    public static IServiceCollection AddDirectLine(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(DirectLineOptions.From(configuration));
        services.AddDirectLineRateLimits(configuration);
        services.AddChannelPlumbing();
        services.AddSingleton<DirectLineConversations>();
        services.AddHostedService<DirectLineExpiry>();
        services.TryAddSingleton<IDirectLineIdentityPolicy, NoReservedDirectLineIds>();
        services.AddSingleton(sp =>
        {
            var adapter = ActivatorUtilities.CreateInstance<DirectLineAdapter>(sp);
            adapter.Use(new LongMessageGuard());
            return adapter;
        });
        return services;
    }

    public static IEndpointRouteBuilder MapDirectLine(this WebApplication endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        // After routing (which the web application puts first), so each endpoint's own policy applies.
        endpoints.UseRateLimiter();
        var group = endpoints.MapGroup(BasePath);
        group.MapPost("/tokens/generate", GenerateTokenAsync).RequireRateLimiting(DirectLineRateLimits.NewConversations);
        group.MapPost("/tokens/refresh", RefreshTokenAsync);
        group.MapPost("/conversations", StartConversationAsync).RequireRateLimiting(DirectLineRateLimits.NewConversations);
        group.MapGet("/conversations/{conversationId}", ReconnectAsync);
        group.MapGet("/conversations/{conversationId}/activities", GetActivitiesAsync);
        group.MapGet("/conversations/{conversationId}/stream", DirectLineStream.StreamAsync);
        group.MapPost("/conversations/{conversationId}/activities", PostActivityAsync).RequireRateLimiting(DirectLineRateLimits.Messages);
        group.MapPost("/conversations/{conversationId}/upload", DirectLineUploads.UploadAsync).RequireRateLimiting(DirectLineRateLimits.Messages);
        group.MapGet("/conversations/{conversationId}/attachments/{attachmentId}", DirectLineUploads.GetAttachmentAsync);
        return endpoints;
    }

    /// <summary>
    /// Creates a conversation and a token for it without starting it, so a page can fetch a token and hand it to
    /// Web Chat, whose own start call then starts the conversation (as with the hosted service).
    /// </summary>
    private static async Task<IResult> GenerateTokenAsync(
        HttpContext http, DirectLineConversations conversations, IDirectLineIdentityPolicy identities, ILogger<DirectLineAdapter> logger)
    {
        var (conversation, issued, error) = await CreateRequestedAsync(http, conversations, identities, logger).ConfigureAwait(false);
        return error ?? Results.Json(new ConversationResponse(conversation!.Id, issued!.Token, Seconds(issued.ExpiresIn)), Json.ConversationResponse);
    }

    /// <summary>
    /// A new conversation for the user and locale the request names (a reserved user id is refused), with its first
    /// token; or the response that says why there is none.
    /// </summary>
    private static async Task<(DirectLineConversation? Conversation, IssuedToken? Issued, IResult? Error)> CreateRequestedAsync(
        HttpContext http, DirectLineConversations conversations, IDirectLineIdentityPolicy identities, ILogger logger)
    {
        var body = await ReadJsonAsync(http, Json.StartParameters, conversations.Options.MaxRequestBytes, allowEmpty: true).ConfigureAwait(false);
        if (body.Error is not null)
        {
            return (null, null, body.Error);
        }

        var user = UserFrom(body.Value?.User);
        if (identities.IsReserved(user.Id!))
        {
            return (null, null, Reserved());
        }

        var conversation = await conversations.CreateAsync(user, LocaleFrom(body.Value?.Locale), http.RequestAborted).ConfigureAwait(false);
        if (conversation is null)
        {
            DirectLineLog.ConversationRefused(logger, conversations.Options.MaxConversations);
            return (null, null, TooBusy());
        }

        return (conversation, await conversations.IssueTokenAsync(conversation, http.RequestAborted).ConfigureAwait(false), null);
    }

    private static async Task<IResult> RefreshTokenAsync(HttpContext http, DirectLineConversations conversations)
    {
        var access = await conversations.FindByTokenAsync(BearerToken(http.Request), http.RequestAborted).ConfigureAwait(false);
        if (access.Conversation is not { } conversation)
        {
            return Denied(access.Status);
        }

        var issued = await conversations.IssueTokenAsync(conversation, http.RequestAborted).ConfigureAwait(false);
        return Results.Json(new ConversationResponse(conversation.Id, issued.Token, Seconds(issued.ExpiresIn)), Json.ConversationResponse);
    }

    /// <summary>
    /// With a token from <c>/tokens/generate</c>: starts that conversation. Without one: creates a conversation and
    /// its token (the page is public, so there is no secret to require). Either way the bot hears a
    /// <c>conversationUpdate</c> once, before the answer, so the greeting is there on the first poll.
    /// </summary>
    private static async Task<IResult> StartConversationAsync(
        HttpContext http, DirectLineConversations conversations, IDirectLineIdentityPolicy identities, DirectLineAdapter adapter, IBot bot,
        TimeProvider time, IHostApplicationLifetime lifetime, ILogger<DirectLineAdapter> logger)
    {
        DirectLineConversation conversation;
        string token;
        TimeSpan expiresIn;
        var presented = BearerToken(http.Request);
        if (presented is not null)
        {
            var access = await conversations.FindByTokenAsync(presented, http.RequestAborted).ConfigureAwait(false);
            if (access.Conversation is null)
            {
                return Denied(access.Status);
            }

            (conversation, token, expiresIn) = (access.Conversation, presented, access.ExpiresIn);
        }
        else
        {
            var (created, issued, error) = await CreateRequestedAsync(http, conversations, identities, logger).ConfigureAwait(false);
            if (error is not null)
            {
                return error;
            }

            (conversation, token, expiresIn) = (created!, issued!.Token, issued.ExpiresIn);
        }

        var started = await conversations.TryMarkStartedAsync(conversation, lifetime.ApplicationStopping).ConfigureAwait(false);
        if (started)
        {
            DirectLineLog.ConversationStarted(logger, conversation.Id);
            var options = conversations.Options;
            var botAccount = new ChannelAccount { Id = options.BotId, Name = options.BotName };
            var update = new Activity
            {
                Type = ActivityTypes.ConversationUpdate,
                Id = Guid.NewGuid().ToString("N"),
                Timestamp = time.GetUtcNow(),
                ChannelId = Channels.DirectLine,
                ServiceUrl = ServiceUrl(http.Request),
                From = conversation.User,
                Recipient = botAccount,
                Conversation = new ConversationAccount { Id = conversation.Id },
                Locale = conversation.Locale,
                MembersAdded = [botAccount, conversation.User],
            };

            // Not added to the conversation's activities: the hosted service never shows clients conversationUpdate.
            await using (await conversations.LockTurnAsync(conversation, lifetime.ApplicationStopping).ConfigureAwait(false))
            {
                await RunTurnAsync(conversation, update, adapter, bot, logger, lifetime.ApplicationStopping).ConfigureAwait(false);
            }
        }

        return Results.Json(
            new ConversationResponse(conversation.Id, token, Seconds(expiresIn), DirectLineStream.UrlFor(http.Request, conversation.Id, token, watermark: null)),
            Json.ConversationResponse,
            statusCode: started ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    /// <summary>
    /// What directlinejs calls to resume a conversation it has an id for (a reloaded page, a client after the bot
    /// restarted); the token stays the same, and the activities are read from the store from the watermark on.
    /// </summary>
    private static async Task<IResult> ReconnectAsync(HttpContext http, string conversationId, string? watermark, DirectLineConversations conversations)
    {
        var token = BearerToken(http.Request);
        var access = await conversations.CheckAsync(conversationId, token, http.RequestAborted).ConfigureAwait(false);
        return access.Conversation is null
            ? Denied(access.Status)
            : Results.Json(
                new ConversationResponse(conversationId, token!, Seconds(access.ExpiresIn), DirectLineStream.UrlFor(http.Request, conversationId, token!, ParseWatermark(watermark))),
                Json.ConversationResponse);
    }

    private static async Task<IResult> GetActivitiesAsync(HttpContext http, string conversationId, string? watermark, DirectLineConversations conversations)
    {
        var access = await conversations.CheckAsync(conversationId, BearerToken(http.Request), http.RequestAborted).ConfigureAwait(false);
        if (access.Conversation is not { } conversation)
        {
            return Denied(access.Status);
        }

        // The watermark is only ever one we issued (a count); anything else is a client bug worth a clear 400.
        long after = 0;
        if (!string.IsNullOrEmpty(watermark) && (!long.TryParse(watermark, NumberStyles.None, CultureInfo.InvariantCulture, out after)))
        {
            return BadRequest("The watermark must be one this endpoint returned.");
        }

        return Results.Bytes(await conversations.ReadAfterAsync(conversation, after, http.RequestAborted).ConfigureAwait(false), "application/json");
    }

    /// <summary>
    /// Echoes the user's activity into the conversation (server id, timestamp, and <c>channelData.clientActivityID</c>
    /// untouched: Web Chat marks a message sent only when it sees that echo, §4), then runs the bot's turn. The turn
    /// runs before the answer, so the client's next poll carries the replies.
    /// </summary>
    private static async Task<IResult> PostActivityAsync(
        HttpContext http, string conversationId, DirectLineConversations conversations, DirectLineAdapter adapter, IBot bot,
        TimeProvider time, IHostApplicationLifetime lifetime, ILogger<DirectLineAdapter> logger)
    {
        var access = await conversations.CheckAsync(conversationId, BearerToken(http.Request), http.RequestAborted).ConfigureAwait(false);
        if (access.Conversation is not { } conversation)
        {
            return Denied(access.Status);
        }

        var body = await ReadJsonAsync(http, ProtocolJsonContext.Default.Activity, conversations.Options.MaxRequestBytes, allowEmpty: false).ConfigureAwait(false);
        if (body.Error is not null)
        {
            return body.Error;
        }

        var activity = body.Value!;
        if (string.IsNullOrWhiteSpace(activity.Type))
        {
            return BadRequest("An activity needs a type.");
        }

        if (LongMessageGuard.IsTooLong(activity))
        {
            return MessageTooLong(activity);
        }

        return await AcceptUserActivityAsync(http, conversation, activity, conversations, adapter, bot, time, lifetime, logger).ConfigureAwait(false);
    }

    /// <summary>
    /// Stamps a user's activity as the channel's, echoes it into the conversation and runs the bot's turn on it;
    /// answers with the echo's id. Shared by send and upload.
    /// </summary>
    internal static async Task<IResult> AcceptUserActivityAsync(
        HttpContext http, DirectLineConversation conversation, Activity activity, DirectLineConversations conversations,
        DirectLineAdapter adapter, IBot bot, TimeProvider time, IHostApplicationLifetime lifetime, ILogger logger,
        IReadOnlyList<Activity>? notes = null)
    {

        // The channel, not the client, says where an activity came from and who it is for: always the user the
        // conversation was opened for, whatever from.id the client wrote (the escalation feature trusts that id).
        // Only the display name may come from the client. channelData is left exactly as sent.
        activity.From = conversation.User with
        {
            Name = activity.From?.Name is { Length: > 0 and <= 64 } name ? name : conversation.User.Name,
            Role = RoleTypes.User,
        };
        activity.Recipient = new ChannelAccount { Id = conversations.Options.BotId, Name = conversations.Options.BotName };
        activity.Conversation = new ConversationAccount { Id = conversation.Id };
        activity.ChannelId = Channels.DirectLine;
        activity.ServiceUrl = ServiceUrl(http.Request);
        activity.ReplyToId = null;

        // One turn at a time per conversation, echo included, so a transcript reads question, answer, question.
        // The turn is not tied to the request: a parent closing the tab must not leave state half written.
        var stopping = lifetime.ApplicationStopping;
        await using (await conversations.LockTurnAsync(conversation, stopping).ConfigureAwait(false))
        {
            if (await conversations.AppendAsync(conversation, activity, stopping).ConfigureAwait(false) is not { } id)
            {
                return Denied(TokenCheck.ConversationNotFound);
            }

            DirectLineLog.ActivityReceived(logger, conversation.Id, id, activity.Type);
            if (notes is { Count: > 0 })
            {
                // The channel's own word about what it did not pass on (a refused file), before the bot's answer.
                await adapter.DeliverAsync(conversation, notes, stopping).ConfigureAwait(false);
            }

            // A message left with nothing in it (a refused file and no caption) has nothing for the bot to read.
            var empty = activity.Type == ActivityTypes.Message && string.IsNullOrWhiteSpace(activity.Text) && activity.Attachments is not { Count: > 0 } && activity.Value is null;
            if (!empty || notes is not { Count: > 0 })
            {
                await RunTurnAsync(conversation, activity with { }, adapter, bot, logger, stopping).ConfigureAwait(false);
            }
            return Results.Json(new ResourceResponse(id), Json.ResourceResponse);
        }
    }

    /// <summary>Runs the bot's turn; the caller holds the conversation's turn lock.</summary>
    private static async Task RunTurnAsync(
        DirectLineConversation conversation, Activity activity, DirectLineAdapter adapter, IBot bot, ILogger logger, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var outcome = await adapter.ProcessActivityAsync(activity, bot.OnTurnAsync, cancellationToken).ConfigureAwait(false);
        if (outcome.ExpectedReplies is { Count: > 0 } replies)
        {
            await adapter.DeliverAsync(conversation, replies, cancellationToken).ConfigureAwait(false);
        }

        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        DirectLineLog.TurnCompleted(logger, conversation.Id, activity.Type, elapsed);
    }

    private static ChannelAccount UserFrom(ChannelAccount? requested)
    {
        // A client may name its user (Web Chat passes its userID); otherwise the id is ours, prefixed as the
        // service does. Long ids are refused rather than stored: they end up in state keys.
        var id = requested?.Id is { Length: > 0 and <= 64 } given ? given : "dl_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();
        var name = requested?.Name is { Length: > 0 and <= 64 } n ? n : null;
        return new ChannelAccount { Id = id, Name = name, Role = RoleTypes.User };
    }

    private static string? LocaleFrom(string? locale) => locale is { Length: > 0 and <= 35 } ? locale : null;

    private static long? ParseWatermark(string? watermark) =>
        long.TryParse(watermark, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
}
