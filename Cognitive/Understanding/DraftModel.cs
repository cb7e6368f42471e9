using WWPS.PolicyBot.Cognitive.Policy;

namespace WWPS.PolicyBot.Cognitive.Understanding;

/// <summary>The learned reading of a draft: how likely it breaks the policy, and how likely each kind of problem is.</summary>
public sealed record DraftReading(double NotAllowed, bool Breaks, IReadOnlyList<DraftKindProbability> Kinds);

/// <param name="Kind">personal, criticism, harm, photo, workinfo or contact (see Training/README.md).</param>
public sealed record DraftKindProbability(string Kind, double Probability);

/// <summary>
/// The situations a draft can break the policy in (a personal matter, criticism or insinuation including sarcasm, harm
/// to welfare, photos of pupils described or attached, work information, a private contact offered for a child),
/// learned from the draft corpus over the shared sentence vector plus "has a photo or video attached". Personal data
/// with a format (phones, emails, postcodes, NHS and NI numbers) and people's names stay with the recognisers.
/// </summary>
public sealed class DraftModel : IDisposable
{
    private const string Resource = "drafts";

    /// <summary>A kind of problem is named when the model gives it at least this.</summary>
    internal const double KindThreshold = 0.5;

    private readonly LearnedHead<DraftModelInfo> _head;
    private readonly SentenceEmbedder _embedder;

    private DraftModel(LearnedHead<DraftModelInfo> head, SentenceEmbedder embedder)
    {
        _head = head;
        _embedder = embedder;
    }

    internal DraftModelInfo Info => _head.Info;

    /// <summary>The bundled model for the bundled policy; null for another policy (the rules then work alone).</summary>
    public static DraftModel? For(PolicyDocument policy, SentenceEmbedder embedder)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return QuestionModel.IsBundledPolicy(policy)
            ? new DraftModel(LearnedHead<DraftModelInfo>.LoadBundled(Resource, UnderstandingJsonContext.Default.DraftModelInfo), embedder)
            : null;
    }

    public DraftReading Read(string text, bool hasPhotoOrVideo)
    {
        var outputs = _head.Run(_embedder.Embed(text), [hasPhotoOrVideo ? 1f : 0f]);
        var kinds = Info.Outputs.Skip(1).Select((kind, i) => new DraftKindProbability(kind, outputs[i + 1])).OrderByDescending(k => k.Probability).ToList();
        return new DraftReading(outputs[0], outputs[0] >= Info.Threshold, kinds);
    }

    public void Dispose() => _head.Dispose();
}

/// <summary>drafts.json, as train.py writes it.</summary>
internal sealed record DraftModelInfo : LearnedHeadInfo
{
    /// <summary>"not-allowed", then the kinds of problem, in output order.</summary>
    public required string[] Outputs { get; init; }

    /// <summary>"not-allowed" at or above this: the post breaks the policy.</summary>
    public required double Threshold { get; init; }
}
