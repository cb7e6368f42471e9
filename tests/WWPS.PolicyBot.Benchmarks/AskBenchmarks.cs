using BenchmarkDotNet.Attributes;
using WWPS.PolicyBot.Cognitive.Answering;
using WWPS.PolicyBot.Cognitive.Policy;

namespace WWPS.PolicyBot.Benchmarks;

/// <summary>Answering one question from the bundled policy: retrieval, abstention and the composed answer.</summary>
[MemoryDiagnoser]
public class AskBenchmarks
{
    private PolicyAnswerer _answerer = null!;

    [Params("cn i add parnts on fb", "Can I share pictures of the children on social media?", "What are the preschool's opening hours?")]
    public string Question { get; set; } = "";

    [GlobalSetup]
    public void Setup() => _answerer = new PolicyAnswerer(PolicyLoader.LoadBundled(), TimeProvider.System);

    [Benchmark]
    public PolicyAnswer Answer() => _answerer.Answer(Question);
}
