using System.Text.RegularExpressions;

namespace WWPS.PolicyBot.Cognitive.Drafts;

/// <summary>
/// The word patterns behind the draft check, one per kind of problem the policy names. Each is deliberately about the
/// situation, not exact sentences: a media word near a word for the children; a word for the preschool's people near a
/// criticism; a private contact offered for a child's welfare. Kept together so they can be reviewed in one place.
/// </summary>
internal static partial class DraftRules
{
    // Words for the pupils, and for the preschool and its events: what makes a photo or a remark about "work".
    [GeneratedRegex(@"\b(?:child(?:ren)?'?s?|kids?'?|kiddies|little ones?|pupils?|toddlers?|tots|key child(?:ren)?|my key (?:child|group)|babies|boys|girls|class|our room|preschoolers?)\b", RegexOptions.IgnoreCase)]
    public static partial Regex ChildWords();

    [GeneratedRegex(@"\b(?:pre-?school|nursery|playgroup|wwps|sports day|nativity|trip|forest school|circle time|story time|messy play|ball pit|sandpit|setting|at work)\b", RegexOptions.IgnoreCase)]
    public static partial Regex SettingWords();

    // A photo or a video, in words.
    [GeneratedRegex(@"\b(?:photos?|pics?|pictures?|piccies|snaps|selfies?|videos?|vids?|clips?|footage|filmed|filming|recording|reels?|screenshots?|highlights)\b", RegexOptions.IgnoreCase)]
    public static partial Regex MediaWords();

    // What a photo can be of without showing pupils; with one of these and no child word, an attachment is not flagged.
    [GeneratedRegex(@"\b(?:sunset|sunrise|sky|view|views|lake|river|bridge|beach|sea|garden|flowers?|cakes?|bakes?|baking|cupcakes?|food|dinner|lunch|breakfast|puppy|dog|cat|kitten|car|house|poster|flyer|leaflet|tickets?|raffle prizes?|prizes?|stall|tombola)\b", RegexOptions.IgnoreCase)]
    public static partial Regex NonPersonSubjects();

    // Work-related information the policy keeps off personal pages.
    [GeneratedRegex(@"\b(?:(?:staff )?rotas?|planning|plans for next|observations|accident book|incident (?:book|form)|behaviour chart|reward system|gate code|door code|key ?code|staff meeting|key person meetings?|ofsted (?:are|is) coming|ofsted visit|inspection (?:is|next)|risk assessments?|ratios?)\b", RegexOptions.IgnoreCase)]
    public static partial Regex WorkInformation();

    // The preschool's people and bodies: who a criticism can be about.
    [GeneratedRegex(@"\b(?:pre-?school|nursery|playgroup|wwps|staff|manager'?s?|management|deputy|third in charge|committee|chair(?:person)?|ofsted|inspectors?|key ?workers?|key person|practitioners?|teachers?|leader|in there|that place|this place)\b", RegexOptions.IgnoreCase)]
    public static partial Regex PreschoolPeople();

    // Criticism, insult and insinuation; sentiment alone misses "if only parents knew…".
    [GeneratedRegex(@"\b(?:clowns?|shambles|shambolic|joke|lazy|rude|liars?|bull(?:y|ies)|useless|clueless|incompetent|disgrace(?:ful)?|shout(?:s|ed|ing)? at|avoid|worst|terrible|awful|appalling|rubbish|pathetic|biased|had it in for|treated like dirt|should(?:n't| not) be working|couldn't organise|can't organise|wouldn'?t send my dog|favourites?|favourite families|cover[- ]?up|dodgy|corrupt|nightmare|hate|useless)\b", RegexOptions.IgnoreCase)]
    public static partial Regex Criticism();

    [GeneratedRegex(@"(?:\bif only (?:parents|people|you) knew\b|\bask yourself why\b|\bfunny how\b|\bjust saying\b|\bnot saying anything\b|\bi'?m not saying\b|\bwhere does (?:our|the) (?:\w+ )?money (?:even )?go\b|\bwhat goes on in there\b|\bdraw your own conclusions\b|\bsay no more\b|\bno wonder\b|\bmake of that what you will\b|\btells you everything\b|\bnot naming (?:any )?names\b|\bnaming no names\b|\ba certain (?:member of staff|someone|person|teacher|key worker|manager)\b|\bwon'?t say who\b|🤔|👀|🙄|🤐)", RegexOptions.IgnoreCase)]
    public static partial Regex Insinuation();

    // Personal or confidential matters about children, families or staff.
    [GeneratedRegex(@"\b(?:diagnos(?:ed|is)|assessed for|autism|autistic|adhd|send needs|special needs|depression|anxiety|mental health|struggling|divorce|split(?:ting)? up|separated|prison|arrested|police|social services|custody|lost (?:his|her|their) job|redundan(?:t|cy)|money problems|struggling for money|debts?|can't afford|might not manage the (?:preschool )?fees|benefits|pregnant|expecting|maternity|miscarriage|sickness|sick|poorly|chest infection|hospital|a&e|nits|head lice|nappy rash|allerg(?:y|ies|ic)|medication|illness|ill|speech therapist|speech therapy|wits'? end|moving to \w+ because|violent|abuse|neglect|behaviour problems)\b", RegexOptions.IgnoreCase)]
    public static partial Regex SensitiveMatters();

    // Offering a private channel: "text me", "DM me on insta", "my personal email", "home number".
    [GeneratedRegex(@"\b(?:(?:text|call|ring|phone|whats ?app|message|dm|pm|email|e-mail|inbox|drop) me\b|my (?:personal |own |home )?(?:mobile|number|phone|email|e-mail|inbox|insta|facebook|messenger)|home number|personal (?:email|number|phone|mobile)|facebook messenger|dm me|drop me a line|ring my mobile)", RegexOptions.IgnoreCase)]
    public static partial Regex PrivateContactOffer();

    // What the policy says must go through the preschool's own email or phone.
    [GeneratedRegex(@"\b(?:development|welfare|wellbeing|attendance|absen(?:t|ce|ces)|off sick|be off|going to be off|won'?t be in|not be in|late|unwell|poorly|ill|sick|progress|speech|nappy|toilet|worries about your child|about your child|your little one|your child|child'?s|behaviour|reports?|updates on|settling(?: in)?|settled|getting on|how (?:s?he|they)(?:'s| is| are) doing|upset|eating|sleep(?:ing)?|naps?|medicine|medication)\b", RegexOptions.IgnoreCase)]
    public static partial Regex ChildWelfareTopics();

    // A contact verb just before a phone number or email: "just text 07700…", "ring 01494…", "email jo@…".
    [GeneratedRegex(@"\b(?:text|txt|call|ring|phone|whats ?app|message|msg|dm|email|e-mail|contact)(?: me)?(?: on| at)?\s*:?\s*$", RegexOptions.IgnoreCase)]
    public static partial Regex ContactVerbBefore();

    // Things that put children at risk: where they will be and when, codes, hostility towards a child or a family.
    [GeneratedRegex(@"\b(?:gate code|door code|key ?code|every (?:monday|tuesday|wednesday|thursday|friday|day|week) at \d|same route|walk to the park every|come and wave|brat|sort (?:him|her|them) out|needs a slap|can'?t stand|violent one|which .{0,20}(?:dad|mum|parent) is)\b", RegexOptions.IgnoreCase)]
    public static partial Regex HarmToWelfare();

    // "...easier than ringing the office": a private channel offered in place of the preschool's own.
    [GeneratedRegex(@"\b(?:rather than|instead of|easier than|quicker than)\b", RegexOptions.IgnoreCase)]
    public static partial Regex InsteadOfThePreschool();

    // People whose personal matters the policy protects, when no name or child word says who.
    [GeneratedRegex(@"\b(?:mum|dad|family|families|nan|brother|sister|staff|colleague|deputy|manager|key worker|one of the)\b", RegexOptions.IgnoreCase)]
    public static partial Regex FamilyOrStaff();
}
