using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
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

/// <summary>
/// The live Direct Line conversations and their tokens, in memory. A conversation lives while it is used and is
/// dropped after <see cref="DirectLineOptions.IdleTimeout"/>; restarting the bot ends every web chat, which is
/// acceptable for a page that starts a new conversation on load.
/// </summary>
internal sealed class DirectLineConversations(DirectLineOptions options, TimeProvider time)
{
    // An open page refreshes every 15 minutes and a token lives 30, so two are live at once; the rest only
    // lets a page that refreshed twice in a hurry keep its in-flight polls.
    private const int MaxTokensPerConversation = 4;

    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, DirectLineConversation> _conversations = new(StringComparer.Ordinal);

    // Keyed by a hash of the token, so the lookup's timing says nothing about a token and memory holds none.
    private readonly Dictionary<string, TokenGrant> _tokens = new(StringComparer.Ordinal);
    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;
    private long _uploadBytesHeld;

    public DirectLineOptions Options => options;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _conversations.Count;
            }
        }
    }

    /// <summary>A new, not yet started conversation; null when <see cref="DirectLineOptions.MaxConversations"/> are live.</summary>
    public DirectLineConversation? Create(ChannelAccount user, string? locale)
    {
        ArgumentNullException.ThrowIfNull(user);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            Sweep(now, force: _conversations.Count >= options.MaxConversations);
            if (_conversations.Count >= options.MaxConversations)
            {
                return null;
            }

            var conversation = new DirectLineConversation(NewId(), user, locale, options.MaxActivitiesPerConversation, now);
            _conversations.Add(conversation.Id, conversation);
            return conversation;
        }
    }

    public IssuedToken IssueToken(DirectLineConversation conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var hash = Hash(token);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            _tokens[hash] = new TokenGrant(conversation.Id, now + options.TokenLifetime);
            conversation.TokenHashes.Enqueue(hash);
            while (conversation.TokenHashes.Count > MaxTokensPerConversation)
            {
                _tokens.Remove(conversation.TokenHashes.Dequeue());
            }
        }

        return new IssuedToken(token, options.TokenLifetime);
    }

    /// <summary>The conversation a token was issued for, if the token is live and the conversation too.</summary>
    public Access FindByToken(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return Access.Forbidden;
        }

        var now = time.GetUtcNow();
        lock (_gate)
        {
            Sweep(now, force: false);
            if (!_tokens.TryGetValue(Hash(token), out var grant) || grant.ExpiresAt <= now)
            {
                return Access.Forbidden;
            }

            if (!_conversations.TryGetValue(grant.ConversationId, out var conversation) || IsIdle(conversation, now))
            {
                return Access.NotFound;
            }

            conversation.LastActive = now;
            return new Access(TokenCheck.Valid, conversation, grant.ExpiresAt - now);
        }
    }

    /// <summary>Checks that <paramref name="token"/> opens <paramref name="conversationId"/>, and marks the conversation used.</summary>
    public Access Check(string conversationId, string? token)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            Sweep(now, force: false);

            // Existence first: a client whose conversation expired must hear "ended" (404), not "token expired" (403),
            // or directlinejs would keep refreshing a token for a conversation that is gone.
            if (!_conversations.TryGetValue(conversationId, out var conversation) || IsIdle(conversation, now))
            {
                return Access.NotFound;
            }

            if (string.IsNullOrEmpty(token)
                || !_tokens.TryGetValue(Hash(token), out var grant)
                || grant.ExpiresAt <= now
                || !string.Equals(grant.ConversationId, conversationId, StringComparison.Ordinal))
            {
                return Access.Forbidden;
            }

            conversation.LastActive = now;
            return new Access(TokenCheck.Valid, conversation, grant.ExpiresAt - now);
        }
    }

    /// <summary>The conversation for delivering a bot's replies; no token, because the bot is inside.</summary>
    public DirectLineConversation? Find(string? conversationId)
    {
        if (conversationId is null)
        {
            return null;
        }

        lock (_gate)
        {
            return _conversations.TryGetValue(conversationId, out var conversation) && !IsIdle(conversation, time.GetUtcNow())
                ? conversation
                : null;
        }
    }

    /// <summary>
    /// Keeps uploaded files with their conversation, evicting its oldest past
    /// <see cref="DirectLineOptions.MaxUploadBytesPerConversation"/>; false when all conversations together already
    /// hold <see cref="DirectLineOptions.MaxUploadBytesHeld"/>.
    /// </summary>
    public bool TryKeepUploads(DirectLineConversation conversation, IReadOnlyList<StoredUpload> uploads)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(uploads);
        var adding = uploads.Sum(u => (long)u.Bytes.Length);
        lock (_gate)
        {
            if (_uploadBytesHeld + adding - conversation.UploadBytesToFree(adding, options.MaxUploadBytesPerConversation) > options.MaxUploadBytesHeld)
            {
                return false;
            }

            _uploadBytesHeld -= conversation.FreeUploads(adding, options.MaxUploadBytesPerConversation);
            foreach (var upload in uploads)
            {
                conversation.KeepUpload(upload);
            }

            _uploadBytesHeld += adding;
            return true;
        }
    }

    /// <summary>An uploaded file of a live conversation, by its id.</summary>
    public StoredUpload? FindUpload(string conversationId, string uploadId)
    {
        lock (_gate)
        {
            return _conversations.TryGetValue(conversationId, out var conversation) && !IsIdle(conversation, time.GetUtcNow())
                ? conversation.FindUpload(uploadId)
                : null;
        }
    }

    private bool IsIdle(DirectLineConversation conversation, DateTimeOffset now) => now - conversation.LastActive >= options.IdleTimeout;

    // Called under _gate. Lazy rather than on a timer: a quiet bot has nothing to sweep, and a busy one calls often.
    private void Sweep(DateTimeOffset now, bool force)
    {
        if (!force && now < _nextSweep)
        {
            return;
        }

        _nextSweep = now + SweepInterval;
        foreach (var conversation in _conversations.Values.Where(c => IsIdle(c, now)).ToList())
        {
            _conversations.Remove(conversation.Id);
            _uploadBytesHeld -= conversation.FreeUploads(0, 0);
            foreach (var hash in conversation.TokenHashes)
            {
                _tokens.Remove(hash);
            }
        }

        foreach (var hash in _tokens.Where(t => t.Value.ExpiresAt <= now).Select(t => t.Key).ToList())
        {
            _tokens.Remove(hash);
        }
    }

    private static string NewId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

    private static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private sealed record TokenGrant(string ConversationId, DateTimeOffset ExpiresAt);
}

/// <summary>
/// One conversation: who the user is, whether the bot has been told it started, and the activities both sides
/// sent, numbered so that a watermark is simply the last number a client has seen.
/// </summary>
internal sealed class DirectLineConversation(string id, ChannelAccount user, string? locale, int maxActivities, DateTimeOffset created)
{
    private readonly Lock _gate = new();
    private readonly Queue<(long Sequence, Activity Activity)> _activities = new();

    // Uploaded files, oldest first; touched under the store's lock only.
    private readonly Queue<StoredUpload> _uploads = new();
    private long _uploadBytes;
    private long _lastSequence;
    private DateTimeOffset _lastTimestamp = DateTimeOffset.MinValue;
    private int _started;

    public string Id { get; } = id;

    public ChannelAccount User { get; } = user;

    public string? Locale { get; } = locale;

    /// <summary>One turn at a time, so a conversation's state and the order of its replies stay consistent.</summary>
    public SemaphoreSlim TurnLock { get; } = new(1, 1);

    /// <summary>Written under the store's lock only.</summary>
    public DateTimeOffset LastActive { get; set; } = created;

    /// <summary>Written under the store's lock only.</summary>
    public Queue<string> TokenHashes { get; } = new();

    /// <summary>Bytes that keeping <paramref name="adding"/> more would evict to stay within <paramref name="max"/>. Under the store's lock only.</summary>
    internal long UploadBytesToFree(long adding, long max)
    {
        long freed = 0;
        foreach (var upload in _uploads)
        {
            if (_uploadBytes - freed + adding <= max)
            {
                break;
            }

            freed += upload.Bytes.Length;
        }

        return freed;
    }

    /// <summary>
    /// Evicts the oldest uploads until <paramref name="adding"/> more fit within <paramref name="max"/> (0 and 0: all
    /// of them); returns the bytes freed. Under the store's lock only.
    /// </summary>
    internal long FreeUploads(long adding, long max)
    {
        long freed = 0;
        while (_uploads.Count > 0 && _uploadBytes + adding > max)
        {
            var upload = _uploads.Dequeue();
            _uploadBytes -= upload.Bytes.Length;
            freed += upload.Bytes.Length;
        }

        return freed;
    }

    /// <summary>Under the store's lock only.</summary>
    internal void KeepUpload(StoredUpload upload)
    {
        _uploads.Enqueue(upload);
        _uploadBytes += upload.Bytes.Length;
    }

    /// <summary>Under the store's lock only.</summary>
    internal StoredUpload? FindUpload(string uploadId) =>
        _uploads.FirstOrDefault(u => string.Equals(u.Id, uploadId, StringComparison.Ordinal));

    /// <summary>True exactly once: the first caller tells the bot that the conversation started.</summary>
    public bool TryMarkStarted() => Interlocked.Exchange(ref _started, 1) == 0;

    /// <summary>
    /// Adds an activity for clients to read, giving it the id (service style, <c>{conversation}|{0000001}</c>) and
    /// the timestamp. Timestamps strictly increase by at least a millisecond: Web Chat orders by timestamp and
    /// JavaScript dates keep only milliseconds, so an echo and its reply in the same millisecond could swap.
    /// </summary>
    public string Append(Activity activity, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(activity);
        lock (_gate)
        {
            var sequence = ++_lastSequence;
            var timestamp = now > _lastTimestamp.AddMilliseconds(1) ? now : _lastTimestamp.AddMilliseconds(1);
            _lastTimestamp = timestamp;
            activity.Id = string.Create(CultureInfo.InvariantCulture, $"{Id}|{sequence:D7}");
            activity.Timestamp = timestamp;
            _activities.Enqueue((sequence, activity));
            while (_activities.Count > maxActivities)
            {
                _activities.Dequeue();
            }

            return activity.Id;
        }
    }

    /// <summary>Activities after <paramref name="watermark"/> (0 = from the start) and the watermark to ask from next.</summary>
    public ActivitySet ReadAfter(long watermark)
    {
        lock (_gate)
        {
            var activities = _activities.Where(a => a.Sequence > watermark).Select(a => a.Activity).ToList();
            return new ActivitySet(activities, _lastSequence.ToString(CultureInfo.InvariantCulture));
        }
    }
}

/// <summary>
/// A photo or video a user uploaded, kept in memory with its conversation only so the page can show it back. The id
/// is 128 random bits: the file's address is written only into the conversation's own (token-checked) activities.
/// </summary>
internal sealed record StoredUpload(string Id, string ContentType, byte[] Bytes);
