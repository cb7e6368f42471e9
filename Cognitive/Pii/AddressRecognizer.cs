using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace WWPS.PolicyBot.Cognitive.Pii;

/// <summary>
/// Street addresses: capitalised words ending in a street type ("Marlow Road", "12 Marlow Road", "Flat 3, 5 High Street").
/// There is no NER locally, so the street type is the anchor; a house number or a context word raises confidence.
/// </summary>
internal sealed partial class AddressRecognizer : IPiiRecognizer
{
    private const double WithNumberScore = 0.75;
    private const double CommonSuffixScore = 0.5;
    // "Park", "Green", "Hill"… also name parks, pubs and teams ("Wycombe Green"), so alone they need context.
    private const double AmbiguousSuffixScore = 0.2;

    private static readonly FrozenSet<string> CommonSuffixes = new[]
    {
        "Road", "Street", "Lane", "Avenue", "Close", "Drive", "Way", "Crescent", "Gardens", "Grove", "Terrace", "Mews",
    }.ToFrozenSet(StringComparer.Ordinal);

    // Abbreviations collide with titles ("Dr Patel", "St Mary's") unless a house number comes first.
    private static readonly FrozenSet<string> Abbreviations = new[] { "Rd", "St", "Ln", "Ave", "Dr", "Cres", "Gdns", "Pl", "Ct" }.ToFrozenSet(StringComparer.Ordinal);

    public void Recognize(AnalysisInput input, List<PiiCandidate> sink)
    {
        foreach (Match match in AddressPattern().Matches(input.Text))
        {
            var suffix = match.Groups["suffix"].Value;
            bool numbered = match.Groups["number"].Success;
            if (!numbered && Abbreviations.Contains(suffix)) continue;

            double score = numbered ? WithNumberScore : CommonSuffixes.Contains(suffix) ? CommonSuffixScore : AmbiguousSuffixScore;
            score = Scoring.WithContext(score, input.HasContextBefore(match.Index, ContextWords.Address));
            sink.Add(new PiiCandidate(PiiCategories.Address, match.Index, match.Length, score));
        }
    }

    // Name words are capitalised; sentence words that are often capitalised before a street type ("The", "Our", "On")
    // are excluded so "On Marlow Road" yields "Marlow Road".
    [GeneratedRegex(@"(?<![\p{L}\p{Nd}])(?<number>(?:(?:Flat|Apartment|Apt|Unit)\s+\d{1,4}[A-Za-z]?,?\s+)?\d{1,4}[A-Za-z]?,?\s+)?(?:(?!(?:The|A|An|Our|My|Your|Their|His|Her|On|At|In|To|From|Of|And|Or|By|Near|This|That|Every|Each|Next|Last|Along|Down|Up|Off|Via|Past|Opposite|Outside|Behind)\s)[A-Z][a-z'\u2019]+(?:-[A-Z][a-z]+)?\s+){1,3}(?<suffix>Road|Street|Lane|Avenue|Close|Drive|Way|Crescent|Gardens|Grove|Terrace|Mews|Place|Square|Court|Rise|Row|Walk|Parade|Hill|Green|Park|View|Vale|Meadows?|Rd|St|Ln|Ave|Dr|Cres|Gdns|Pl|Ct)(?![\p{L}\p{Nd}])", RegexOptions.CultureInvariant)]
    private static partial Regex AddressPattern();
}
