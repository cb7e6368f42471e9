using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace WWPS.PolicyBot.Protocol;

/// <summary>
/// A set of named, typed properties stored as one item per conversation (or user). Loaded once per turn, cached
/// in the turn state, written back with the ETag it was read with. Values are live objects during the turn:
/// change one in place and <see cref="SaveChangesAsync"/> stores the change.
/// </summary>
public abstract class BotState
{
    private readonly IStorage _storage;
    private readonly TurnStateKey<CachedState> _cacheKey;
    private readonly TimeSpan? _idleExpiry;

    private protected BotState(IStorage storage, string name, TimeProvider timeProvider, TimeSpan? idleExpiry)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (idleExpiry <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(idleExpiry), "Idle expiry must be positive.");
        }

        _storage = storage;
        _cacheKey = new TurnStateKey<CachedState>(name);
        _idleExpiry = idleExpiry;
        TimeProvider = timeProvider;
    }

    protected TimeProvider TimeProvider { get; }

    public StateProperty<T> CreateProperty<T>(string name, JsonTypeInfo<T> typeInfo)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(typeInfo);
        return new StateProperty<T>(this, name, typeInfo);
    }

    /// <summary>The storage key for this turn, e.g. <c>msteams/conversations/19:abc</c>.</summary>
    public abstract string GetStorageKey(ITurnContext turnContext);

    public async Task LoadAsync(ITurnContext turnContext, bool force = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        if (!force && turnContext.TurnState.TryGet(_cacheKey, out _))
        {
            return;
        }

        var key = GetStorageKey(turnContext);
        var items = await _storage.ReadAsync([key], cancellationToken).ConfigureAwait(false);
        var cached = new CachedState(key);
        if (items.TryGetValue(key, out var item))
        {
            cached.ETag = item.ETag;

            // An expired item is rewritten empty at save time, so what it held does not linger until the purge.
            var document = StateDocument.Read(item.Value);
            cached.Discarded = document is null || IsExpired(document.Value.UpdatedUtc);
            if (document is { } loaded && !cached.Discarded)
            {
                cached.Loaded = loaded.Properties;
                cached.Raw = new Dictionary<string, JsonElement>(loaded.Properties, StringComparer.Ordinal);
            }
        }

        turnContext.TurnState.Set(_cacheKey, cached);
    }

    /// <summary>Writes the state if it changed (always, when idle expiry is on, so the idle clock restarts).</summary>
    public async Task SaveChangesAsync(ITurnContext turnContext, bool force = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        if (!turnContext.TurnState.TryGet(_cacheKey, out var cached))
        {
            return;
        }

        // With idle expiry on, a state that holds anything is written every turn anyway (the write restarts the clock),
        // so only otherwise is it compared with what was read.
        var count = cached.Raw.Count + cached.Live.Count;
        if (!force && !cached.Discarded && (_idleExpiry is null || count == 0) && Unchanged(cached, count))
        {
            return;
        }

        // The stored document is written in one pass: live values straight from their objects, the rest as read.
        var value = StateDocument.Write(TimeProvider.GetUtcNow(), cached.Raw, cached.Live);
        var etags = await _storage.WriteAsync(
            new Dictionary<string, StoreItem> { [cached.Key] = new(value, cached.ETag) }, cancellationToken).ConfigureAwait(false);

        // A second save in the same turn must carry the version this one produced.
        cached.ETag = etags.TryGetValue(cached.Key, out var etag) ? etag : null;
        cached.Loaded = StateDocument.Read(value)!.Value.Properties;
        cached.Raw = new Dictionary<string, JsonElement>(cached.Loaded, StringComparer.Ordinal);
        cached.Live.Clear();
        cached.Discarded = false;
    }

    /// <summary>Forgets every property for this turn; the next save stores an empty state.</summary>
    public void Clear(ITurnContext turnContext)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        if (turnContext.TurnState.TryGet(_cacheKey, out var cached))
        {
            cached.Raw.Clear();
            cached.Live.Clear();
        }
    }

    /// <summary>Removes the stored item now, e.g. when a parent asks for their conversation to be forgotten.</summary>
    public async Task DeleteAsync(ITurnContext turnContext, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        var key = GetStorageKey(turnContext);
        turnContext.TurnState.Remove(_cacheKey);
        await _storage.DeleteAsync([key], cancellationToken).ConfigureAwait(false);
    }

    internal CachedState GetLoaded(ITurnContext turnContext) =>
        turnContext.TurnState.TryGet(_cacheKey, out var cached)
            ? cached
            : throw new InvalidOperationException($"{GetType().Name} was not loaded for this turn; call LoadAsync first.");

    private bool IsExpired(DateTimeOffset updatedUtc) =>
        _idleExpiry is { } idle && TimeProvider.GetUtcNow() - updatedUtc > idle;

    /// <summary>Whether the properties now are those read (or last written) this turn, value for value.</summary>
    private static bool Unchanged(CachedState cached, int count)
    {
        if (cached.Loaded is not { } loaded)
        {
            return count == 0;
        }

        if (loaded.Count != count)
        {
            return false;
        }

        foreach (var (name, before) in loaded)
        {
            JsonElement now;
            if (cached.Live.TryGetValue(name, out var live))
            {
                now = live.Serialize();
            }
            else if (!cached.Raw.TryGetValue(name, out now))
            {
                return false;
            }

            if (before.GetRawText() != now.GetRawText())
            {
                return false;
            }
        }

        return true;
    }

    internal sealed class CachedState(string key)
    {
        public string Key { get; } = key;
        public string? ETag { get; set; }
        /// <summary>The properties as read or last written this turn; null when there was nothing stored.</summary>
        public Dictionary<string, JsonElement>? Loaded { get; set; }
        public bool Discarded { get; set; }
        public Dictionary<string, JsonElement> Raw { get; set; } = new(StringComparer.Ordinal);
        public Dictionary<string, IStateBox> Live { get; } = new(StringComparer.Ordinal);
    }
}

/// <summary>Conversation-scoped state, key <c>{channelId}/conversations/{conversationId}</c>; expires when idle.</summary>
public sealed class ConversationState(IStorage storage, TimeProvider timeProvider, TimeSpan? idleExpiry = null)
    : BotState(storage, "conversationState", timeProvider, idleExpiry)
{
    public override string GetStorageKey(ITurnContext turnContext)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        var activity = turnContext.Activity;
        return $"{Required(activity.ChannelId, "channelId")}/conversations/{Required(activity.Conversation?.Id, "conversation.id")}";
    }

    internal static string Required(string? value, string field) =>
        string.IsNullOrEmpty(value) ? throw new InvalidOperationException($"The activity has no {field}; state cannot be keyed.") : value;
}

/// <summary>User-scoped state, key <c>{channelId}/users/{userId}</c>; kept across conversations.</summary>
public sealed class UserState(IStorage storage, TimeProvider timeProvider)
    : BotState(storage, "userState", timeProvider, idleExpiry: null)
{
    public override string GetStorageKey(ITurnContext turnContext)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        var activity = turnContext.Activity;
        return $"{ConversationState.Required(activity.ChannelId, "channelId")}/users/{ConversationState.Required(activity.From?.Id, "from.id")}";
    }
}

/// <summary>One typed property of a <see cref="BotState"/>.</summary>
public sealed class StateProperty<T>
{
    private readonly BotState _state;
    private readonly JsonTypeInfo<T> _typeInfo;

    internal StateProperty(BotState state, string name, JsonTypeInfo<T> typeInfo)
    {
        _state = state;
        Name = name;
        _typeInfo = typeInfo;
    }

    public string Name { get; }

    /// <summary>The live value for this turn; created with <paramref name="defaultFactory"/> when absent.</summary>
    public async Task<T?> GetAsync(ITurnContext turnContext, Func<T>? defaultFactory = null, CancellationToken cancellationToken = default)
    {
        await _state.LoadAsync(turnContext, cancellationToken: cancellationToken).ConfigureAwait(false);
        var cached = _state.GetLoaded(turnContext);
        if (cached.Live.TryGetValue(Name, out var live))
        {
            return live is StateBox<T> box
                ? box.Value
                : throw new InvalidOperationException($"State property '{Name}' is already in use with another type.");
        }

        if (cached.Raw.TryGetValue(Name, out var raw))
        {
            var value = raw.Deserialize(_typeInfo);
            cached.Raw.Remove(Name);
            cached.Live[Name] = new StateBox<T>(value!, _typeInfo);
            return value;
        }

        if (defaultFactory is null)
        {
            return default;
        }

        var created = defaultFactory();
        cached.Live[Name] = new StateBox<T>(created, _typeInfo);
        return created;
    }

    public async Task SetAsync(ITurnContext turnContext, T value, CancellationToken cancellationToken = default)
    {
        await _state.LoadAsync(turnContext, cancellationToken: cancellationToken).ConfigureAwait(false);
        var cached = _state.GetLoaded(turnContext);
        cached.Raw.Remove(Name);
        cached.Live[Name] = new StateBox<T>(value, _typeInfo);
    }

    public async Task DeleteAsync(ITurnContext turnContext, CancellationToken cancellationToken = default)
    {
        await _state.LoadAsync(turnContext, cancellationToken: cancellationToken).ConfigureAwait(false);
        var cached = _state.GetLoaded(turnContext);
        cached.Raw.Remove(Name);
        cached.Live.Remove(Name);
    }
}

/// <summary>A live typed value and the metadata to store it; lets state hold many types without <c>object</c>.</summary>
internal interface IStateBox
{
    JsonElement Serialize();

    void WriteTo(Utf8JsonWriter writer);
}

internal sealed class StateBox<T>(T value, JsonTypeInfo<T> typeInfo) : IStateBox
{
    public T Value { get; set; } = value;

    public JsonTypeInfo<T> TypeInfo { get; } = typeInfo;

    public JsonElement Serialize() => JsonSerializer.SerializeToElement(Value, TypeInfo);

    public void WriteTo(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, Value, TypeInfo);
}

/// <summary>
/// The stored shape of a state item, <c>{"updatedUtc": "…", "properties": {"name": value, …}}</c>: when it was last
/// written, and its properties by name. Read and written by hand, in one pass each way: a turn's state is read and
/// written on every message, and going through a typed record cost a serialise-and-parse per property and another for
/// the whole.
/// </summary>
internal readonly record struct StateDocument(DateTimeOffset UpdatedUtc, Dictionary<string, JsonElement> Properties)
{
    private const string UpdatedUtcName = "updatedUtc";
    private const string PropertiesName = "properties";

    /// <summary>The document in <paramref name="value"/>, or null when it is not one (then it is treated as expired).</summary>
    public static StateDocument? Read(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty(UpdatedUtcName, out var updated) || updated.ValueKind != JsonValueKind.String
            || !updated.TryGetDateTimeOffset(out var updatedUtc))
        {
            return null;
        }

        var properties = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (value.TryGetProperty(PropertiesName, out var stored))
        {
            if (stored.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            foreach (var property in stored.EnumerateObject())
            {
                properties[property.Name] = property.Value;
            }
        }

        return new StateDocument(updatedUtc, properties);
    }

    public static JsonElement Write(DateTimeOffset updatedUtc, Dictionary<string, JsonElement> raw, Dictionary<string, IStateBox> live) =>
        StateJson.ToElement(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString(UpdatedUtcName, updatedUtc);
            writer.WriteStartObject(PropertiesName);
            foreach (var (name, value) in raw)
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }

            foreach (var (name, box) in live)
            {
                writer.WritePropertyName(name);
                box.WriteTo(writer);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        });
}

/// <summary>JSON written by hand, as an element that owns its bytes.</summary>
internal static class StateJson
{
    // Every turn writes its state through here, and growing a fresh buffer from a small start to the size of a dialog
    // stack was one of a turn's larger allocations. Writing is synchronous, so one buffer per thread is reused; a
    // nested call (a box that serialises while the document is written) finds the slot empty and takes its own.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    private const int KeptCapacity = 64 * 1024;

    public static JsonElement ToElement(Action<Utf8JsonWriter> write)
    {
        var buffer = t_buffer ?? new ArrayBufferWriter<byte>(4096);
        var writer = t_writer ?? new Utf8JsonWriter(buffer);
        t_buffer = null;
        t_writer = null;
        try
        {
            writer.Reset(buffer);
            write(writer);
            writer.Flush();
            var reader = new Utf8JsonReader(buffer.WrittenSpan);
            return JsonElement.ParseValue(ref reader);
        }
        finally
        {
            // A buffer grown by an unusually large state is let go rather than held by the thread for good.
            if (buffer.Capacity <= KeptCapacity)
            {
                // Cleared, not just rewound: a state can hold a pasted draft, which should not outlive its turn.
                buffer.Clear();
                t_buffer = buffer;
                t_writer = writer;
            }
        }
    }
}
