namespace WWPS.PolicyBot.Cognitive.Retrieval;

/// <summary>
/// A thread-safe map that keeps at most <c>capacity</c> entries, and when given a weight, at most <c>maxWeight</c> of
/// it in all, dropping the least recently used. For results that are a pure function of their key, so a hit is exactly
/// what computing again would give. The caches keyed by what people type are bounded by bytes as well as by count:
/// a count alone lets a stranger's long messages take the heap (4,096 keys of 20,000 characters are 160 MB).
/// </summary>
internal sealed class LruCache<TKey, TValue>
    where TKey : notnull
{
    private readonly int _capacity;
    private readonly long _maxWeight;
    private readonly Func<TKey, TValue, long>? _weigh;
    private readonly Lock _gate = new();
    private readonly Dictionary<TKey, LinkedListNode<Entry>> _map;
    private readonly LinkedList<Entry> _order = new();
    private long _weight;

    public LruCache(int capacity, IEqualityComparer<TKey>? comparer = null)
        : this(capacity, long.MaxValue, null, comparer)
    {
    }

    /// <param name="maxWeight">The most all entries may weigh together; an entry heavier than this is not kept.</param>
    /// <param name="weigh">An entry's weight, e.g. its bytes in memory.</param>
    public LruCache(int capacity, long maxWeight, Func<TKey, TValue, long>? weigh, IEqualityComparer<TKey>? comparer = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxWeight);
        _capacity = capacity;
        _maxWeight = maxWeight;
        _weigh = weigh;
        _map = new Dictionary<TKey, LinkedListNode<Entry>>(comparer);
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _map.Count;
            }
        }
    }

    /// <summary>What the entries weigh together (0 without a weight function).</summary>
    public long Weight
    {
        get
        {
            lock (_gate)
            {
                return _weight;
            }
        }
    }

    public bool TryGet(TKey key, out TValue value)
    {
        lock (_gate)
        {
            if (_map.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                value = node.Value.Value;
                return true;
            }
        }

        value = default!;
        return false;
    }

    public void Set(TKey key, TValue value)
    {
        var weight = _weigh?.Invoke(key, value) ?? 0;
        lock (_gate)
        {
            if (_map.TryGetValue(key, out var existing))
            {
                _order.Remove(existing);
                _map.Remove(key);
                _weight -= existing.Value.Weight;
            }

            if (weight > _maxWeight)
            {
                return;
            }

            while (_map.Count > 0 && (_map.Count >= _capacity || _weight + weight > _maxWeight))
            {
                var oldest = _order.Last!;
                _order.RemoveLast();
                _map.Remove(oldest.Value.Key);
                _weight -= oldest.Value.Weight;
            }

            _map[key] = _order.AddFirst(new Entry(key, value, weight));
            _weight += weight;
        }
    }

    private readonly record struct Entry(TKey Key, TValue Value, long Weight);
}
