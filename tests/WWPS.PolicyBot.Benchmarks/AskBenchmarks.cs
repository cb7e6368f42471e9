using BenchmarkDotNet.Attributes;
using WWPS.PolicyBot.Cognitive.Answering;
using WWPS.PolicyBot.Cognitive.Policy;
using WWPS.PolicyBot.Cognitive.Retrieval;

namespace WWPS.PolicyBot.Benchmarks;

/// <summary>
/// Answering one question from the bundled policy: retrieval, abstention and the composed answer, lexical (BM25) alone
/// or with the semantic re-ranker (<c>Ask:Semantic</c>). The model is loaded and the clauses embedded in setup.
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1063 // BenchmarkDotNet needs an unsealed class; Dispose is its cleanup.
public class AskBenchmarks : IDisposable
#pragma warning restore CA1063
{
    private PolicyAnswerer _answerer = null!;
    private SemanticClauseRetriever? _semantic;

    [Params("cn i add parnts on fb", "Can I share pictures of the children on social media?", "What are the preschool's opening hours?")]
    public string Question { get; set; } = "";

    [Params(false, true)]
    public bool Semantic { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var policy = PolicyLoader.LoadBundled();
        if (Semantic)
        {
            _semantic = new SemanticClauseRetriever(policy);
            _semantic.Warm();
            _answerer = new PolicyAnswerer(policy, TimeProvider.System, SemanticClauseRetriever.DefaultThreshold, _semantic);
        }
        else
        {
            _answerer = new PolicyAnswerer(policy, TimeProvider.System);
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _semantic?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>A question asked before: the recent-answers cache answers it.</summary>
    [Benchmark]
    public PolicyAnswer Answer() => _answerer.Answer(Question);

    /// <summary>Retrieval, abstention and composition worked out again (what a new question costs, less the model).</summary>
    [Benchmark]
    public PolicyAnswer AnswerAfresh() => _answerer.Compute(Question);
}
