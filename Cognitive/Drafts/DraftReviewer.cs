using System.Text;
using System.Text.RegularExpressions;
using WWPS.PolicyBot.Cognitive.Analysis;
using WWPS.PolicyBot.Cognitive.Pii;
using WWPS.PolicyBot.Cognitive.Policy;
using WWPS.PolicyBot.Cognitive.Understanding;

namespace WWPS.PolicyBot.Cognitive.Drafts;

/// <summary>
/// Checks a draft post against the policy: tone and personal data from the text analyser, situations from the learned
/// <see cref="DraftModel"/> (or, for a policy it was not trained on, <see cref="DraftRules"/>), each finding tied to the
/// clause it breaks. The preschool's own published contacts are
/// never counted against a post.
/// </summary>
public sealed class DraftReviewer
{
    public const int MaxLength = 20_000;

    // Clause ids in the bundled policy; a setting's own policy without them still gets findings, with the id alone.
    internal const string Confidential = "methods-1";
    internal const string Harm = "methods-2";
    internal const string Photos = "methods-3";
    internal const string Defamation = "methods-4";
    internal const string Contact = "methods-8";

    // More than three lines of "this breaks…" from the model would bury the one that matters.
    private const int MaxLearnedFindings = 3;

    // Clearly hostile tone about the preschool's people counts as criticism even without a listed word.
    private const double HostileCompound = -0.5;

    // Criticism words in an otherwise warm post ("avoid the traffic, come early!") are not criticism.
    private const double WarmCompound = 0.5;

    private readonly PolicyDocument _policy;
    private readonly ITextAnalyzer _analyzer;
    private readonly ContactAllowList _allowList;
    private readonly DraftModel? _model;

    /// <param name="model">The learned reading of drafts; null to judge the situations by <see cref="DraftRules"/>.</param>
    public DraftReviewer(PolicyDocument policy, ITextAnalyzer analyzer, ContactAllowList allowList, DraftModel? model = null)
    {
        _policy = policy;
        _analyzer = analyzer;
        _allowList = allowList;
        _model = model;
    }

    /// <summary>
    /// A contact allow-list from what the policy publishes (its email and phone number); a phone number that does not
    /// validate is left out and passed to <paramref name="skipped"/>.
    /// </summary>
    public static ContactAllowList AllowListFor(PolicyDocument policy, Action<string>? skipped = null) => ContactAllowList.FromPublished(
        policy.Metadata.ContactEmail is { } email ? [email] : [],
        policy.Metadata.ContactPhone is { } phone ? [phone] : [],
        skipped);

    /// <summary>Null when the text can be checked, else a message for the person who sent it.</summary>
    public static string? Validate(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "There's nothing to check: paste the text of your draft post.";
        }

        return text.Length > MaxLength
            ? $"That draft is {text.Length:N0} characters; I can check up to {MaxLength:N0}. Please check it in parts."
            : null;
    }

    public async Task<DraftReview> ReviewAsync(DraftInput draft, CancellationToken cancellationToken) =>
        (await ReviewAsync([draft], cancellationToken).ConfigureAwait(false))[0];

    /// <summary>Checks several drafts with one call to the analyser (Azure batches them).</summary>
    public async Task<IReadOnlyList<DraftReview>> ReviewAsync(IReadOnlyList<DraftInput> drafts, CancellationToken cancellationToken)
    {
        foreach (var draft in drafts)
        {
            if (Validate(draft.Text) is { } problem)
            {
                throw new ArgumentException(problem, nameof(drafts));
            }
        }

        var analyses = await _analyzer.AnalyzeAsync([.. drafts.Select(d => d.Text)], cancellationToken).ConfigureAwait(false);
        return [.. drafts.Zip(analyses, Review)];
    }

    /// <summary>
    /// <paramref name="text"/> with personal data replaced by placeholders ([NAME], [PHONE]…), the preschool's own
    /// published contacts left as they are; what an escalation summary passes on unless its writer keeps the details.
    /// </summary>
    public async Task<string> RedactAsync(string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            return text;
        }

        var analysis = (await _analyzer.AnalyzeAsync([text], cancellationToken).ConfigureAwait(false))[0];
        return Redact(text, [.. analysis.Pii.Where(e => !_allowList.IsAllowed(e))]);
    }

    private DraftReview Review(DraftInput draft, TextAnalysis analysis)
    {
        var text = draft.Text;
        var pii = analysis.Pii.Where(e => !_allowList.IsAllowed(e)).OrderBy(e => e.Start).ToList();
        var findings = new List<DraftFinding>();
        var contactOffer = DraftRules.PrivateContactOffer().Match(text);
        var privateContacts = pii.Where(e => PiiCategories.IsContact(e.Category)).ToList();
        var reading = _model?.Read(text, pii, Published(analysis), draft.Attachments.Any(a => a.IsPhotoOrVideo));
        var offersPrivateContact = (contactOffer.Success || privateContacts.Count > 0) && (reading is not null
            ? reading.Breaks && reading.Kinds.Any(k => k.Kind == "contact" && k.Sure)
            : RulesSeeAChildsContact(text, contactOffer, privateContacts));

        // Ages alone are mostly in fine posts ("spaces for 2 year olds"): they count against a post only when the model
        // says it breaks the policy anyway. They are still reported and redacted.
        var piiCounts = reading is null || reading.Breaks || !DraftModel.AgesOnly(pii);
        foreach (var entity in piiCounts ? pii : [])
        {
            var isContact = offersPrivateContact && PiiCategories.IsContact(entity.Category);
            findings.Add(Finding(isContact ? "private-contact" : "pii", isContact ? Contact : Confidential, PiiMessage(entity), Span(text, entity.Start, entity.Length)));
        }

        if (offersPrivateContact && contactOffer.Success)
        {
            findings.Add(Finding("private-contact", Contact,
                "Offers a private way to contact you about a child. Messages about a child's development, welfare or attendance go through the preschool's own email or phone.",
                Span(text, contactOffer)));
        }

        if (reading is not null)
        {
            findings.AddRange(Learned(draft, reading, findings));
        }
        else
        {
            findings.AddRange(ByRules(draft, pii, analysis.Sentiment.Compound));
        }

        var verdict = findings.Count == 0 ? DraftVerdicts.Ok
            : findings.Any(f => f.Kind is "criticism" or "confidential" or "harm") ? DraftVerdicts.DoNotPost
            : DraftVerdicts.Revise;
        var redacted = Redact(text, pii);
        return new DraftReview(
            verdict == DraftVerdicts.Ok,
            verdict,
            findings,
            pii,
            analysis.Sentiment,
            redacted,
            Suggest(findings, pii, draft),
            analysis.Notice);
    }

    /// <summary>By the hand-written rules: a private contact is offered (or given beside a contact verb) about a child's welfare.</summary>
    private static bool RulesSeeAChildsContact(string text, Match contactOffer, List<PiiEntity> privateContacts) =>
        DraftRules.ChildWelfareTopics().IsMatch(text)
        && (contactOffer.Success
            || DraftRules.InsteadOfThePreschool().IsMatch(text)
            || privateContacts.Any(e => DraftRules.ContactVerbBefore().IsMatch(text.AsSpan(Math.Max(0, e.Start - 30), Math.Min(30, e.Start)))));

    private List<PiiEntity> Published(TextAnalysis analysis) => [.. analysis.Pii.Where(_allowList.IsAllowed)];

    /// <summary>What the learned model reads for a draft (text and extra features), for the `embed --draft` verb.</summary>
    public async Task<(string Text, float[] Extra)> ModelInputAsync(DraftInput draft, CancellationToken cancellationToken)
    {
        var analysis = (await _analyzer.AnalyzeAsync([draft.Text], cancellationToken).ConfigureAwait(false))[0];
        return DraftModel.Input(draft.Text, [.. analysis.Pii.Where(e => !_allowList.IsAllowed(e))], Published(analysis), draft.Attachments.Any(a => a.IsPhotoOrVideo));
    }

    /// <summary>
    /// The situations a draft breaks the policy in, from the learned model: each kind its reading names (or the
    /// likeliest, when nothing else was found), likeliest first, at most <see cref="MaxLearnedFindings"/>.
    /// </summary>
    private IEnumerable<DraftFinding> Learned(DraftInput draft, DraftReading reading, List<DraftFinding> already)
    {
        if (!reading.Breaks)
        {
            yield break;
        }

        var kinds = reading.Kinds.Where(k => k.Named).ToList();
        if (kinds.Count == 0 && already.Count == 0)
        {
            // The post breaks the policy but no single kind stands out: name the likeliest.
            kinds.Add(reading.Kinds[0]);
        }

        // A kind whose clause a finding already cites adds only a line: a private contact already found, or a personal
        // matter the model is not sure of beside a name (so "a name alone" stays a revise, not a do-not-post).
        kinds = [.. kinds
            .Where(k => !(k.Kind == "contact" && already.Any(f => f.Kind == "private-contact")))
            .Where(k => !(k.Kind == "personal" && !k.Sure && already.Any(f => f.Kind == "pii")))
            .Take(MaxLearnedFindings)];
        var text = draft.Text;
        foreach (var kind in kinds)
        {
            // Where one of the old rules' cues matches, it shows the user which words the finding is about.
            yield return kind.Kind switch
            {
                "personal" => Finding("confidential", Confidential, "Shares a personal or confidential matter about a child, a family or a member of staff.", Cue(text, DraftRules.SensitiveMatters())),
                "criticism" => Finding("criticism", Defamation, "Criticises or hints at wrongdoing by the preschool or its people (sarcasm and insinuation count). The preschool may only be discussed positively on personal pages; concerns go privately to the Manager or the Chair.",
                    Cue(text, DraftRules.Insinuation()) ?? Cue(text, DraftRules.Criticism())),
                "harm" => Finding("harm", Harm, "Could put the welfare of children or adults connected with the preschool at risk.", Cue(text, DraftRules.HarmToWelfare())),
                "photo" => Finding("photo", Photos, draft.Attachments.Any(a => a.IsPhotoOrVideo)
                    ? "Has a photo or video of the children. Photos and videos of pupils must not be uploaded to social networking sites."
                    : "Shares photos or videos of the children. Photos and videos of pupils must not be uploaded.", Cue(text, DraftRules.MediaWords())),
                "workinfo" => Finding("work-info", Photos, "Shares work-related information, which must not be posted on social networking sites.", Cue(text, DraftRules.WorkInformation())),
                _ => Finding("private-contact", Contact, "Offers a private way to contact staff about a child. Messages about a child's development, welfare or attendance go through the preschool's own email or phone.", Cue(text, DraftRules.PrivateContactOffer())),
            };
        }
    }

    private static TextSpan? Cue(string text, Regex cue) => cue.Match(text) is { Success: true } match ? Span(text, match) : null;

    /// <summary>The situations a draft breaks the policy in, by hand-written rules: for a policy the model was not trained on.</summary>
    private List<DraftFinding> ByRules(DraftInput draft, List<PiiEntity> pii, double compound)
    {
        var text = draft.Text;
        var findings = new List<DraftFinding>();
        var hasChildWords = DraftRules.ChildWords().IsMatch(text);
        var hasSettingWords = DraftRules.SettingWords().IsMatch(text);
        var media = DraftRules.MediaWords().Match(text);
        var namesOtherSubject = DraftRules.NonPersonSubjects().IsMatch(text);
        var showsPupils = hasChildWords || (hasSettingWords && !namesOtherSubject);
        if (draft.Attachments.Any(a => a.IsPhotoOrVideo) && (showsPupils || !namesOtherSubject))
        {
            findings.Add(Finding("photo", Photos, "Has a photo or video attached. Photos and videos of pupils must not be uploaded to social networking sites.", null));
        }
        else if (media.Success && showsPupils)
        {
            findings.Add(Finding("photo", Photos, "Shares photos or videos of the children. Photos and videos of pupils must not be uploaded.", Span(text, media)));
        }

        if (DraftRules.WorkInformation().Match(text) is { Success: true } work)
        {
            findings.Add(Finding("work-info", Photos, "Shares work-related information, which must not be posted on social networking sites.", Span(text, work)));
        }

        var aboutPreschool = DraftRules.PreschoolPeople().IsMatch(text);
        var criticism = DraftRules.Criticism().Match(text);
        var insinuation = DraftRules.Insinuation().Match(text);
        if (aboutPreschool && ((criticism.Success && compound < WarmCompound) || insinuation.Success || compound <= HostileCompound))
        {
            var where = insinuation.Success ? insinuation : criticism.Success ? criticism : null;
            findings.Add(Finding("criticism", Defamation,
                insinuation.Success
                    ? "Hints at wrongdoing by the preschool or its people. Concerns are raised privately with the Manager or the Chair, not online."
                    : "Criticises the preschool or its people. The preschool may only be discussed on personal pages positively.",
                where is null ? Span(text, 0, text.Length) : Span(text, where)));
        }

        var sensitive = DraftRules.SensitiveMatters().Match(text);
        if (sensitive.Success && (pii.Any(e => e.Category == PiiCategories.Person) || hasChildWords || hasSettingWords || DraftRules.FamilyOrStaff().IsMatch(text)))
        {
            findings.Add(Finding("confidential", Confidential,
                "Shares a personal or confidential matter about a child, a family or a member of staff.",
                Span(text, sensitive)));
        }

        if (DraftRules.HarmToWelfare().Match(text) is { Success: true } harm)
        {
            findings.Add(Finding("harm", Harm, "Could put the welfare of children or adults connected with the preschool at risk.", Span(text, harm)));
        }

        return findings;
    }

    /// <summary>
    /// What to change, one line per kind of problem: advice, not the redacted text again (the card shows that beside
    /// it). Null when the post is fine.
    /// </summary>
    private string? Suggest(List<DraftFinding> findings, List<PiiEntity> pii, DraftInput draft)
    {
        if (findings.Count == 0)
        {
            return null;
        }

        var meta = _policy.Metadata;
        var preschool = (meta.ContactEmail, meta.ContactPhone) switch
        {
            ({ } email, { } phone) => $"the preschool's email {email} or phone {phone}",
            ({ } email, null) => $"the preschool's email {email}",
            (null, { } phone) => $"the preschool's phone {phone}",
            _ => "the preschool's own email or phone",
        };
        var changes = new List<string>();
        void Add(string change)
        {
            if (!changes.Contains(change))
            {
                changes.Add(change);
            }
        }

        if (pii.Any(e => e.Category == PiiCategories.Person && e.Subcategory == PiiCategories.Child))
        {
            Add("Take out the child's name: say \u201cthe children\u201d or \u201cour preschoolers\u201d instead.");
        }

        if (pii.Any(e => e.Category == PiiCategories.Person && e.Subcategory != PiiCategories.Child))
        {
            Add("Leave out the names of families and staff.");
        }

        if (pii.Any(e => e.Category is PiiCategories.Address or PiiCategories.NhsNumber or PiiCategories.NationalInsuranceNumber or PiiCategories.Age or PiiCategories.DateOfBirth))
        {
            Add("Remove the personal details (address, ages, dates of birth, NHS or National Insurance numbers).");
        }

        foreach (var kind in findings.Select(f => f.Kind).Distinct())
        {
            switch (kind)
            {
                case "private-contact":
                    Add($"Don't give your own number or account for anything about a child: point parents to {preschool}.");
                    break;
                case "pii" when pii.Any(e => PiiCategories.IsContact(e.Category)) && !findings.Any(f => f.Kind == "private-contact"):
                    Add($"Remove the private phone number or email; if people need to get in touch, use {preschool}.");
                    break;
                case "photo":
                    Add(draft.Attachments.Any(a => a.IsPhotoOrVideo)
                        ? "Post it without the photo or video of the children: a picture of the venue, a poster or the cake stall works."
                        : "Don't share photos or videos of the children: describe the day in words instead.");
                    break;
                case "work-info":
                    Add("Leave out the rota, plans and other work details: they stay inside the preschool.");
                    break;
                case "criticism":
                    Add("Don't post criticism or hints about the preschool or its people: raise it privately with the Manager or the Chair.");
                    break;
                case "confidential":
                    Add("Leave out the personal matter: it is not yours to share, even without a name.");
                    break;
                case "harm":
                    Add("Don't post this: it could put someone at risk. If you are worried, talk to the Manager or the Chair.");
                    break;
            }
        }

        return changes.Count == 0 ? null : string.Join('\n', changes.Select(c => "- " + c));
    }

    /// <summary>Personal data replaced by placeholders; later overlapping entities are skipped so offsets stay true.</summary>
    internal static string Redact(string text, IReadOnlyList<PiiEntity> pii)
    {
        var sb = new StringBuilder(text.Length);
        var at = 0;
        foreach (var entity in pii.OrderBy(e => e.Start))
        {
            if (entity.Start < at || entity.End > text.Length)
            {
                continue;
            }

            sb.Append(text, at, entity.Start - at).Append(Placeholder(entity));
            at = entity.End;
        }

        return sb.Append(text, at, text.Length - at).ToString();
    }

    private static string Placeholder(PiiEntity entity) => entity.Category switch
    {
        PiiCategories.Person => entity.Subcategory == PiiCategories.Child ? "[CHILD]" : "[NAME]",
        PiiCategories.PhoneNumber => "[PHONE]",
        PiiCategories.Email => "[EMAIL]",
        PiiCategories.SocialHandle => "[HANDLE]",
        PiiCategories.Address => "[ADDRESS]",
        PiiCategories.Age => "[AGE]",
        PiiCategories.DateOfBirth => "[DATE OF BIRTH]",
        PiiCategories.NhsNumber => "[NHS NUMBER]",
        PiiCategories.NationalInsuranceNumber => "[NI NUMBER]",
        _ => "[PERSONAL DATA]",
    };

    private static string PiiMessage(PiiEntity entity) => entity.Category switch
    {
        PiiCategories.Person when entity.Subcategory == PiiCategories.Child => "Names a child. Pupils must not be identified online.",
        PiiCategories.Person => "Names a person connected with the post. Personal matters about the preschool's families and staff stay private.",
        PiiCategories.PhoneNumber => "Shares a private phone number.",
        PiiCategories.Email => "Shares a private email address.",
        PiiCategories.SocialHandle => "Shares a private social media handle.",
        PiiCategories.Address => "Shares where someone lives.",
        PiiCategories.Age or PiiCategories.DateOfBirth => "Gives a child's age or date of birth.",
        _ => "Shares personal data.",
    };

    private DraftFinding Finding(string kind, string clause, string message, TextSpan? span) =>
        new(kind, clause, _policy.Find(clause)?.Text ?? "", message, span);

    private static TextSpan Span(string text, Match match) => Span(text, match.Index, match.Length);

    private static TextSpan Span(string text, int start, int length) => new(start, length, text.Substring(start, length));

}
