using WWPS.PolicyBot.Cognitive.Retrieval;

namespace WWPS.PolicyBot.Tests.Policy;

public sealed class LruCacheTests
{
    [Fact]
    public void KeepsAtMostCapacityDroppingTheLeastRecentlyUsed()
    {
        var cache = new LruCache<string, int>(2);
        cache.Set("a", 1);
        cache.Set("b", 2);
        Assert.True(cache.TryGet("a", out _)); // "a" is now the most recent

        cache.Set("c", 3);

        Assert.Equal(2, cache.Count);
        Assert.True(cache.TryGet("a", out var a));
        Assert.Equal(1, a);
        Assert.False(cache.TryGet("b", out _));
        Assert.True(cache.TryGet("c", out var c));
        Assert.Equal(3, c);
    }

    [Fact]
    public void SettingAKeyAgainReplacesItsValueWithoutGrowing()
    {
        var cache = new LruCache<string, int>(2);
        cache.Set("a", 1);
        cache.Set("a", 5);

        Assert.Equal(1, cache.Count);
        Assert.True(cache.TryGet("a", out var a));
        Assert.Equal(5, a);
    }
}
