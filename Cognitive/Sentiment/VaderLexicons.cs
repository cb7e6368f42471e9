using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace WWPS.PolicyBot.Cognitive.Sentiment;

/// <summary>The embedded word lists, parsed once per process.</summary>
internal static class VaderLexicons
{
    private const string ResourcePrefix = "WWPS.PolicyBot.Cognitive.Sentiment.";

    private static readonly Lazy<FrozenDictionary<string, double>> s_reference =
        new(() => Parse(ReadResource("vader-lexicon.tsv"), allowComments: false)
            .ToFrozenDictionary(entry => entry.Word, entry => entry.Valence, StringComparer.Ordinal));

    private static readonly Lazy<FrozenDictionary<string, double>> s_tuned = new(() =>
    {
        var words = new Dictionary<string, double>(s_reference.Value, StringComparer.Ordinal);
        foreach (var (word, valence) in Parse(ReadResource("domain-lexicon.tsv"), allowComments: true))
        {
            // A zero keeps nothing of the word: it must stop acting as a lexicon word, because VADER only lets
            // boosters and negators that are *not* in the lexicon modify the next sentiment word.
            if (valence == 0)
            {
                words.Remove(word);
            }
            else
            {
                words[word] = valence;
            }
        }

        return words.ToFrozenDictionary(StringComparer.Ordinal);
    });

    private static readonly Lazy<FrozenDictionary<int, string>> s_emojis = new(() =>
    {
        var map = new Dictionary<int, string>();
        foreach (var line in Lines(ReadResource("emoji-lexicon.tsv"), allowComments: false))
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            var emoji = line[..tab];
            if (!Rune.TryGetRuneAt(emoji, 0, out var rune) || rune.Utf16SequenceLength != emoji.Length)
            {
                throw new InvalidDataException($"Emoji lexicon entry is not one code point: '{emoji}'.");
            }

            map[rune.Value] = line[(tab + 1)..];
        }

        return map.ToFrozenDictionary();
    });

    /// <summary>The VADER lexicon exactly as the reference implementations load it.</summary>
    public static FrozenDictionary<string, double> Reference => s_reference.Value;

    /// <summary>The reference lexicon with <c>domain-lexicon.tsv</c> applied on top.</summary>
    public static FrozenDictionary<string, double> Tuned => s_tuned.Value;

    /// <summary>Emoji code point → description, as the canonical VADER substitutes them.</summary>
    public static FrozenDictionary<int, string> Emojis => s_emojis.Value;

    internal static string ReadResource(string name)
    {
        using var stream = typeof(VaderLexicons).Assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new InvalidOperationException($"Embedded resource {ResourcePrefix + name} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>token&lt;TAB&gt;valence lines; any further columns are notes.</summary>
    /// <param name="allowComments">Only our own files have '#' comment lines; the reference lexicon could one day hold a token starting with '#'.</param>
    internal static IEnumerable<(string Word, double Valence)> Parse(string tsv, bool allowComments)
    {
        foreach (var line in Lines(tsv, allowComments))
        {
            var columns = line.Split('\t');
            if (columns.Length < 2)
            {
                throw new InvalidDataException($"Lexicon line has no valence: '{line}'.");
            }

            yield return (columns[0], double.Parse(columns[1], NumberStyles.Float, CultureInfo.InvariantCulture));
        }
    }

    private static IEnumerable<string> Lines(string text, bool allowComments)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || (allowComments && line[0] == '#'))
            {
                continue;
            }

            yield return line;
        }
    }
}
