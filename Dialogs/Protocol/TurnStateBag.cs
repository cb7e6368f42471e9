namespace WWPS.PolicyBot.Protocol;

/// <summary>A key for one value in the turn's <see cref="TurnStateBag"/>; the type travels with the key.</summary>
public sealed class TurnStateKey<T>(string name)
{
    public string Name { get; } = name;

    public override string ToString() => Name;
}

/// <summary>
/// Per-turn values shared by middleware, the application and dialogs. Typed keys mean no caller casts, and
/// keys compare by instance so two components cannot collide by choosing the same name.
/// </summary>
public sealed class TurnStateBag
{
    private readonly Dictionary<object, object?> _values = [];

    public void Set<T>(TurnStateKey<T> key, T value)
    {
        ArgumentNullException.ThrowIfNull(key);
        _values[key] = value;
    }

    public bool TryGet<T>(TurnStateKey<T> key, out T value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_values.TryGetValue(key, out var stored) && stored is T typed)
        {
            value = typed;
            return true;
        }

        value = default!;
        return false;
    }

    public T? Get<T>(TurnStateKey<T> key) => TryGet(key, out var value) ? value : default;

    public bool Remove<T>(TurnStateKey<T> key) => _values.Remove(key);
}
