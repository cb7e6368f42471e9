using PhoneNumbers;

namespace WWPS.PolicyBot.Cognitive.Pii;

/// <summary>
/// UK phone numbers in any written form, found by libphonenumber's matcher with region GB, so grouping, brackets,
/// hyphens, +44 and 0044 are all understood and the number is checked against the numbering plan.
/// </summary>
internal sealed class PhoneRecognizer : IPiiRecognizer
{
    // The matcher only returns numbers it judged valid, which is Presidio's "validation passed": score 1.0.
    private const double ValidatedScore = 1.0;

    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    public void Recognize(AnalysisInput input, List<PiiCandidate> sink)
    {
        // The matcher costs tens of microseconds even on digit-free text; no UK number has fewer than 7 digits.
        if (CountDigits(input.Text) < 7) return;

        foreach (var match in Util.FindNumbers(input.Text, "GB", PhoneNumberUtil.Leniency.VALID, long.MaxValue))
        {
            // A UK number as written always carries its trunk 0 or an international prefix; a bare run of digits
            // that happens to be valid without one is far more often a reference or an NHS number.
            char first = match.RawString[0];
            bool prefixed = first is '0' or '+' || (first == '(' && match.RawString.Length > 1 && match.RawString[1] is '0' or '+');
            if (!prefixed) continue;
            sink.Add(new PiiCandidate(PiiCategories.PhoneNumber, match.Start, match.Length, ValidatedScore));
        }
    }

    private static int CountDigits(string text)
    {
        int n = 0;
        foreach (char c in text) if (char.IsAsciiDigit(c)) n++;
        return n;
    }
}
