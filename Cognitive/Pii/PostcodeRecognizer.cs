using System.Text.RegularExpressions;

namespace WWPS.PolicyBot.Cognitive.Pii;

/// <summary>UK postcodes. The strict, upper-case Royal Mail shape stands on its own; a loose or lower-case shape needs a context word.</summary>
internal sealed partial class PostcodeRecognizer : IPiiRecognizer
{
    // Presidio scores every postcode 0.1 because its pattern also fires on codes in product and order numbers.
    // The strict pattern (valid letters in each position, upper case, standing alone) is rarely anything else
    // in a parent's post, so it starts above the threshold; the loose one ("hp11 1ab", "HP111AB"-like typos)
    // keeps Presidio's 0.1 and needs "postcode", "live", "from"… nearby.
    private const double StrictScore = 0.6;
    private const double LooseScore = 0.1;

    public void Recognize(AnalysisInput input, List<PiiCandidate> sink)
    {
        foreach (var match in LoosePattern().EnumerateMatches(input.Text))
        {
            bool strict = StrictPattern().IsMatch(input.Text.AsSpan(match.Index, match.Length));
            double score = Scoring.WithContext(strict ? StrictScore : LooseScore, input.HasContextBefore(match.Index, ContextWords.Postcode));
            sink.Add(new PiiCandidate(PiiCategories.Address, match.Index, match.Length, score, PiiCategories.Postcode));
        }
    }

    [GeneratedRegex(@"(?<![\p{L}\p{Nd}])[A-Z]{1,2}[0-9][A-Z0-9]?[ \u00A0]?[0-9][A-Z]{2}(?![\p{L}\p{Nd}])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LoosePattern();

    // Presidio's UkPostcodeRecognizer outward/inward letter rules, anchored to the loose match.
    [GeneratedRegex(@"^(?:GIR ?0AA|(?:[A-PR-UWYZ][0-9][ABCDEFGHJKPSTUW]?|[A-PR-UWYZ][0-9]{2}|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]?|[A-PR-UWYZ][A-HK-Y][0-9]{2})[ \u00A0]?[0-9][ABD-HJLNP-UW-Z]{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex StrictPattern();
}
