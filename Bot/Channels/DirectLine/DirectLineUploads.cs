using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using WWPS.PolicyBot.Plumbing;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.DirectLine;

/// <summary>
/// The upload call directlinejs makes for a message with local files (Web Chat's upload button):
/// <c>POST conversations/{id}/upload?userId=…</c>, multipart/form-data with one part per file (named <c>file</c>,
/// with its filename and type) and optionally a part named <c>activity</c> holding the message without its
/// attachments as JSON (<c>application/vnd.microsoft.activity</c>). Only photos and videos are kept: another kind of
/// file, or one over the size limits, is read past and not kept, and the bot says in the chat which file it could
/// not take and why, while the message itself (its caption) goes through as usual. Each file is spooled to a temporary file as it arrives (never held whole in memory), then copied into the
/// database with its conversation, and served back at <c>conversations/{id}/attachments/{attachmentId}</c> so the
/// page can show the user's own picture. It goes when the conversation does.
/// </summary>
internal static class DirectLineUploads
{
    private const string ActivityPart = "activity";

    // The most an upload request may carry, refused files included (they are read past, never kept): enough for a
    // phone video someone tried to attach, so they hear why it was not taken instead of "Send failed".
    private const long MaxRequestBytes = 256L * 1024 * 1024;

    public static async Task<IResult> UploadAsync(
        HttpContext http, string conversationId, DirectLineConversations conversations, DirectLineAdapter adapter, IBot bot,
        TimeProvider time, IHostApplicationLifetime lifetime, ILogger<DirectLineAdapter> logger)
    {
        var access = await conversations.CheckAsync(conversationId, DirectLineEndpoints.BearerToken(http.Request), http.RequestAborted).ConfigureAwait(false);
        if (access.Conversation is not { } conversation)
        {
            return DirectLineEndpoints.Denied(access.Status);
        }

        var options = conversations.Options;
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return Error(StatusCodes.Status415UnsupportedMediaType, "An upload must be multipart/form-data.");
        }

        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 200)
        {
            return DirectLineEndpoints.BadRequest("The multipart body has no valid boundary.");
        }

        if (http.Request.ContentLength > MaxRequestBytes)
        {
            return TooLarge(options);
        }

        if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = MaxRequestBytes;
        }

        var read = await ReadPartsAsync(http, boundary, options).ConfigureAwait(false);
        try
        {
            return await AcceptAsync(http, conversation, read, conversations, adapter, bot, time, lifetime, logger).ConfigureAwait(false);
        }
        finally
        {
            foreach (var file in read.Files)
            {
                await file.Content.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<IResult> AcceptAsync(
        HttpContext http, DirectLineConversation conversation, Parts read, DirectLineConversations conversations, DirectLineAdapter adapter, IBot bot,
        TimeProvider time, IHostApplicationLifetime lifetime, ILogger logger)
    {
        if (read.Error is not null)
        {
            return read.Error;
        }

        if (read.Files.Count == 0 && read.Refused.Count == 0)
        {
            return DirectLineEndpoints.BadRequest("An upload needs at least one file.");
        }

        var activity = read.Activity ?? new Activity { Type = ActivityTypes.Message };
        if (string.IsNullOrWhiteSpace(activity.Type))
        {
            activity.Type = ActivityTypes.Message;
        }
        else if (!string.Equals(activity.Type, ActivityTypes.Message, StringComparison.Ordinal))
        {
            return DirectLineEndpoints.BadRequest("Only a message can carry uploaded files.");
        }

        if (LongMessageGuard.IsTooLong(activity))
        {
            return DirectLineEndpoints.MessageTooLong(activity);
        }

        var stored = new List<string>();
        foreach (var file in read.Files)
        {
            var id = NewId();
            file.Content.Position = 0;
            bool kept;
            try
            {
                kept = await conversations.TryKeepUploadAsync(conversation, id, file.ContentType, file.Content, file.Length, http.RequestAborted).ConfigureAwait(false);
            }
            catch (StorageUnavailableException)
            {
                // The database could not take it (busy past its timeout, or full): the user hears why, never a 500.
                DirectLineLog.UploadFailed(logger, conversation.Id);
                return Unavailable(http, "Your photo could not be saved just now, so your message was not sent. Please try again in a minute, or send it without the photo.");
            }

            if (!kept)
            {
                DirectLineLog.UploadRefused(logger, conversation.Id);
                return Unavailable(http, "The assistant is holding as many photos and videos as it can just now, so it could not take yours and your message was not sent. Please try again later, or send it without the file.");
            }

            stored.Add(id);
        }

        var baseUrl = DirectLineEndpoints.ServiceUrl(http.Request);
        activity.Attachments =
        [
            .. read.Files.Zip(stored, (file, upload) =>
            {
                var url = $"{baseUrl}conversations/{Uri.EscapeDataString(conversation.Id)}/attachments/{upload}";

                // Web Chat draws a user's attachment as a picture only when it has a thumbnail, else as a file link.
                var isImage = file.ContentType.StartsWith("image/", StringComparison.Ordinal);
                return new Attachment { ContentType = file.ContentType, Name = file.Name, ContentUrl = url, ThumbnailUrl = isImage ? url : null };
            }),
        ];
        DirectLineLog.UploadReceived(logger, conversation.Id, stored.Count, read.TotalBytes);
        var notes = read.Refused.Count == 0 ? null : new[] { RefusalNote(read.Refused, conversations.Options, hasCaption: !string.IsNullOrWhiteSpace(activity.Text)) };
        return await DirectLineEndpoints.AcceptUserActivityAsync(http, conversation, activity, conversations, adapter, bot, time, lifetime, logger, notes)
            .ConfigureAwait(false);
    }

    /// <summary>What the bot says about files it did not take: which, why, and what it does take.</summary>
    private static Activity RefusalNote(IReadOnlyList<RefusedFile> refused, DirectLineOptions options, bool hasCaption)
    {
        var limit = options.MaxUploadFileBytes / (1024 * 1024);
        var reasons = refused.Select(r => $"{(r.Name is { } name ? $"\u201c{name}\u201d" : "a file")} ({r.Reason switch
        {
            RefusalReason.Kind => "not a photo or a video",
            RefusalReason.FileSize => $"over {limit} MB",
            RefusalReason.TotalSize => $"the files together were over {options.MaxUploadBytes / (1024 * 1024)} MB",
            _ => $"more than {options.MaxUploadFiles} files at once",
        }})");
        var text = $"I couldn't take {string.Join(", ", reasons)}. I can take photos and videos (JPEG, PNG, GIF, MP4 and the like), " +
            $"up to {limit} MB each." + (hasCaption ? " I've read your message without it." : string.Empty);
        return new Activity { Type = ActivityTypes.Message, Text = text };
    }

    /// <summary>
    /// An uploaded file, for the page's <c>img</c>/<c>video</c> element, which cannot send a bearer token: the
    /// address itself is the check (its id is 128 random bits, written only into the conversation's own
    /// token-checked activities). A bearer token, when sent, must still be one for this conversation. Served so that
    /// it can never run as a page of this site (no sniffing, sandboxed), and not cached.
    /// </summary>
    public static async Task<IResult> GetAttachmentAsync(HttpContext http, string conversationId, string attachmentId, DirectLineConversations conversations)
    {
        if (DirectLineEndpoints.BearerToken(http.Request) is { } token
            && await conversations.CheckAsync(conversationId, token, http.RequestAborted).ConfigureAwait(false) is { Conversation: null } denied)
        {
            return DirectLineEndpoints.Denied(denied.Status);
        }

        if (await conversations.FindAsync(conversationId, http.RequestAborted).ConfigureAwait(false) is null
            || await conversations.Store.FindUploadAsync(conversationId, attachmentId, http.RequestAborted).ConfigureAwait(false) is not { } upload)
        {
            return DirectLineEndpoints.Error(StatusCodes.Status404NotFound, "NotFound", "No such attachment, or its conversation ended.");
        }

        var headers = http.Response.Headers;
        headers.CacheControl = "private, no-store";
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        return Results.Stream(
            destination => conversations.Store.CopyUploadAsync(conversationId, attachmentId, destination, http.RequestAborted),
            upload.ContentType);
    }

    /// <summary>A file as it arrived: spooled to a temporary file that deletes itself when closed.</summary>
    private sealed record UploadedFile(string ContentType, string? Name, FileStream Content, long Length);

    /// <summary>What the body held; the files (to be disposed by the caller) even when it failed part-way.</summary>
    private sealed record Parts(Activity? Activity, List<UploadedFile> Files, long TotalBytes, IResult? Error)
    {
        public List<RefusedFile> Refused { get; } = [];
    }

    private enum RefusalReason
    {
        Kind,
        FileSize,
        TotalSize,
        Count,
    }

    /// <summary>A file the bot read past without keeping, and why; its name is only said back to the user.</summary>
    private sealed record RefusedFile(string? Name, RefusalReason Reason);

    private static async Task<Parts> ReadPartsAsync(HttpContext http, string boundary, DirectLineOptions options)
    {
        var reader = new MultipartReader(boundary, http.Request.Body) { HeadersCountLimit = 16, HeadersLengthLimit = 8 * 1024 };
        Activity? activity = null;
        var files = new List<UploadedFile>();
        var refused = new List<RefusedFile>();
        long total = 0;
        try
        {
            while (await reader.ReadNextSectionAsync(http.RequestAborted).ConfigureAwait(false) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                {
                    return new Parts(null, files, total, DirectLineEndpoints.BadRequest("Every part of an upload needs a form-data Content-Disposition."));
                }

                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
                if (string.Equals(name, ActivityPart, StringComparison.Ordinal))
                {
                    if (activity is not null)
                    {
                        return new Parts(null, files, total, DirectLineEndpoints.BadRequest("An upload carries at most one activity."));
                    }

                    var json = await ReadLimitedAsync(section.Body, options.MaxRequestBytes, http.RequestAborted).ConfigureAwait(false);
                    if (json is null)
                    {
                        return new Parts(null, files, total, DirectLineEndpoints.Error(StatusCodes.Status413PayloadTooLarge, "BadArgument", "The activity part is too large."));
                    }

                    try
                    {
                        activity = JsonSerializer.Deserialize(json, ProtocolJsonContext.Default.Activity);
                    }
                    catch (JsonException)
                    {
                        // The parser's message may quote what the user typed: not passed on.
                        return new Parts(null, files, total, DirectLineEndpoints.BadRequest("The activity part is not valid JSON for an activity."));
                    }

                    continue;
                }

                var contentType = MediaTypeHeaderValue.TryParse(section.ContentType, out var type) ? type.MediaType.Value ?? string.Empty : string.Empty;
                var fileName = FileName(disposition);
                if (!IsPhotoOrVideo(contentType) || files.Count == options.MaxUploadFiles)
                {
                    // Read past, kept nowhere: the user is told in the chat.
                    await section.Body.CopyToAsync(Stream.Null, http.RequestAborted).ConfigureAwait(false);
                    refused.Add(new RefusedFile(fileName, IsPhotoOrVideo(contentType) ? RefusalReason.Count : RefusalReason.Kind));
                    continue;
                }

                var spool = Spool();
                var room = options.MaxUploadBytes - total;
                var length = await CopyLimitedAsync(section.Body, spool, Math.Min(options.MaxUploadFileBytes, room), http.RequestAborted).ConfigureAwait(false);
                if (length < 0)
                {
                    await spool.DisposeAsync().ConfigureAwait(false);
                    await section.Body.CopyToAsync(Stream.Null, http.RequestAborted).ConfigureAwait(false);
                    refused.Add(new RefusedFile(fileName, room < options.MaxUploadFileBytes ? RefusalReason.TotalSize : RefusalReason.FileSize));
                    continue;
                }

                files.Add(new UploadedFile(contentType.ToLowerInvariant(), fileName, spool, length));
                total += length;
            }
        }
        catch (InvalidDataException)
        {
            return new Parts(null, files, total, DirectLineEndpoints.BadRequest("The multipart body is malformed."));
        }
        catch (IOException) when (!http.RequestAborted.IsCancellationRequested)
        {
            // A body that ends before its closing boundary.
            return new Parts(null, files, total, DirectLineEndpoints.BadRequest("The multipart body is malformed."));
        }

        var parts = new Parts(activity, files, total, null);
        parts.Refused.AddRange(refused);
        return parts;
    }

    /// <summary>The whole stream, or null when it is longer than <paramref name="limit"/>.</summary>
    private static async Task<byte[]?> ReadLimitedAsync(Stream stream, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>Copies at most <paramref name="limit"/> bytes; the count copied, or -1 when the stream is longer.</summary>
    private static async Task<long> CopyLimitedAsync(Stream source, Stream destination, long limit, CancellationToken cancellationToken)
    {
        var chunk = new byte[16 * 1024];
        long copied = 0;
        int read;
        while ((read = await source.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (copied + read > limit)
            {
                return -1;
            }

            await destination.WriteAsync(chunk.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            copied += read;
        }

        return copied;
    }

    /// <summary>A temporary file only this user can read, deleted when closed.</summary>
    private static FileStream Spool()
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            Options = FileOptions.DeleteOnClose | FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return new FileStream(Path.Combine(Path.GetTempPath(), "policybot-upload-" + Guid.NewGuid().ToString("N")), options);
    }

    private static bool IsPhotoOrVideo(string contentType) =>
        contentType.Length > "image/".Length
        && (contentType.StartsWith("image/", StringComparison.OrdinalIgnoreCase) || contentType.StartsWith("video/", StringComparison.OrdinalIgnoreCase));

    /// <summary>The file's own name, without any path, at most 255 characters; null when none was given.</summary>
    private static string? FileName(ContentDispositionHeaderValue disposition)
    {
        var raw = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var name = Path.GetFileName(raw.Replace('\\', '/')).Trim();
        return name.Length == 0 ? null : name.Length > 255 ? name[..255] : name;
    }

    private static IResult TooLarge(DirectLineOptions options) => DirectLineEndpoints.Error(
        StatusCodes.Status413PayloadTooLarge,
        "BadArgument",
        $"Too large: at most {options.MaxUploadFiles} files of up to {options.MaxUploadFileBytes / (1024 * 1024)} MB each, {options.MaxUploadBytes / (1024 * 1024)} MB in all.");

    /// <summary>503 with the reason in the Direct Line error body (which the page shows) and when to try again.</summary>
    private static IResult Unavailable(HttpContext http, string message)
    {
        http.Response.Headers.RetryAfter = "60";
        return DirectLineEndpoints.Error(StatusCodes.Status503ServiceUnavailable, "ServiceUnavailable", message);
    }

    private static IResult Error(int status, string message) => DirectLineEndpoints.Error(status, "BadArgument", message);

    private static string NewId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
}
