using BenchmarkDotNet.Attributes;
using WWPS.PolicyBot.Cognitive.Analysis;
using WWPS.PolicyBot.Cognitive.Pii;

namespace WWPS.PolicyBot.Benchmarks;

/// <summary>The draft check runs PII recognition on every post; the budget is well under 1 ms for a 280-character post.</summary>
[MemoryDiagnoser]
public class PiiBenchmarks
{
    // 280 characters, synthetic: names with cues, a phone number, a postcode, an age and plain chatter.
    private const string Post =
        "Had the best afternoon with little Oliver and Sophie Turner at preschool! Freddie (4) loved the sandpit. " +
        "Poor George was off again!. Text me on 07700 900300 or email jo.b@yahoo.com, we are at 12 Marlow Road, HP11 1AB. " +
        "Will you come on May half term? Reading is such fun!! Thanks x";

    private const string Plain = "Beautiful sunset over the lake tonight. Thanks to all the families who donated to the food bank collection this week!";

    private readonly LocalPiiAnalyzer _analyzer = new();

    [GlobalSetup]
    public void Setup()
    {
        if (Post.Length != 280) throw new InvalidOperationException($"Post is {Post.Length} characters, expected 280.");
        _analyzer.Recognize(Post);
    }

    [Benchmark]
    public IReadOnlyList<PiiEntity> Post280() => _analyzer.Recognize(Post);

    [Benchmark]
    public IReadOnlyList<PiiEntity> PlainPost() => _analyzer.Recognize(Plain);
}
