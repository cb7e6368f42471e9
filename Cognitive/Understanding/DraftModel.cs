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
/// <param name="Named">To be named as a finding once the post breaks the policy: it is sure, or the model is unsure of every
/// kind and this one is likely enough to be worth a line.</param>
/// <param name="Sure">Likely enough to be named whatever else is found (its own threshold, the best F1 out of fold).</param>
public sealed record DraftKindProbability(string Kind, double Probability, bool Named, bool Sure);

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
        // When even the likeliest kind is below HedgeBelow the model is unsure what the problem is, so every kind above
        // its lower, recall-minded threshold is named: a second plausible clause beats a missing right one.
        var hedging = outputs.Skip(1).Max() < Info.HedgeBelow;
        var kinds = Info.Outputs.Skip(1)
            .Select((kind, i) =>
            {
                var sure = outputs[i + 1] >= Info.SureThresholds[i];
                return new DraftKindProbability(kind, outputs[i + 1], sure || (hedging && outputs[i + 1] >= Info.NameThresholds[i]), sure);
            })
            .OrderByDescending(k => k.Probability)
            .ToList();
        // "Not allowed" and the likeliest kind averaged: on the persona folds this judged more drafts right than either
        // alone or each at its own threshold (a post can be sure of one problem yet unsure it breaks the policy).
        return new DraftReading(outputs[0], (outputs[0] + kinds[0].Probability) / 2 >= Info.Threshold, kinds);
    }

    /// <summary>
    /// What the model reads: the text with the preschool's own contacts named for what they are (a phone number alone
    /// looks the same whoever it rings), and beside its vector: a photo or video attached; VADER's tone (compound,
    /// positive, negative: the sentence vector barely tells "a joke" from "a delight"); the personal data found; and
    /// whether each of the hand-written <see cref="DraftRules"/> cues matches, so the model weighs cues the rules used
    /// to apply blindly; and whether the personal data found is only ages. The `embed --draft` verb gives train.py
    /// exactly this.
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
            Flag(pii.Any(e => PiiCategories.IsContact(e.Category))),
            Flag(pii.Any(e => e.Category != PiiCategories.Person && !PiiCategories.IsContact(e.Category))),
            Flag(publishedContacts.Count > 0),
        };
        extra.AddRange(Cues.Select(cue => Flag(cue().IsMatch(text))));
        // Ages alone ("a navy fleece, age 3-4", "spaces for 2 year olds") are mostly in fine posts, so the reviewer lets
        // the model decide those; the model needs to know the personal data it was told about is only that.
        extra.Add(Flag(AgesOnly(pii)));
        return (modelText, [.. extra]);
    }

    /// <summary>The only personal data found is ages: not enough by itself to stop a post.</summary>
    internal static bool AgesOnly(IReadOnlyList<PiiEntity> pii) => pii.Count > 0 && pii.All(e => e.Category == PiiCategories.Age);

    public void Dispose() => _head.Dispose();

    private static float Flag(bool value) => value ? 1f : 0f;

    // Order matters: the model's weights follow it. Add new cues at the end, move AGES_ONLY in train.py, and retrain.
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

    /// <summary>The mean of "not-allowed" and the likeliest kind at or above this: the post breaks the policy.</summary>
    public required double Threshold { get; init; }

    /// <summary>For each kind (in output order after "not-allowed"), how sure the model must be to name it as a finding.</summary>
    public required double[] SureThresholds { get; init; }

    /// <summary>The likeliest kind below this: the model is unsure what the problem is, and names kinds at <see cref="NameThresholds"/>.</summary>
    public required double HedgeBelow { get; init; }

    /// <summary>For each kind, how likely it must be to be named when the model is unsure (best F2 out of fold: recall first).</summary>
    public required double[] NameThresholds { get; init; }
}
