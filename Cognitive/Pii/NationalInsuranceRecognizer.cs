using System.Text.RegularExpressions;

namespace WWPS.PolicyBot.Cognitive.Pii;

/// <summary>National Insurance numbers: two prefix letters, six digits, a suffix A–D, spaces optional.</summary>
internal sealed partial class NationalInsuranceRecognizer : IPiiRecognizer
{
    // The prefix rules are a format check, not a checksum, so a hit keeps Presidio's 0.5 (above the threshold:
    // the shape is specific enough) and a context word lifts it to 0.85.
    private const double BaseScore = 0.5;

    // A prefix HMRC never issues ("QQ 12 34 56 C" is the one printed on forms as an example) is still what a person
    // copying a number off paperwork would post. Set out in HMRC's own pairs it is unmistakable, so it still counts;
    // run together it needs a context word ("NI", "HMRC").
    private const double UnissuedSpacedScore = 0.45;
    private const double UnissuedRunTogetherScore = 0.1;

    public void Recognize(AnalysisInput input, List<PiiCandidate> sink)
    {
        foreach (var match in NinoPattern().EnumerateMatches(input.Text))
        {
            var span = input.Text.AsSpan(match.Index, match.Length);
            double baseScore = HasValidPrefix(char.ToUpperInvariant(span[0]), char.ToUpperInvariant(span[1])) ? BaseScore
                : span.Count(' ') == 4 ? UnissuedSpacedScore
                : UnissuedRunTogetherScore;
            double score = Scoring.WithContext(baseScore, input.HasContextBefore(match.Index, ContextWords.Nino));
            sink.Add(new PiiCandidate(PiiCategories.NationalInsuranceNumber, match.Index, match.Length, score));
        }
    }

    /// <summary>HMRC: first letter not D, F, I, Q, U, V; second not D, F, I, O, Q, U, V; BG, GB, NK, KN, NT, TN, ZZ never issued.</summary>
    internal static bool HasValidPrefix(char first, char second)
    {
        if ("DFIQUV".Contains(first) || "DFIOQUV".Contains(second)) return false;
        return (first, second) is not (('B', 'G') or ('G', 'B') or ('N', 'K') or ('K', 'N') or ('N', 'T') or ('T', 'N') or ('Z', 'Z'));
    }

    [GeneratedRegex(@"(?<![\p{L}\p{Nd}])[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![\p{L}\p{Nd}])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NinoPattern();
}
