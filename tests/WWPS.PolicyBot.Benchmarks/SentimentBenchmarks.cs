using BenchmarkDotNet.Attributes;
using WWPS.PolicyBot.Cognitive.Sentiment;

namespace WWPS.PolicyBot.Benchmarks;

/// <summary>One full-length draft post (280 characters, the longest a parent's tweet-sized post gets) per call.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class SentimentBenchmarks
{
    // Exactly 280 characters: negation, a booster, caps, "but", an emoji and exclamation marks, so every rule runs.
    private const string Post =
        "Honestly NOT impressed with pick-up today. The staff were really friendly as always but the car park was a " +
        "total shambles again and nobody answered the phone!! My daughter loved the Easter egg hunt " +
        "though 😍 Please can someone sort the gate out before someone gets hurt?? Thanks!!";

    private VaderAnalyzer _tuned = null!;
    private VaderAnalyzer _plain = null!;

    [GlobalSetup]
    public void Setup()
    {
        if (Post.Length != 280)
        {
            throw new InvalidOperationException($"Benchmark post is {Post.Length} characters, not 280.");
        }

        _tuned = VaderAnalyzer.CreateDefault();
        _plain = VaderAnalyzer.CreatePlain();
    }

    [Benchmark(Baseline = true)]
    public VaderScores Tuned() => _tuned.PolarityScores(Post);

    [Benchmark]
    public VaderScores PlainNpmRules() => _plain.PolarityScores(Post);
}
