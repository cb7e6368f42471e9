using BenchmarkDotNet.Attributes;
using WWPS.PolicyBot.Cognitive.Answering;
using WWPS.PolicyBot.Cognitive.Policy;
using WWPS.PolicyBot.Cognitive.Retrieval;
using WWPS.PolicyBot.Cognitive.Understanding;

namespace WWPS.PolicyBot.Benchmarks;

/// <summary>
/// Answering one question from the bundled policy: lexical (BM25) alone, with the semantic re-ranker
/// (<c>Ask:Semantic</c>), or read by the learned model (<c>Ask:Learned</c>, the default). The model is loaded and the
/// clauses embedded in setup.
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1063 // BenchmarkDotNet needs an unsealed class; Dispose is its cleanup.
public class AskBenchmarks : IDisposable
#pragma warning restore CA1063
{
    private PolicyAnswerer _answerer = null!;
    private SemanticClauseRetriever? _semantic;
    private SentenceEmbedder? _embedder;
    private QuestionModel? _model;
    private int _asked;

    [Params("cn i add parnts on fb", "Can I share pictures of the children on social media?", "What are the preschool's opening hours?")]
    public string Question { get; set; } = "";

    [Params("lexical", "semantic", "learned")]
    public string Reader { get; set; } = "learned";

    [GlobalSetup]
    public void Setup()
    {
        var policy = PolicyLoader.LoadBundled();
        if (Reader == "learned")
        {
            _embedder = new SentenceEmbedder();
            _embedder.Warm();
            var lexical = new ClauseRetriever(policy);
            _model = QuestionModel.For(policy, _embedder, lexical);
            _answerer = new PolicyAnswerer(policy, TimeProvider.System, SemanticClauseRetriever.DefaultThreshold, lexical, _model);
        }
        else if (Reader == "semantic")
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
        _model?.Dispose();
        _embedder?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>A question asked before: the recent-answers cache answers it.</summary>
    [Benchmark]
    public PolicyAnswer Answer() => _answerer.Answer(Question);

    /// <summary>Retrieval, abstention and composition worked out again (what a new question costs, less the model).</summary>
    [Benchmark]
    public PolicyAnswer AnswerAfresh() => _answerer.Compute(Question);

    /// <summary>
    /// A question never seen before, every time (a number added so no cache knows it): the whole cost, the sentence
    /// encoder included.
    /// </summary>
    [Benchmark]
    public PolicyAnswer AnswerNewQuestion() => _answerer.Compute($"{Question} {++_asked}");
}
