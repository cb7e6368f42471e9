using System.Text.Json;
using System.Text.Json.Serialization;
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
            var document = item.Value.Deserialize(StateJsonContext.Default.StateDocument);
            // An expired item is rewritten empty at save time, so what it held does not linger until the purge.
            cached.Discarded = document is null || IsExpired(document);
            if (document is not null && !cached.Discarded)
            {
                cached.Raw = new Dictionary<string, JsonElement>(document.Properties, StringComparer.Ordinal);
                cached.LoadedJson = item.Value.GetRawText();
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

        var properties = new Dictionary<string, JsonElement>(cached.Raw, StringComparer.Ordinal);
        foreach (var (name, live) in cached.Live)
        {
            properties[name] = live.Serialize();
        }

        var unchanged = cached.LoadedJson is not null
            ? SameProperties(cached.LoadedJson, properties)
            : properties.Count == 0;
        if (!force && !cached.Discarded && unchanged && (_idleExpiry is null || properties.Count == 0))
        {
            return;
        }

        var document = new StateDocument(TimeProvider.GetUtcNow(), properties);
        var value = JsonSerializer.SerializeToElement(document, StateJsonContext.Default.StateDocument);
        var etags = await _storage.WriteAsync(
            new Dictionary<string, StoreItem> { [cached.Key] = new(value, cached.ETag) }, cancellationToken).ConfigureAwait(false);

        // A second save in the same turn must carry the version this one produced.
        cached.ETag = etags.TryGetValue(cached.Key, out var etag) ? etag : null;
        cached.Raw = properties;
        cached.Live.Clear();
        cached.LoadedJson = value.GetRawText();
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

    private bool IsExpired(StateDocument document) =>
        _idleExpiry is { } idle && TimeProvider.GetUtcNow() - document.UpdatedUtc > idle;

    private static bool SameProperties(string loadedJson, Dictionary<string, JsonElement> properties)
    {
        var loaded = JsonSerializer.Deserialize(loadedJson, StateJsonContext.Default.StateDocument);
        return loaded is not null
            && loaded.Properties.Count == properties.Count
            && loaded.Properties.All(p => properties.TryGetValue(p.Key, out var v) && v.GetRawText() == p.Value.GetRawText());
    }

    internal sealed class CachedState(string key)
    {
        public string Key { get; } = key;
        public string? ETag { get; set; }
        public string? LoadedJson { get; set; }
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
}

internal sealed class StateBox<T>(T value, JsonTypeInfo<T> typeInfo) : IStateBox
{
    public T Value { get; set; } = value;

    public JsonTypeInfo<T> TypeInfo { get; } = typeInfo;

    public JsonElement Serialize() => JsonSerializer.SerializeToElement(Value, TypeInfo);
}

/// <summary>The stored shape of a state item: when it was last written, and its properties by name.</summary>
internal sealed record StateDocument(DateTimeOffset UpdatedUtc, Dictionary<string, JsonElement> Properties);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StateDocument))]
internal sealed partial class StateJsonContext : JsonSerializerContext;
