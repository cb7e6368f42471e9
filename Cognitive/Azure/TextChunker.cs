using System.Globalization;

namespace WWPS.PolicyBot.Cognitive.Azure;

/// <summary>A piece of one input text, with where it starts (UTF-16 units) in that text.</summary>
internal sealed record TextChunk(int TextIndex, int Start, string Text);

internal static class TextChunker
{
    /// <summary>
    /// Splits a text into pieces of at most <paramref name="maxTextElements"/> text elements, the unit the service
    /// counts its 5,120 limit in (StringInfo graphemes). Cuts go just after whitespace so no word is split
    /// (a split name would hide it from PII recognition); only a run without whitespace longer than the limit is cut
    /// mid-run, and then still between graphemes so no surrogate pair or combining sequence is broken.
    /// </summary>
    public static IReadOnlyList<(int Start, int Length)> Split(string text, int maxTextElements)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTextElements, 1);

        // Most drafts are a few hundred characters: skip grapheme parsing when even one element per UTF-16 unit fits.
        if (text.Length <= maxTextElements)
        {
            return [(0, text.Length)];
        }

        int[] starts = StringInfo.ParseCombiningCharacters(text);
        if (starts.Length <= maxTextElements)
        {
            return [(0, text.Length)];
        }

        var pieces = new List<(int Start, int Length)>();
        var first = 0;
        while (starts.Length - first > maxTextElements)
        {
            var limit = first + maxTextElements;
            var cut = limit;
            for (var k = limit - 1; k > first; k--)
            {
                if (char.IsWhiteSpace(text[starts[k]]))
                {
                    cut = k + 1;
                    break;
                }
            }

            pieces.Add((starts[first], starts[cut] - starts[first]));
            first = cut;
        }

        pieces.Add((starts[first], text.Length - starts[first]));
        return pieces;
    }
}
