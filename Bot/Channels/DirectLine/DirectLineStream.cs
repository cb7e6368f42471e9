using System.Globalization;
using System.Net.WebSockets;

namespace WWPS.PolicyBot.DirectLine;

/// <summary>
/// The WebSocket stream that Web Chat uses by default (folder README): start and reconnect answer with a
/// <c>streamUrl</c>; the client opens it and receives every activity of the conversation after its watermark as an
/// activity set, <c>{"activities":[…],"watermark":"…"}</c>, one text message per batch. The client sends only empty
/// messages (its keep-alive pings) and still posts its own activities over HTTP. The stream reads from the store, so
/// activities appended by another instance reach it too: at once when they were added in this process, else within
/// <see cref="CrossInstanceDelay"/>. When the socket drops (the bot restarts, the network blinks), directlinejs
/// reconnects with <c>GET conversations/{id}?watermark=</c> and gets a new <c>streamUrl</c>.
/// </summary>
internal static class DirectLineStream
{
    /// <summary>How long a stream waits for news from this process before looking in the store for another's.</summary>
    public static readonly TimeSpan CrossInstanceDelay = TimeSpan.FromSeconds(1);

    // How often an open stream marks its conversation active, so an open page is not dropped as idle.
    private static readonly TimeSpan TouchEvery = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The address to give a client for this conversation: the token rides in the query (<c>t</c>), as the service
    /// does, because a browser cannot set headers on a WebSocket; it is checked when the socket opens.
    /// </summary>
    public static string UrlFor(HttpRequest request, string conversationId, string token, long? watermark)
    {
        var scheme = string.Equals(request.Scheme, "https", StringComparison.OrdinalIgnoreCase) ? "wss" : "ws";
        var mark = watermark is { } w ? w.ToString(CultureInfo.InvariantCulture) : string.Empty;
        return $"{scheme}://{request.Host}{DirectLineEndpoints.BasePath}/conversations/{Uri.EscapeDataString(conversationId)}/stream"
            + $"?watermark={mark}&t={Uri.EscapeDataString(token)}";
    }

    public static async Task<IResult> StreamAsync(
        HttpContext http, string conversationId, string? watermark, string? t, DirectLineConversations conversations, IHostApplicationLifetime lifetime, TimeProvider time)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            return DirectLineEndpoints.BadRequest("This address is a WebSocket stream.");
        }

        var access = await conversations.CheckAsync(conversationId, t ?? DirectLineEndpoints.BearerToken(http.Request), http.RequestAborted).ConfigureAwait(false);
        if (access.Conversation is not { } conversation)
        {
            return DirectLineEndpoints.Denied(access.Status);
        }

        long after = 0;
        if (!string.IsNullOrEmpty(watermark) && !long.TryParse(watermark, NumberStyles.None, CultureInfo.InvariantCulture, out after))
        {
            return DirectLineEndpoints.BadRequest("The watermark must be one this endpoint returned.");
        }

        using var socket = await http.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        var listening = DrainAsync(socket, stop);
        try
        {
            await PushAsync(socket, conversation, after, conversations, time, stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // The client went away, or the bot is stopping: the client reconnects when it can.
        }

        conversations.ForgetNews(conversation.Id);
        await stop.CancelAsync().ConfigureAwait(false);
        await listening.ConfigureAwait(false);
        if (socket.State == WebSocketState.Open)
        {
            // Closed from our side only when the conversation ended or the bot stops: directlinejs then reconnects,
            // and hears 404 if the conversation is gone.
            using var closing = new CancellationTokenSource(TimeSpan.FromSeconds(2), time);
            try
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, closing.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
            {
                // Nothing more to say to a client that is not listening.
            }
        }

        return Results.Empty;
    }

    /// <summary>Sends every activity set after <paramref name="after"/> as it appears, until the conversation ends or the socket does.</summary>
    private static async Task PushAsync(WebSocket socket, DirectLineConversation conversation, long after, DirectLineConversations conversations, TimeProvider time, CancellationToken cancellationToken)
    {
        var touched = DateTimeOffset.MinValue;
        while (!cancellationToken.IsCancellationRequested && socket.State == WebSocketState.Open)
        {
            // Taken before reading, so an activity appended between the read and the wait still wakes us.
            var news = conversations.NewsFor(conversation.Id);
            var (json, watermark, count) = await conversations.ReadSetAfterAsync(conversation, after, cancellationToken).ConfigureAwait(false);
            if (count > 0)
            {
                await socket.SendAsync(json, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
                after = watermark;

                // A long history comes a page at a time: look for the next page at once, not after the wait.
                continue;
            }

            if (time.GetUtcNow() - touched >= TouchEvery)
            {
                if (await conversations.TouchAsync(conversation, cancellationToken).ConfigureAwait(false) is false)
                {
                    return;
                }

                touched = time.GetUtcNow();
            }

            await Task.WhenAny(news, Task.Delay(CrossInstanceDelay, time, cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <summary>Reads (and ignores) what the client sends, its keep-alive pings, so a close from its side is noticed.</summary>
    private static async Task DrainAsync(WebSocket socket, CancellationTokenSource stop)
    {
        var buffer = new byte[1024];
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var received = await socket.ReceiveAsync(buffer, stop.Token).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // Gone, or we are stopping.
        }

        await stop.CancelAsync().ConfigureAwait(false);
    }
}
