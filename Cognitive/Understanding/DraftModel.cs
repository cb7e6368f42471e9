using System.Text;
using System.Text.RegularExpressions;
using WWPS.PolicyBot.Cognitive.Analysis;
using WWPS.PolicyBot.Cognitive.Drafts;
using WWPS.PolicyBot.Cognitive.Pii;
using WWPS.PolicyBot.Cognitive.Policy;
using WWPS.PolicyBot.Cognitive.Sentiment;

namespace WWPS.PolicyBot.Cognitive.Understanding;

/// <summary>The learned reading of a draft: how likely it breaks the policy, and how likely each kind of problem is.</summary>
public sealed record DraftReading(double NotAllowed, bool Breaks, IReadOnlyList<DraftKindProbability> Kinds);

/// <param name="Kind">personal, criticism, harm, photo, workinfo or contact (see Training/README.md).</param>
/// <param name="Named">Sure enough to be named as a finding once the post breaks the policy (its own calibrated threshold).</param>
public sealed record DraftKindProbability(string Kind, double Probability, bool Named);

/// <summary>
/// The situations a draft can break the policy in (a personal matter, criticism or insinuation including sarcasm, harm
/// to welfare, photos of pupils described or attached, work information, a private contact offered for a child),
/// learned from the draft corpus over the shared sentence vector plus "has a photo or video attached". Personal data
/// with a format (phones, emails, postcodes, NHS and NI numbers) and people's names stay with the recognisers.
/// </summary>
public sealed class DraftModel : IDisposable
{
    private const string Resource = "drafts";

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

    /// <param name="pii">Personal data found in the text that counts against it.</param>
    /// <param name="publishedContacts">The preschool's own email and phone as found in the text: named as such for the model.</param>
    public DraftReading Read(string text, IReadOnlyList<PiiEntity> pii, IReadOnlyList<PiiEntity> publishedContacts, bool hasPhotoOrVideo)
    {
        var (modelText, extra) = Input(text, pii, publishedContacts, hasPhotoOrVideo);
        var outputs = _head.Run(_embedder.Embed(modelText), extra);
        var kinds = Info.Outputs.Skip(1)
            .Select((kind, i) => new DraftKindProbability(kind, outputs[i + 1], outputs[i + 1] >= Info.NameThresholds[i]))
            .OrderByDescending(k => k.Probability)
            .ToList();
        return new DraftReading(outputs[0], outputs[0] >= Info.Threshold || kinds[0].Probability >= Info.KindThreshold, kinds);
    }

    /// <summary>
    /// What the model reads: the text with the preschool's own contacts named for what they are (a phone number alone
    /// looks the same whoever it rings), and beside its vector: a photo or video attached; VADER's tone (compound,
    /// positive, negative: the sentence vector barely tells "a joke" from "a delight"); the personal data found; and
    /// whether each of the hand-written <see cref="DraftRules"/> cues matches, so the model weighs cues the rules used
    /// to apply blindly. The `embed --draft` verb gives train.py exactly this.
    /// </summary>
    internal static (string Text, float[] Extra) Input(string text, IReadOnlyList<PiiEntity> pii, IReadOnlyList<PiiEntity> publishedContacts, bool hasPhotoOrVideo)
    {
        var sb = new StringBuilder(text.Length);
        var at = 0;
        foreach (var contact in publishedContacts.OrderBy(e => e.Start))
        {
            if (contact.Start < at || contact.End > text.Length)
            {
                continue;
            }

            sb.Append(text, at, contact.Start - at).Append(contact.Category == PiiCategories.Email ? "the preschool's email" : "the preschool's phone number");
            at = contact.End;
        }

        var modelText = sb.Append(text, at, text.Length - at).ToString();
        // Tone over the same windows the vector reads: VADER's scores saturate on a very long text, far from anything trained on.
        var windows = SentenceEmbedder.Windows(text).Select(VaderAnalyzer.CreateDefault().Analyze).ToList();
        var tone = new SentimentResult(
            "",
            windows.Average(w => w.Compound),
            new SentimentScores(windows.Average(w => w.Scores.Positive), windows.Average(w => w.Scores.Neutral), windows.Average(w => w.Scores.Negative)));
        var extra = new List<float>
        {
            hasPhotoOrVideo ? 1f : 0f,
            (float)tone.Compound,
            (float)tone.Scores.Positive,
            (float)tone.Scores.Negative,
            Flag(pii.Any(e => e.Category == PiiCategories.Person && e.Subcategory == PiiCategories.Child)),
            Flag(pii.Any(e => e.Category == PiiCategories.Person && e.Subcategory != PiiCategories.Child)),
            Flag(pii.Any(e => e.Category is PiiCategories.PhoneNumber or PiiCategories.Email)),
            Flag(pii.Any(e => e.Category is not (PiiCategories.Person or PiiCategories.PhoneNumber or PiiCategories.Email))),
            Flag(publishedContacts.Count > 0),
        };
        extra.AddRange(Cues.Select(cue => Flag(cue().IsMatch(text))));
        return (modelText, [.. extra]);
    }

    public void Dispose() => _head.Dispose();

    private static float Flag(bool value) => value ? 1f : 0f;

    // Order matters: the model's weights follow it. Add new cues at the end and retrain.
    private static readonly Func<Regex>[] Cues =
    [
        DraftRules.ChildWords, DraftRules.SettingWords, DraftRules.MediaWords, DraftRules.NonPersonSubjects, DraftRules.WorkInformation,
        DraftRules.PreschoolPeople, DraftRules.Criticism, DraftRules.Insinuation, DraftRules.SensitiveMatters, DraftRules.PrivateContactOffer,
        DraftRules.ChildWelfareTopics, DraftRules.HarmToWelfare, DraftRules.InsteadOfThePreschool, DraftRules.FamilyOrStaff,
    ];
}

/// <summary>drafts.json, as train.py writes it.</summary>
internal sealed record DraftModelInfo : LearnedHeadInfo
{
    /// <summary>"not-allowed", then the kinds of problem, in output order.</summary>
    public required string[] Outputs { get; init; }

    /// <summary>"not-allowed" at or above this: the post breaks the policy.</summary>
    public required double Threshold { get; init; }

    /// <summary>One kind of problem at or above this: the post breaks the policy, whatever "not-allowed" says.</summary>
    public required double KindThreshold { get; init; }

    /// <summary>For each kind (in output order after "not-allowed"), how sure the model must be to name it as a finding.</summary>
    public required double[] NameThresholds { get; init; }
}
