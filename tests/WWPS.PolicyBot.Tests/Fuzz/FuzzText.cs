using System.Globalization;
using System.Text;
using CsCheck;

namespace WWPS.PolicyBot.Tests.Fuzz;

/// <summary>
/// Random text for the fuzz tests: any UTF-16 code unit (lone surrogates and controls included), any Unicode scalar,
/// and the pieces the analysers look for (names, numbers, emails, postcodes, emoji, negations, boosters) so the
/// random cases reach their interesting branches rather than only the "no match" one.
/// </summary>
internal static class FuzzText
{
    private static readonly string[] Pieces =
    [
        "Leo", "Mrs Green", "little Amy", "Sam's mum", "Olivia (4)", "07700 900300", "+44 7700 900 300", "01494 123456",
        "someone@example.com", "HP14 3AB", "12 High Street", "943 476 5919", "QQ 12 34 56 C", "aged 3", "born 01/02/2021",
        "not", "never", "very", "extremely", "but", "!!!", "?", "...", ":)", "😀", "👍🏽", "🇬🇧", "shambles", "clueless",
        "photo", "facebook", "friend", "parent", "rota", "code", "nappy rash", "Mr", "St Mary's", "Wycombe", "\u200d", "\u0301",
        "\r\n", "\t", " ", "  ", "\0", "\uFEFF", "İ", "ß", "ǅ", "Ⅻ", "١٢٣", "ＦＵＬＬ", "𝒜", "\uD800", "\uDC00",
    ];

    /// <summary>One code unit anywhere in UTF-16.</summary>
    private static readonly Gen<string> AnyCodeUnit = Gen.Char.Select(c => c.ToString());

    /// <summary>One Unicode scalar value (astral planes too), written as UTF-16.</summary>
    private static readonly Gen<string> AnyScalar = Gen.Int[0, 0x10FFFF]
        .Where(i => i is < 0xD800 or > 0xDFFF)
        .Select(i => char.ConvertFromUtf32(i));

    private static readonly Gen<string> Printable = Gen.Char[' ', '~'].Select(c => c.ToString());

    private static readonly Gen<string> Digits = Gen.Int[0, 99_999_999].Select(i => i.ToString(CultureInfo.InvariantCulture));

    private static readonly Gen<string> Fragment = Gen.Frequency(
        (4, Gen.OneOf(Pieces)),
        (3, Printable),
        (2, AnyScalar),
        (1, AnyCodeUnit),
        (1, Digits));

    /// <summary>Text of up to <paramref name="maxFragments"/> fragments.</summary>
    public static Gen<string> Text(int maxFragments) =>
        Fragment.Array[0, maxFragments].Select(parts =>
        {
            var text = new StringBuilder();
            foreach (var part in parts)
            {
                text.Append(part);
            }

            return text.ToString();
        });

    /// <summary>
    /// How long a fuzz test runs: its CI case count, or for a long run on demand the seconds in
    /// <c>POLICYBOT_FUZZ_SECONDS</c> (then the case count is what fits).
    /// </summary>
    public static (long Iterations, int Seconds) Budget(long ciIterations) =>
        int.TryParse(Environment.GetEnvironmentVariable("POLICYBOT_FUZZ_SECONDS"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? (-1, seconds)
            : (ciIterations, -1);
}
