using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace WWPS.PolicyBot.Cognitive.Pii;

/// <summary>
/// Home addresses: capitalised words ending in a street type ("12 Marlow Road", "Flat 3, 5 High Street", "lives on
/// Castle Street"). There is no NER locally, so the street type is the anchor. A street name alone is not personal
/// data: fairs, road closures, shops and lost cats are all "on Church Lane". So a bare street counts only with evidence
/// that someone lives there: a house or flat number, a full postcode after it, a word about living somewhere before it
/// in the same sentence, or a person it is given as theirs ("Lily (3) from Marlow Road", "Janet Moore of Daws Hill Lane").
/// </summary>
internal sealed partial class AddressRecognizer(NameGazetteer gazetteer) : IPiiRecognizer
{
    // A house number is the usual mark of a home ("Party at 7 Church Lane"); venues are named, not numbered.
    private const double WithNumberScore = 0.75;
    // A bare "Church Lane" is a weak, uncorroborated hit like a loose postcode: below the threshold alone,
    // above it (0.65) with evidence of a home.
    private const double CommonSuffixScore = 0.3;
    // "Park", "Green", "Hill"… also name parks, pubs and teams ("Wycombe Green"), so they start lower still.
    private const double AmbiguousSuffixScore = 0.2;

    // "moved into the Old Forge on Church Lane" and "her house with the ridiculous extension on Chapel Lane" put the
    // living word six words back; the sentence bound keeps a wider window than Presidio's five from reaching into
    // the sentence before ("a house in Downley that isn't mine. Anyone on Moor Lane got a box?").
    private const int LivingWindow = 8;

    private static readonly FrozenSet<string> CommonSuffixes = new[]
    {
        "Road", "Street", "Lane", "Avenue", "Close", "Drive", "Way", "Crescent", "Gardens", "Grove", "Terrace", "Mews",
    }.ToFrozenSet(StringComparer.Ordinal);

    // Abbreviations collide with titles ("Dr Patel", "St Mary's") unless a house number comes first.
    private static readonly FrozenSet<string> Abbreviations = new[] { "Rd", "St", "Ln", "Ave", "Dr", "Cres", "Gdns", "Pl", "Ct" }.ToFrozenSet(StringComparer.Ordinal);

    private static FrozenSet<string> Set(params string[] words) => words.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    // "care home", "open house", "coffee house" are venues, not anyone's home.
    private static readonly FrozenSet<string> VenueBeforeHome = Set("care", "nursing", "retirement", "residential", "funeral", "open", "coffee", "public", "guest", "auction", "ale", "tea", "wash");

    // "live music on the High Street", "living wage", "a flat tyre on Marlow Road": the word used as an adjective.
    private static readonly FrozenSet<string> NotLivingAfter = Set(
        "music", "band", "bands", "entertainment", "act", "acts", "performance", "performances", "show", "shows", "stream",
        "streaming", "gig", "dj", "wage", "room", "tyre", "tyres", "tire", "white", "whites", "rate", "fee", "pack");

    // "moved to Church Lane" is someone's move; "traffic moving slowly on Church Lane" is not.
    private static readonly FrozenSet<string> MoveTo = Set("to", "into", "in", "onto", "house", "home");

    // The writer's own street in passing ("the streetlight outside our house on Chorley Road", "we moved to Church Lane
    // last month") is theirs to share, and the drafts corpus marks it not personal data; their own house number still
    // counts, and so does "my address is", which hands the address out.
    private static readonly FrozenSet<string> FirstPersonPossessives = Set("my", "our");
    private static readonly FrozenSet<string> FirstPersonSubjects = Set("i", "we", "i've", "we've", "i'm", "we're", "i'd", "we'd", "ive", "weve", "im");

    private static readonly FrozenSet<string> Route = Set("along", "down", "up", "via", "through", "past", "across", "from", "to", "by");

    // "my address is Church Lane" is a home; "Address: St Paul's Church Hall, Church Road" on a poster is a venue.
    // So "address" counts only with an owner ("her address", "Jo's address") or as "home", "new" or "old address".
    private static readonly FrozenSet<string> AddressOwners = Set("my", "your", "his", "her", "our", "their", "home", "new", "old");

    // People a street can be given as theirs with "from" or "of" ("the family from Church Lane").
    private static readonly FrozenSet<string> PersonNouns = Set(
        "family", "families", "girl", "boy", "lady", "man", "woman", "mum", "dad", "couple", "nan", "grandma", "grandad",
        "gran", "son", "daughter", "child", "kids", "children", "neighbour", "neighbours", "twins");

    public void Recognize(AnalysisInput input, List<PiiCandidate> sink)
    {
        foreach (Match match in AddressPattern().Matches(input.Text))
        {
            var suffix = match.Groups["suffix"].Value;
            bool numbered = match.Groups["number"].Success;
            if (!numbered && Abbreviations.Contains(suffix)) continue;

            double score = numbered ? WithNumberScore : CommonSuffixes.Contains(suffix) ? CommonSuffixScore : AmbiguousSuffixScore;
            bool home = LivingWordBefore(input, match.Index)
                || FollowingPostcode().IsMatch(input.Text.AsSpan(match.Index + match.Length))
                || GivenToPerson(input, match.Index);
            score = Scoring.WithContext(score, home);
            sink.Add(new PiiCandidate(PiiCategories.Address, match.Index, match.Length, score));
        }
    }

    /// <summary>A word about living somewhere within <see cref="LivingWindow"/> words before, in the same sentence.</summary>
    private static bool LivingWordBefore(AnalysisInput input, int start)
    {
        var living = ContextWords.Address.GetAlternateLookup<ReadOnlySpan<char>>();
        int first = input.TokenIndexAtOrAfter(start);
        for (int i = first - 1, seen = 0; i >= 0 && seen < LivingWindow; i--, seen++)
        {
            if (EndsSentence(Gap(input, i))) break;
            var word = AnalysisInput.WithoutPossessive(input.Span(input.Tokens[i]));
            if (living.Contains(word) && IsLivingUse(input, i, word)) return true;
        }
        return false;
    }

    private static bool IsLivingUse(AnalysisInput input, int index, ReadOnlySpan<char> word)
    {
        var tokens = input.Tokens;
        var previous = index > 0 ? input.Span(tokens[index - 1]) : [];
        var next = index + 1 < tokens.Count ? input.Span(tokens[index + 1]) : [];

        // Part of a capitalised name: "Wycombe House", "Home Bargains", "Live Nation".
        if (char.IsUpper(word[0]) && ((previous.Length > 0 && char.IsUpper(previous[0]) && !EndsSentence(Gap(input, index - 1)))
            || (next.Length > 0 && char.IsUpper(next[0]))))
        {
            return false;
        }
        if (next.Length > 0 && NotLivingAfter.GetAlternateLookup<ReadOnlySpan<char>>().Contains(next)) return false;

        if (word.Equals("house", StringComparison.OrdinalIgnoreCase) || word.Equals("home", StringComparison.OrdinalIgnoreCase)
            || word.Equals("flat", StringComparison.OrdinalIgnoreCase))
        {
            // "walk her home along Chorley Road" is a route, not her home on it.
            if (word.Equals("home", StringComparison.OrdinalIgnoreCase) && Route.GetAlternateLookup<ReadOnlySpan<char>>().Contains(next)) return false;
            var venue = VenueBeforeHome.GetAlternateLookup<ReadOnlySpan<char>>();
            var firstPerson = FirstPersonPossessives.GetAlternateLookup<ReadOnlySpan<char>>();
            return !venue.Contains(previous) && !firstPerson.Contains(previous);
        }
        if (word.Equals("moved", StringComparison.OrdinalIgnoreCase) || word.Equals("moving", StringComparison.OrdinalIgnoreCase))
        {
            return MoveTo.GetAlternateLookup<ReadOnlySpan<char>>().Contains(next) && !FirstPersonBefore(input, index);
        }
        if (word.StartsWith("liv", StringComparison.OrdinalIgnoreCase))
        {
            // "cost of living"; "we live on Church Lane" is the writer's own, as with "our house".
            return !previous.Equals("of", StringComparison.OrdinalIgnoreCase) && !FirstPersonBefore(input, index);
        }
        if (word.Equals("address", StringComparison.OrdinalIgnoreCase))
        {
            var owners = AddressOwners.GetAlternateLookup<ReadOnlySpan<char>>();
            for (int k = index - 1; k >= Math.Max(0, index - 2); k--)
            {
                var before = input.Span(tokens[k]);
                if (owners.Contains(before) || AnalysisInput.WithoutPossessive(before).Length != before.Length) return true;
            }
            return false;
        }
        return true;
    }

    /// <summary>
    /// "from" or "of" straight before the street, after a person: an age in brackets ("Lily (3) from Marlow Road"), a
    /// first name with or without a surname ("Janet Moore of Daws Hill Lane"), or a word for people ("the family from").
    /// </summary>
    private bool GivenToPerson(AnalysisInput input, int start)
    {
        var tokens = input.Tokens;
        int from = input.TokenIndexAtOrAfter(start) - 1;
        if (from < 1) return false;
        var preposition = input.Span(tokens[from]);
        if (!preposition.Equals("from", StringComparison.OrdinalIgnoreCase) && !preposition.Equals("of", StringComparison.OrdinalIgnoreCase)) return false;

        int person = from - 1;
        bool bracketedAge = Gap(input, person).Trim().SequenceEqual(")") && !input.Span(tokens[person]).ContainsAnyExceptInRange('0', '9');
        if (bracketedAge || PersonNouns.GetAlternateLookup<ReadOnlySpan<char>>().Contains(input.Span(tokens[person]))) return true;
        // A calendar or place word in the run makes it an event or a place ("the Christmas Fayre from Chorley Road").
        bool named = false;
        for (int k = person; k >= Math.Max(0, person - 1); k--)
        {
            var word = input.Span(tokens[k]);
            if (!char.IsUpper(word[0]) || (k < person && EndsSentence(Gap(input, k)))) break;
            var kind = gazetteer.Lookup(AnalysisInput.WithoutPossessive(word));
            if (kind == NameKind.Reserved) return false;
            named |= kind is NameKind.Clear or NameKind.Ambiguous;
        }
        return named;
    }

    /// <summary>"we moved", "I live", "We're new here (moved to …": a first-person subject up to three words before, in the sentence.</summary>
    private static bool FirstPersonBefore(AnalysisInput input, int index)
    {
        var subjects = FirstPersonSubjects.GetAlternateLookup<ReadOnlySpan<char>>();
        for (int k = index - 1; k >= Math.Max(0, index - 3) && !EndsSentence(Gap(input, k)); k--)
        {
            if (subjects.Contains(input.Span(input.Tokens[k]))) return true;
        }
        return false;
    }

    /// <summary>The text between token <paramref name="index"/> and the next one.</summary>
    private static ReadOnlySpan<char> Gap(AnalysisInput input, int index)
    {
        var tokens = input.Tokens;
        int end = index + 1 < tokens.Count ? tokens[index + 1].Start : input.Text.Length;
        return input.Text.AsSpan(tokens[index].End, end - tokens[index].End);
    }

    /// <summary>A full stop, question or exclamation mark followed by a space, or a line break ("8.50" is no boundary).</summary>
    private static bool EndsSentence(ReadOnlySpan<char> gap)
    {
        if (gap.ContainsAny('\n', '\r')) return true;
        int mark = gap.IndexOfAny(".!?");
        return mark >= 0 && mark + 1 < gap.Length && char.IsWhiteSpace(gap[mark + 1]);
    }

    // Name words are capitalised; sentence words that are often capitalised before a street type ("The", "Our", "On")
    // are excluded so "On Marlow Road" yields "Marlow Road".
    [GeneratedRegex(@"(?<![\p{L}\p{Nd}])(?<number>(?:(?:Flat|Apartment|Apt|Unit)\s+\d{1,4}[A-Za-z]?,?\s+)?\d{1,4}[A-Za-z]?,?\s+)?(?:(?!(?:The|A|An|Our|My|Your|Their|His|Her|On|At|In|To|From|Of|And|Or|By|Near|This|That|Every|Each|Next|Last|Along|Down|Up|Off|Via|Past|Opposite|Outside|Behind)\s)[A-Z][a-z'\u2019]+(?:-[A-Z][a-z]+)?\s+){1,3}(?<suffix>Road|Street|Lane|Avenue|Close|Drive|Way|Crescent|Gardens|Grove|Terrace|Mews|Place|Square|Court|Rise|Row|Walk|Parade|Hill|Green|Park|View|Vale|Meadows?|Rd|St|Ln|Ave|Dr|Cres|Gdns|Pl|Ct)(?![\p{L}\p{Nd}])", RegexOptions.CultureInvariant)]
    private static partial Regex AddressPattern();

    // A full postcode straight after the street, perhaps with a town between ("Marlow Road, HP11 1AB",
    // "Lime Walk, Downley, HP13 5TU"); an area code alone ("off the High Street, HP14") names a district, not a home.
    [GeneratedRegex(@"^\s*,?\s*(?:[A-Z][a-z'\u2019]+(?:\s+[A-Z][a-z'\u2019]+){0,2}\s*,?\s*)?(?i:[A-Z]{1,2}[0-9][A-Z0-9]?[ \u00A0]?[0-9][A-Z]{2})(?![\p{L}\p{Nd}])", RegexOptions.CultureInvariant)]
    private static partial Regex FollowingPostcode();
}
