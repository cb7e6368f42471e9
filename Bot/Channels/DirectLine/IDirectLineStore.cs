using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.DirectLine;

/// <summary>
/// Where Direct Line conversations, their tokens, activities and uploads are kept: the same database as the bot's
/// state, so a conversation outlives the process that started it and any instance can serve it. Times are passed in
/// (the caller's clock); every method is one short transaction.
/// </summary>
internal interface IDirectLineStore
{
    /// <summary>
    /// Adds a conversation unless <paramref name="max"/> live conversations exist: started ones active since
    /// <paramref name="activeSince"/>, and unstarted ones (never started, nothing appended) active since
    /// <paramref name="unstartedSince"/>. When that many exist, the oldest unstarted one is deleted (with its tokens) to
    /// make room, so tokens fetched and never used cannot keep anyone out; false when every live one has started.
    /// </summary>
    Task<bool> TryCreateAsync(
        DirectLineConversation conversation, DateTimeOffset now, int max, DateTimeOffset activeSince, DateTimeOffset unstartedSince, CancellationToken cancellationToken);

    /// <summary>Records a token (by its hash) for a conversation, keeping only its <paramref name="keep"/> newest.</summary>
    Task AddTokenAsync(string conversationId, string tokenHash, DateTimeOffset expiresAt, int keep, CancellationToken cancellationToken);

    /// <summary>The conversation a token hash was issued for and when it expires; null when unknown.</summary>
    Task<(string ConversationId, DateTimeOffset ExpiresAt)?> FindTokenAsync(string tokenHash, CancellationToken cancellationToken);

    /// <summary>
    /// The conversation if it was active since <paramref name="activeSince"/>; when <paramref name="touch"/> is given
    /// and the last touch is older than <paramref name="touchAfter"/>, marks it active then.
    /// </summary>
    Task<DirectLineConversation?> FindAsync(string conversationId, DateTimeOffset activeSince, DateTimeOffset? touch, TimeSpan touchAfter, CancellationToken cancellationToken);

    /// <summary>True for exactly one caller, across processes: that caller tells the bot the conversation started.</summary>
    Task<bool> TryMarkStartedAsync(string conversationId, CancellationToken cancellationToken);

    /// <summary>
    /// Numbers <paramref name="activity"/> (its id and timestamp are set here: timestamps strictly increase by at least
    /// a millisecond), stores it, and trims the conversation's oldest activities past the limits. Null when the
    /// conversation is gone.
    /// </summary>
    Task<string?> AppendAsync(string conversationId, Activity activity, DateTimeOffset now, ActivityLimits limits, CancellationToken cancellationToken);

    /// <summary>
    /// The activities after <paramref name="watermark"/>, oldest first, as the JSON each was stored as, holding at most
    /// <paramref name="maxBytes"/> (as <c>bytes</c> counts them; always at least one), and the watermark to ask from
    /// next: the last one returned when more are waiting, so a client reads a long history in pages.
    /// </summary>
    Task<(IReadOnlyList<string> Activities, long Watermark)> ReadAfterAsync(string conversationId, long watermark, long maxBytes, CancellationToken cancellationToken);

    /// <summary>
    /// Stores an uploaded file from <paramref name="content"/> (read to its end, never held whole), evicting the
    /// conversation's oldest uploads past <paramref name="perConversation"/>; false when all conversations together
    /// would hold more than <paramref name="total"/>.
    /// </summary>
    Task<bool> TryKeepUploadAsync(string conversationId, string uploadId, string contentType, Stream content, long length, DateTimeOffset now, long perConversation, long total, CancellationToken cancellationToken);

    /// <summary>A stored upload's type and length; null when there is none.</summary>
    Task<(string ContentType, long Length)?> FindUploadAsync(string conversationId, string uploadId, CancellationToken cancellationToken);

    /// <summary>Copies a stored upload's bytes to <paramref name="destination"/>, in chunks.</summary>
    Task CopyUploadAsync(string conversationId, string uploadId, Stream destination, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes conversations idle since before <paramref name="activeSince"/>, and unstarted ones (never started,
    /// nothing appended) idle since before <paramref name="unstartedSince"/> (with their tokens, activities and
    /// uploads) and expired tokens, then trims the oldest activities of all conversations until they hold at most
    /// <paramref name="maxActivityBytes"/>. Returns the conversations deleted.
    /// </summary>
    Task<int> SweepAsync(DateTimeOffset activeSince, DateTimeOffset unstartedSince, DateTimeOffset now, long maxActivityBytes, CancellationToken cancellationToken);

    /// <summary>
    /// After the background expiry swept (<paramref name="swept"/> conversations ended): whatever the store must do so
    /// that deleted rows are gone from its files too. SQLite overwrites freed pages as it deletes (secure_delete), so
    /// nothing; PostgreSQL rewrites its tables now and then.
    /// </summary>
    Task CompactAsync(int swept, DateTimeOffset now, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Conversations active since <paramref name="activeSince"/>.</summary>
    Task<int> CountAsync(DateTimeOffset activeSince, CancellationToken cancellationToken);
}

/// <summary>How many activities, and how many bytes of them, one conversation keeps for its clients to read.</summary>
internal readonly record struct ActivityLimits(int MaxCount, long MaxBytes);
