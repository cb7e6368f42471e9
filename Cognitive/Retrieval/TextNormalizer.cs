using System.Collections.Frozen;
using System.Text;

namespace WWPS.PolicyBot.Cognitive.Retrieval;

/// <summary>
/// Turns a question or a clause into index terms: lower case, words only, chat spellings mapped to one word
/// (synonyms.txt), stop words dropped, light stemming. Questions also get spelling correction against the
/// index's own vocabulary, because "parnts" should find "parents" but "uniform" must not turn into a policy word.
/// </summary>
internal sealed class TextNormalizer
{
    private readonly FrozenDictionary<string, string> _single;
    private readonly (string[] Words, string Canonical)[] _phrases;

    private TextNormalizer(FrozenDictionary<string, string> single, (string[] Words, string Canonical)[] phrases)
    {
        _single = single;
        _phrases = phrases;
    }

    public static TextNormalizer Create()
    {
        using var stream = typeof(TextNormalizer).Assembly.GetManifestResourceStream("synonyms.txt")
            ?? throw new InvalidOperationException("synonyms.txt is missing from the build");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return Parse(reader.ReadToEnd());
    }

    public static TextNormalizer Parse(string synonyms)
    {
        var single = new Dictionary<string, string>(StringComparer.Ordinal);
        var phrases = new List<(string[], string)>();
        foreach (var raw in synonyms.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var canonical = line[..colon].Trim().ToLowerInvariant();
            foreach (var variant in line[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var words = Words(variant.ToLowerInvariant()).ToArray();
                if (words.Length == 1)
                {
                    single[words[0]] = canonical;
                }
                else if (words.Length > 1)
                {
                    phrases.Add((words, canonical));
                }
            }
        }

        // Longest phrases first so "west wycombe preschool" wins over "preschool".
        phrases.Sort((a, b) => b.Item1.Length.CompareTo(a.Item1.Length));
        return new TextNormalizer(single.ToFrozenDictionary(StringComparer.Ordinal), [.. phrases]);
    }

    /// <summary>Every single-word spelling this map knows, for spelling correction.</summary>
    public IEnumerable<string> KnownSpellings => _single.Keys.Concat(_single.Values);

    /// <summary>Index terms of a text, in order (repeats kept: BM25 counts them).</summary>
    public List<string> Terms(string text, Func<string, string>? correct = null)
    {
        var words = Words(text.ToLowerInvariant()).ToList();
        if (correct is not null)
        {
            for (var i = 0; i < words.Count; i++)
            {
                words[i] = correct(words[i]);
            }
        }

        var terms = new List<string>(words.Count);
        for (var i = 0; i < words.Count;)
        {
            var phrase = MatchPhrase(words, i);
            if (phrase is { } p)
            {
                terms.Add(p.Canonical);
                i += p.Length;
                continue;
            }

            var word = words[i++];
            if (_single.TryGetValue(word, out var canonical))
            {
                terms.Add(canonical);
            }
            else if (!StopWords.Contains(word))
            {
                var stem = Stemmer.Stem(word);
                terms.Add(_single.TryGetValue(stem, out var c) ? c : stem);
            }
        }

        return terms;
    }

    private (string Canonical, int Length)? MatchPhrase(List<string> words, int start)
    {
        foreach (var (phrase, canonical) in _phrases)
        {
            if (start + phrase.Length > words.Count)
            {
                continue;
            }

            var all = true;
            for (var j = 0; j < phrase.Length && all; j++)
            {
                all = words[start + j] == phrase[j];
            }

            if (all)
            {
                return (canonical, phrase.Length);
            }
        }

        return null;
    }

    /// <summary>Words of a lower-cased text: letters and digits; apostrophes dropped so "child's" is "childs", "can't" is "cant".</summary>
    public static IEnumerable<string> Words(string text)
    {
        var sb = new StringBuilder();
        foreach (var ch in text)
        {
            if (char.IsLetterOrDigit(ch))
            {
                sb.Append(ch);
            }
            else if (ch is '\'' or '\u2019' or '\u2018')
            {
                continue;
            }
            else if (sb.Length > 0)
            {
                yield return sb.ToString();
                sb.Clear();
            }
        }

        if (sb.Length > 0)
        {
            yield return sb.ToString();
        }
    }

    public static bool IsStopWord(string word) => StopWords.Contains(word);

    public static IEnumerable<string> StopWordList => StopWords;

    // Function words, and the words every question has ("can I…", "is it ok…", "what are the rules…").
    private static readonly FrozenSet<string> StopWords = FrozenSet.ToFrozenSet(
    [
        "a", "about", "above", "after", "again", "all", "allowed", "alright", "also", "am", "an", "and", "any", "anyone", "anything", "are", "as", "at",
        "be", "been", "before", "being", "both", "but", "by", "can", "cant", "cn", "could", "did", "do", "does", "doing", "dont", "down",
        "each", "else", "etc", "ever", "every", "few", "for", "from", "get", "go", "going", "got", "had", "has", "have", "having", "he", "her",
        "here", "hers", "him", "his", "how", "i", "id", "if", "ill", "im", "in", "into", "is", "isnt", "it", "its", "ive", "just", "know",
        "let", "like", "may", "me", "might", "mine", "more", "most", "much", "must", "my", "myself", "need", "no", "nor", "not", "now",
        "of", "off", "ok", "okay", "on", "one", "only", "or", "other", "our", "ours", "out", "over", "own", "please", "pls", "plz",
        "really", "right", "rule", "rules", "same", "say", "says", "she", "should", "shouldnt", "so", "some", "someone", "something",
        "still", "such", "sure", "tell", "than", "that", "thats", "the", "their", "them", "then", "there", "these", "they", "thing", "things",
        "this", "those", "through", "to", "too", "u", "under", "up", "ur", "us", "very", "wanna", "want", "wants", "was", "way", "we",
        "were", "what", "whats", "wat", "when", "where", "whether", "which", "while", "who", "whom", "whose", "why", "will", "with",
        "without", "wont", "would", "wouldnt", "yes", "you", "your", "yours", "yourself", "r", "ya", "yeah", "hi", "hello", "hey", "thanks",
        "thank", "policy", "policies", "say", "said", "allow", "ok'd", "permitted", "fine", "good", "use", "using", "used", "do", "does",
    ], StringComparer.Ordinal);
}
