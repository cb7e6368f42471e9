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

    [Fact]
    public void KeepsAtMostItsWeightDroppingTheLeastRecentlyUsed()
    {
        var cache = new LruCache<string, int>(100, maxWeight: 10, static (key, _) => key.Length);
        cache.Set("aaaa", 1);
        cache.Set("bbbb", 2);
        cache.Set("cccc", 3);

        Assert.Equal(8, cache.Weight);
        Assert.False(cache.TryGet("aaaa", out _));
        Assert.True(cache.TryGet("cccc", out _));

        // Heavier than the whole allowance: not kept, and nothing else is dropped for it.
        cache.Set(new string('x', 11), 4);
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void QuestionsAsLongAsAMessageCanBeDoNotGrowTheRecentAnswersPastTheirBytes()
    {
        var answerer = new WWPS.PolicyBot.Cognitive.Answering.PolicyAnswerer(
            WWPS.PolicyBot.Cognitive.Policy.PolicyLoader.Load(null), TimeProvider.System);
        for (var i = 0; i < 600; i++)
        {
            answerer.Answer(i.ToString(System.Globalization.CultureInfo.InvariantCulture) + new string('q', 19_990));
        }

        Assert.InRange(answerer.RecentBytes, 1, WWPS.PolicyBot.Cognitive.Answering.PolicyAnswerer.RecentAnswerBytes);
    }
}
