using WWPS.PolicyBot.Cognitive.Retrieval;

namespace WWPS.PolicyBot.Cognitive.Understanding;

/// <summary>
/// The one all-MiniLM-L6-v2 encoder of the process, shared by everything that reads meaning: the question model, the
/// draft model and the clause retriever. Loaded on first use (or at once in the background), one text at a time under
/// a lock, recent texts remembered. The models were trained on vectors made by this very class (the `embed` verb), so
/// what they see at run time is what they learned from.
/// </summary>
public sealed class SentenceEmbedder : IDisposable
{
    /// <summary>
    /// How much of a text one pass reads. MiniLM reads at most 256 word pieces (about 1,000 characters of chat); a
    /// longer text is read as its first and last windows, averaged, because people tell the story first and ask last.
    /// </summary>
    internal const int WindowChars = 1_000;

    private const int RecentTexts = 4_096;

    private const long RecentTextBytes = 8L * 1024 * 1024;

    private readonly Lazy<MiniLmEncoder> _encoder;
    private readonly Task<MiniLmEncoder>? _loading;
    private readonly Lock _gate = new();
    // Bounded by bytes as well as count (keys are texts of up to WindowChars, or whatever a caller embeds exactly).
    private readonly LruCache<string, float[]> _recent =
        new(RecentTexts, RecentTextBytes, static (text, vector) => (text.Length * 2L) + (vector.Length * 4L) + 96, StringComparer.Ordinal);
    private bool _disposed;

    /// <param name="cacheSetting">Where the model is kept for ONNX Runtime to map (null: the default folder; "off": nowhere).</param>
    /// <param name="loadNow">Start loading on a thread-pool thread now, for a caller that will need it within the second.</param>
    public SentenceEmbedder(string? cacheSetting = null, bool loadNow = false)
    {
        CacheFolder = SemanticClauseRetriever.CacheFolder(cacheSetting);
        var folder = CacheFolder;
        _loading = loadNow ? Task.Run(() => MiniLmEncoder.Load(folder)) : null;
        _encoder = new Lazy<MiniLmEncoder>(() => _loading?.GetAwaiter().GetResult() ?? MiniLmEncoder.Load(folder), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public const int Dimensions = MiniLmEncoder.Dimensions;

    internal string? CacheFolder { get; }

    /// <summary>Loads the model now rather than on the first text.</summary>
    public void Warm() => _ = _encoder.Value;

    /// <summary>Whether the model has been loaded (by <see cref="Warm"/> or a first text).</summary>
    public bool IsLoaded => _encoder.IsValueCreated;

    /// <summary>
    /// Gives back the resident pages of the model's mapped weights, which every new word read brings in, without taking
    /// the encoder's lock: questions go on meanwhile (see <see cref="MappedWeights"/>). Nothing when the model is not
    /// loaded yet or is not mapped. Returns the bytes of mapping covered.
    /// </summary>
    public long TrimResidentWeights() => !_disposed && IsLoaded ? _encoder.Value.TrimMappedWeights() : 0;

    /// <summary>The unit-length vector of a text of any length (see <see cref="WindowChars"/>). Do not modify it.</summary>
    public float[] Embed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.Length <= WindowChars)
        {
            return EmbedExact(trimmed);
        }

        var head = EmbedExact(trimmed[..WindowChars]);
        var tail = EmbedExact(trimmed[^WindowChars..]);
        var mean = new float[Dimensions];
        var norm = 0d;
        for (var i = 0; i < Dimensions; i++)
        {
            mean[i] = head[i] + tail[i];
            norm += mean[i] * mean[i];
        }

        var scale = (float)(1 / Math.Sqrt(Math.Max(norm, 1e-12)));
        for (var i = 0; i < Dimensions; i++)
        {
            mean[i] *= scale;
        }

        return mean;
    }

    /// <summary>The windows <see cref="Embed"/> reads a text as: the whole text, or its first and last <see cref="WindowChars"/>.</summary>
    public static IReadOnlyList<string> Windows(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        return trimmed.Length <= WindowChars ? [trimmed] : [trimmed[..WindowChars], trimmed[^WindowChars..]];
    }

    /// <summary>The word-piece ids the model reads for <paramref name="text"/> (for the training script).</summary>
    public long[] TokenIds(string text) => _encoder.Value.TokenIds(text);

    /// <summary>The vector of exactly this text, as the model reads it (word pieces past its limit are not read).</summary>
    public float[] EmbedExact(string text)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_recent.TryGet(text, out var known))
        {
            return known;
        }

        float[] vector;
        lock (_gate)
        {
            vector = _encoder.Value.Encode([text])[0];
        }

        _recent.Set(text, vector);
        return vector;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_encoder.IsValueCreated)
        {
            _encoder.Value.Dispose();
        }
        else
        {
            _ = _loading?.ContinueWith(t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        }
    }
}
