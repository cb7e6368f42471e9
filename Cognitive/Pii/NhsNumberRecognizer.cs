using System.Text.RegularExpressions;

namespace WWPS.PolicyBot.Cognitive.Pii;

/// <summary>NHS numbers: ten digits (usually 3-3-4) that pass the modulus 11 check; the check is the validation, so survivors score 1.0.</summary>
internal sealed partial class NhsNumberRecognizer : IPiiRecognizer
{
    public void Recognize(AnalysisInput input, List<PiiCandidate> sink)
    {
        foreach (var match in NhsPattern().EnumerateMatches(input.Text))
        {
            if (IsValid(input.Text.AsSpan(match.Index, match.Length)))
            {
                sink.Add(new PiiCandidate(PiiCategories.NhsNumber, match.Index, match.Length, 1.0));
            }
        }
    }

    /// <summary>Weights 10…2 on the first nine digits; check digit = 11 − (sum mod 11), 11 → 0, 10 → no such number.</summary>
    internal static bool IsValid(ReadOnlySpan<char> candidate)
    {
        Span<int> digits = stackalloc int[10];
        int n = 0;
        foreach (char c in candidate)
        {
            if (!char.IsAsciiDigit(c)) continue;
            if (n == 10) return false;
            digits[n++] = c - '0';
        }
        if (n != 10) return false;

        bool allSame = true;
        int sum = 0;
        for (int i = 0; i < 9; i++)
        {
            sum += digits[i] * (10 - i);
            allSame &= digits[i] == digits[0];
        }
        // 000 000 0000 and friends pass the arithmetic but are placeholders, never issued.
        if (allSame && digits[9] == digits[0]) return false;

        int check = 11 - (sum % 11);
        if (check == 11) check = 0;
        return check != 10 && check == digits[9];
    }

    [GeneratedRegex(@"(?<![\p{Nd}+])\d{3}[- ]?\d{3}[- ]?\d{4}(?!\p{Nd})", RegexOptions.CultureInvariant)]
    private static partial Regex NhsPattern();
}
