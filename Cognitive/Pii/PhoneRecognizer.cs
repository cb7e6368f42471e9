using PhoneNumbers;

namespace WWPS.PolicyBot.Cognitive.Pii;

/// <summary>
/// UK phone numbers in any written form, found by libphonenumber's matcher with region GB, so grouping, brackets,
/// hyphens, +44 and 0044 are all understood and the number is checked against the numbering plan.
/// </summary>
internal sealed class PhoneRecognizer : IPiiRecognizer
{
    // A number valid in the numbering plan is Presidio's "validation passed": 1.0. A number of the right UK shape
    // that is not (yet) allocated — Ofcom's drama ranges such as 07700 900xxx, or a typo — is still someone writing a
    // phone number, so it keeps a pattern score above the threshold rather than being dropped.
    private const double ValidatedScore = 1.0;
    private const double PossibleScore = 0.5;

    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    public void Recognize(AnalysisInput input, List<PiiCandidate> sink)
    {
        // The matcher costs tens of microseconds even on digit-free text; no UK number has fewer than 7 digits.
        if (CountDigits(input.Text) < 7) return;

        foreach (var match in Util.FindNumbers(input.Text, "GB", PhoneNumberUtil.Leniency.POSSIBLE, long.MaxValue))
        {
            // A UK number as written always carries its trunk 0 or an international prefix; a bare run of digits
            // that happens to be valid without one is far more often a reference or an NHS number.
            char first = match.RawString[0];
            bool prefixed = first is '0' or '+' || (first == '(' && match.RawString.Length > 1 && match.RawString[1] is '0' or '+');
            if (!prefixed) continue;
            double score = Util.IsValidNumber(match.Number)
                ? ValidatedScore
                : Scoring.WithContext(PossibleScore, input.HasContextBefore(match.Start, ContextWords.Phone));
            sink.Add(new PiiCandidate(PiiCategories.PhoneNumber, match.Start, match.Length, score));
        }
    }

    private static int CountDigits(string text)
    {
        int n = 0;
        foreach (char c in text) if (char.IsAsciiDigit(c)) n++;
        return n;
    }
}
