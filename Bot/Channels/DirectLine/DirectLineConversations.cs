using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using WWPS.PolicyBot.Plumbing;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.DirectLine;

/// <summary>What a bearer token says about a request for one conversation.</summary>
internal enum TokenCheck
{
    Valid,

    /// <summary>No such conversation, or it expired: directlinejs reads 404 as "conversation ended".</summary>
    ConversationNotFound,

    /// <summary>Missing, unknown, expired, or issued for another conversation: 403, which directlinejs reads as "token expired".</summary>
    Forbidden,
}

internal sealed record IssuedToken(string Token, TimeSpan ExpiresIn);

/// <summary>The outcome of presenting a token: the conversation it opens and how long the token has left.</summary>
internal sealed record Access(TokenCheck Status, DirectLineConversation? Conversation, TimeSpan ExpiresIn)
{
    public static readonly Access NotFound = new(TokenCheck.ConversationNotFound, null, TimeSpan.Zero);
    public static readonly Access Forbidden = new(TokenCheck.Forbidden, null, TimeSpan.Zero);
}

/// <summary>One conversation: its id, and the user it was opened for.</summary>
internal sealed record DirectLineConversation(string Id, ChannelAccount User, string? Locale);

/// <summary>
/// The Direct Line conversations and their tokens, kept in <see cref="IDirectLineStore"/> (the bot's database), so a
/// page that reloads, or comes back after the bot restarted, carries on where it was. A conversation lives while it is
/// used and is dropped, with its activities and uploads, after <see cref="DirectLineOptions.IdleTimeout"/>. Tokens are
/// stored only as hashes.
/// </summary>
internal sealed class DirectLineConversations(
    DirectLineOptions options, IDirectLineStore store, TimeProvider time, ConversationTurnLock? turns = null) : IDisposable
{
    // A token lives 30 minutes; directlinejs refreshes its own every 15 and the page the one it keeps for a reload
    // every 10, so five can be live at once; one more lets a page that refreshed in a hurry keep its in-flight polls.
    private const int MaxTokensPerConversation = 6;

    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    // How stale the stored "last active" mark may get before a read refreshes it: far below the idle timeout.
    private static readonly TimeSpan TouchInterval = TimeSpan.FromSeconds(30);

    /// <summary>The most activities one read returns, in bytes as stored (UTF-16): a page, not a whole history.</summary>
    public const long PageBytes = 512 * 1024;

    /// <summary>Reads building a page at the same time, across all clients.</summary>
    public const int ConcurrentReads = 8;

    private readonly SemaphoreSlim _reads = new(ConcurrentReads, ConcurrentReads);
    private readonly ConversationTurnLock _turns = turns ?? new ConversationTurnLock();

    // Per conversation with an open stream: completed (and replaced) when this process appends an activity.
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _news = new(StringComparer.Ordinal);
    private long _nextSweepTicks = long.MinValue;

    public DirectLineOptions Options => options;

    public void Dispose() => _reads.Dispose();

    public IDirectLineStore Store => store;

    private ActivityLimits Limits => new(options.MaxActivitiesPerConversation, options.MaxActivityBytesPerConversation);

    private DateTimeOffset ActiveSince(DateTimeOffset now) => now - options.IdleTimeout;

    private DateTimeOffset UnstartedSince(DateTimeOffset now) => now - options.UnstartedTimeout;

    public async Task<int> CountAsync(CancellationToken cancellationToken = default) =>
        await store.CountAsync(ActiveSince(time.GetUtcNow()), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// A new, not yet started conversation; null when <see cref="DirectLineOptions.MaxConversations"/> are live and all
    /// of them started (an unstarted one makes room, oldest first).
    /// </summary>
    public async Task<DirectLineConversation?> CreateAsync(ChannelAccount user, string? locale, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var now = time.GetUtcNow();
        await SweepAsync(now, force: false, cancellationToken).ConfigureAwait(false);
        var conversation = new DirectLineConversation(NewId(), user, locale);
        if (await store.TryCreateAsync(conversation, now, options.MaxConversations, ActiveSince(now), UnstartedSince(now), cancellationToken).ConfigureAwait(false))
        {
            return conversation;
        }

        // Full: expired ones may still be counted until swept.
        await SweepAsync(now, force: true, cancellationToken).ConfigureAwait(false);
        return await store.TryCreateAsync(conversation, now, options.MaxConversations, ActiveSince(now), UnstartedSince(now), cancellationToken).ConfigureAwait(false)
            ? conversation
            : null;
    }

    public async Task<IssuedToken> IssueTokenAsync(DirectLineConversation conversation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        await store.AddTokenAsync(conversation.Id, Hash(token), time.GetUtcNow() + options.TokenLifetime, MaxTokensPerConversation, cancellationToken)
            .ConfigureAwait(false);
        return new IssuedToken(token, options.TokenLifetime);
    }

    /// <summary>The conversation a token was issued for, if the token is live and the conversation too.</summary>
    public async Task<Access> FindByTokenAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(token))
        {
            return Access.Forbidden;
        }

        var now = time.GetUtcNow();
        await SweepAsync(now, force: false, cancellationToken).ConfigureAwait(false);
        if (await store.FindTokenAsync(Hash(token), cancellationToken).ConfigureAwait(false) is not { } grant || grant.ExpiresAt <= now)
        {
            return Access.Forbidden;
        }

        return await store.FindAsync(grant.ConversationId, ActiveSince(now), now, TouchInterval, cancellationToken).ConfigureAwait(false) is { } conversation
            ? new Access(TokenCheck.Valid, conversation, grant.ExpiresAt - now)
            : Access.NotFound;
    }

    /// <summary>Checks that <paramref name="token"/> opens <paramref name="conversationId"/>, and marks the conversation used.</summary>
    public async Task<Access> CheckAsync(string conversationId, string? token, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await SweepAsync(now, force: false, cancellationToken).ConfigureAwait(false);

        // One read of the token and one of the conversation, which is marked active only when the token opens it.
        // Existence decides first: a client whose conversation expired must hear "ended" (404), not "token expired"
        // (403), or directlinejs would keep refreshing a token for a conversation that is gone.
        var grant = string.IsNullOrEmpty(token) ? null : await store.FindTokenAsync(Hash(token), cancellationToken).ConfigureAwait(false);
        var opens = grant is { } g && g.ExpiresAt > now && string.Equals(g.ConversationId, conversationId, StringComparison.Ordinal);
        var conversation = await store.FindAsync(conversationId, ActiveSince(now), opens ? now : null, TouchInterval, cancellationToken).ConfigureAwait(false);
        return conversation is null ? Access.NotFound
            : !opens ? Access.Forbidden
            : new Access(TokenCheck.Valid, conversation, grant!.Value.ExpiresAt - now);
    }

    /// <summary>The conversation for delivering a bot's replies; no token, because the bot is inside.</summary>
    public async Task<DirectLineConversation?> FindAsync(string? conversationId, CancellationToken cancellationToken = default)
    {
        if (conversationId is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        return await store.FindAsync(conversationId, ActiveSince(now), touch: null, TouchInterval, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>True exactly once: the first caller tells the bot that the conversation started.</summary>
    public Task<bool> TryMarkStartedAsync(DirectLineConversation conversation, CancellationToken cancellationToken = default) =>
        store.TryMarkStartedAsync(conversation.Id, cancellationToken);

    /// <summary>
    /// Adds an activity for clients to read, giving it the id (service style, <c>{conversation}|{0000001}</c>) and
    /// the timestamp. Timestamps strictly increase by at least a millisecond: Web Chat orders by timestamp and
    /// JavaScript dates keep only milliseconds, so an echo and its reply in the same millisecond could swap.
    /// Null when the conversation is gone.
    /// </summary>
    public async Task<string?> AppendAsync(DirectLineConversation conversation, Activity activity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(activity);
        var id = await store.AppendAsync(conversation.Id, activity, time.GetUtcNow(), Limits, cancellationToken).ConfigureAwait(false);
        if (_news.TryRemove(conversation.Id, out var news))
        {
            news.TrySetResult();
        }

        return id;
    }

    /// <summary>Completes when this process next appends an activity to the conversation (streams also look in the store for other processes').</summary>
    public Task NewsFor(string conversationId) =>
        _news.GetOrAdd(conversationId, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Drops the conversation's wake-up signal when its stream closes (a later stream makes a new one).</summary>
    public void ForgetNews(string conversationId) => _news.TryRemove(conversationId, out _);

    /// <summary>Marks the conversation active; false when it has ended.</summary>
    public async Task<bool> TouchAsync(DirectLineConversation conversation, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return await store.FindAsync(conversation.Id, ActiveSince(now), now, TouchInterval, cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>Activities after <paramref name="watermark"/> (0 = from the start) and the watermark to ask from next.</summary>
    public async Task<byte[]> ReadAfterAsync(DirectLineConversation conversation, long watermark, CancellationToken cancellationToken = default) =>
        (await ReadSetAfterAsync(conversation, watermark, cancellationToken).ConfigureAwait(false)).Json;

    /// <summary>
    /// The activity set after <paramref name="watermark"/> as JSON (a page of at most <see cref="PageBytes"/>), the
    /// next watermark, and how many activities it holds. At most <see cref="ConcurrentReads"/> pages are built at once,
    /// whoever asks: each holds up to a few megabytes while it is read and written, and a client can ask as often as it
    /// likes, from as many connections as it likes.
    /// </summary>
    public async Task<(byte[] Json, long Watermark, int Count)> ReadSetAfterAsync(DirectLineConversation conversation, long watermark, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        await _reads.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (activities, next) = await store.ReadAfterAsync(conversation.Id, watermark, PageBytes, cancellationToken).ConfigureAwait(false);
            return (ActivitySetJson.Write(activities, next.ToString(CultureInfo.InvariantCulture)), next, activities.Count);
        }
        finally
        {
            _reads.Release();
        }
    }

    /// <summary>
    /// One turn at a time per conversation, in this process and across instances on one database (the lock every
    /// channel shares), so its state and the order of its replies stay consistent whichever instance a request reaches.
    /// </summary>
    public Task<IAsyncDisposable> LockTurnAsync(DirectLineConversation conversation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return _turns.AcquireAsync(Channels.DirectLine, conversation.Id, cancellationToken);
    }

    /// <summary>
    /// Stores an uploaded file (streamed from <paramref name="content"/>); false when the store's allowance for uploads
    /// is full. The last <see cref="DirectLineOptions.SmallUploadReserve"/> of the allowance is kept for small files
    /// (a phone photo), so a flood of large ones fills the store without keeping everyone else's photos out.
    /// </summary>
    public Task<bool> TryKeepUploadAsync(DirectLineConversation conversation, string uploadId, string contentType, Stream content, long length, CancellationToken cancellationToken)
    {
        var allowance = length <= options.SmallUploadBytes ? options.MaxUploadBytesHeld : Math.Max(0, options.MaxUploadBytesHeld - options.SmallUploadReserve);
        return store.TryKeepUploadAsync(
            conversation.Id, uploadId, contentType, content, length, time.GetUtcNow(), options.MaxUploadBytesPerConversation, allowance, cancellationToken);
    }

    /// <summary>
    /// Ends the conversations that are past their time now, whatever else is going on: a busy web chat sweeps as it is
    /// used, but the last conversations of a quiet day must go too (<see cref="DirectLineExpiry"/>). Returns how many.
    /// </summary>
    public async Task<int> SweepNowAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var ended = await SweepAsync(now, force: true, cancellationToken).ConfigureAwait(false);
        await store.CompactAsync(ended, now, cancellationToken).ConfigureAwait(false);
        return ended;
    }

    // Lazily as well as on a timer: a busy bot calls often, and a new conversation must find the room expired ones held.
    private async Task<int> SweepAsync(DateTimeOffset now, bool force, CancellationToken cancellationToken)
    {
        var due = Interlocked.Read(ref _nextSweepTicks);
        if (!force && now.UtcTicks < due)
        {
            return 0;
        }

        if (Interlocked.CompareExchange(ref _nextSweepTicks, (now + SweepInterval).UtcTicks, due) != due && !force)
        {
            return 0;
        }

        return await store.SweepAsync(ActiveSince(now), UnstartedSince(now), now, options.MaxActivityBytes, cancellationToken).ConfigureAwait(false);
    }

    internal static string ActivityId(string conversationId, long sequence) => string.Create(CultureInfo.InvariantCulture, $"{conversationId}|{sequence:D7}");

    private static string NewId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

    private static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
