using System.Collections.Frozen;
using WWPS.PolicyBot.Cognitive.Policy;

namespace WWPS.PolicyBot.Cognitive.Retrieval;

/// <summary>
/// A clause found for a question. Score is BM25 squashed into 0…1 and scaled by Coverage, the share of the question's
/// content words the clause accounts for: a question about opening hours that happens to share one word with a clause
/// leaves most of its words unexplained, and that is what abstention needs to see. Similarity is the semantic
/// re-ranker's cosine (null from the lexical retriever).
/// </summary>
public sealed record ClauseMatch(PolicyClause Clause, double Score, double Coverage, IReadOnlyList<string> MatchedTerms, double? Similarity = null);

/// <summary>
/// BM25 over the policy's clauses. Each clause is indexed from its own words and our keywords; a keyword weighs twice
/// a word of the clause's text, because the text also holds incidental words ("the only time…") that say nothing about
/// what the clause is for. Keyword phrases ("open day") only count when the whole phrase is asked, so "opening hours"
/// does not find the clause about open days.
/// </summary>
public sealed class ClauseRetriever : IClauseSearch
{
    // Short documents vary little in length; a weak length norm stops the long clauses being punished for detail.
    private const double K1 = 1.2;
    private const double B = 0.4;
    private const double PhraseBonus = 1.5;
    private const double TextWeight = 0.5;
    private const double KeywordWeight = 1.0;

    // How much a clause keeps of its score when it explains none of the question's content words.
    private const double CoverageFloor = 0.2;

    // Squash point: a raw score of this much maps to 0.5. Set from the spread of scores on the evaluation sets.
    private const double HalfScore = 4.0;

    // Almost every question names a platform or the preschool; such a word says where, not what, so a clause is not
    // marked down for leaving it unexplained ("what counts as confidential on facebook" is about confidentiality).
    private static readonly FrozenSet<string> ContextTerms = FrozenSet.ToFrozenSet(["social", "facebook", "instagram", "twitter", "preschool"], StringComparer.Ordinal);

    private readonly TextNormalizer _normalizer;
    private readonly IndexedClause[] _clauses;
    private readonly FrozenDictionary<string, double> _idf;
    private readonly FrozenSet<string> _vocabulary;
    private readonly string[] _vocabularyList;
    private readonly double _averageLength;

    public ClauseRetriever(PolicyDocument policy)
        : this(policy, TextNormalizer.Create())
    {
    }

    internal ClauseRetriever(PolicyDocument policy, TextNormalizer normalizer)
    {
        _normalizer = normalizer;
        _clauses = [.. policy.Clauses.Select(c => Index(c, normalizer))];
        _averageLength = _clauses.Average(c => c.Length);

        var documentFrequency = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var clause in _clauses)
        {
            foreach (var term in clause.TermCounts.Keys)
            {
                documentFrequency[term] = documentFrequency.GetValueOrDefault(term) + 1;
            }
        }

        var n = _clauses.Length;
        _idf = documentFrequency.ToFrozenDictionary(
            kv => kv.Key,
            kv => Math.Log(1 + ((n - kv.Value + 0.5) / (kv.Value + 0.5))),
            StringComparer.Ordinal);

        // Spelling is corrected towards words the index knows, or that the synonym map turns into them.
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var clause in policy.Clauses)
        {
            foreach (var word in TextNormalizer.Words(string.Join(' ', [clause.Text, clause.Title, .. clause.Keywords ?? []]).ToLowerInvariant()))
            {
                known.Add(word);
            }
        }

        known.UnionWith(normalizer.KnownSpellings.Where(w => !w.Contains(' ', StringComparison.Ordinal)));
        known.UnionWith(TextNormalizer.StopWordList);
        _vocabulary = known.ToFrozenSet(StringComparer.Ordinal);
        _vocabularyList = [.. known.Where(w => w.Length >= 3)];
    }

    /// <summary>Clauses ranked best first; only those with a positive score.</summary>
    public IReadOnlyList<ClauseMatch> Search(string question, int take = 3)
    {
        var words = TextNormalizer.Words(question.ToLowerInvariant()).Select(Correct).ToList();
        var terms = _normalizer.Terms(string.Join(' ', words));
        var rawText = " " + string.Join(' ', words) + " ";
        var termText = " " + string.Join(' ', terms) + " ";

        var results = new List<ClauseMatch>(_clauses.Length);
        var queryTerms = terms.Distinct(StringComparer.Ordinal).ToArray();
        foreach (var clause in _clauses)
        {
            double score = 0;
            var matched = new List<string>();
            var explained = new HashSet<string>(StringComparer.Ordinal);
            foreach (var term in queryTerms)
            {
                if (!clause.TermCounts.TryGetValue(term, out var tf))
                {
                    continue;
                }

                var norm = tf + (K1 * (1 - B + (B * clause.Length / _averageLength)));
                score += _idf[term] * (tf * (K1 + 1)) / norm;
                matched.Add(term);
                explained.Add(term);
            }

            foreach (var phrase in clause.Phrases)
            {
                // A phrase matches as typed ("what should i do") or as index terms ("preschools facebook" = "preschool facebook").
                if (rawText.Contains(phrase.Raw, StringComparison.Ordinal) || (phrase.Terms.Length > 0 && termText.Contains(phrase.Terms, StringComparison.Ordinal)))
                {
                    score += PhraseBonus;
                    matched.Add(phrase.Raw.Trim());
                    explained.UnionWith(phrase.Terms.Split(' ', StringSplitOptions.RemoveEmptyEntries));
                }
            }

            if (score > 0)
            {
                var content = queryTerms.Where(t => !ContextTerms.Contains(t)).ToArray();
                var coverage = content.Length == 0 ? 1.0 : (double)content.Count(explained.Contains) / content.Length;
                var squashed = score / (score + HalfScore);
                results.Add(new ClauseMatch(clause.Clause, squashed * (CoverageFloor + ((1 - CoverageFloor) * coverage)), coverage, matched));
            }
        }

        results.Sort((a, b) => b.Score.CompareTo(a.Score));
        return results.Count > take ? results.GetRange(0, take) : results;
    }

    /// <summary>A word the index does not know becomes the closest known word, if one is close enough to be a typo.</summary>
    internal string Correct(string word)
    {
        if (word.Length < 4 || _vocabulary.Contains(word) || TextNormalizer.IsStopWord(word) || word.Any(char.IsDigit))
        {
            return word;
        }

        // Chat typos mostly drop letters ("parnts", "shld", "privte") or swap two ("freind"). Only those edits are undone:
        // allowing substitutions turns real words the policy lacks into policy words ("morning" into "moaning").
        var allowed = word.Length >= 6 ? 2 : 1;
        string? best = null;
        var bestDistance = allowed + 1;
        foreach (var candidate in _vocabularyList)
        {
            var missing = candidate.Length - word.Length;
            if (candidate[0] != word[0] || missing < 0 || missing > allowed)
            {
                continue;
            }

            var distance = missing == 0 ? (IsOneSwap(word, candidate) ? 1 : int.MaxValue) : (IsSubsequence(word, candidate) ? missing : int.MaxValue);
            if (distance < bestDistance || (distance == bestDistance && best is not null && string.CompareOrdinal(candidate, best) < 0))
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best ?? word;
    }

    private static bool IsSubsequence(string shorter, string longer)
    {
        var i = 0;
        foreach (var ch in longer)
        {
            if (i < shorter.Length && shorter[i] == ch)
            {
                i++;
            }
        }

        return i == shorter.Length;
    }

    private static bool IsOneSwap(string a, string b)
    {
        var first = -1;
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] == b[i])
            {
                continue;
            }

            if (first >= 0)
            {
                return i == first + 1 && a[first] == b[i] && a[i] == b[first] && a[(i + 1)..] == b[(i + 1)..];
            }

            first = i;
        }

        return false;
    }

    private static IndexedClause Index(PolicyClause clause, TextNormalizer normalizer)
    {
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        var length = 0.0;
        void Add(IEnumerable<string> terms, double weight)
        {
            foreach (var term in terms)
            {
                weights[term] = weights.GetValueOrDefault(term) + weight;
                length += weight;
            }
        }

        Add(normalizer.Terms(clause.Text), TextWeight);
        var phrases = new List<Phrase>();
        foreach (var keyword in clause.Keywords ?? [])
        {
            var words = TextNormalizer.Words(keyword.ToLowerInvariant()).ToArray();
            var terms = normalizer.Terms(keyword);
            if (words.Length > 1 && terms.Count != 1)
            {
                phrases.Add(new Phrase(" " + string.Join(' ', words) + " ", terms.Count > 1 ? " " + string.Join(' ', terms) + " " : ""));
            }
            else
            {
                Add(terms, KeywordWeight);
            }
        }

        return new IndexedClause(clause, weights.ToFrozenDictionary(StringComparer.Ordinal), length, [.. phrases]);
    }

    /// <summary>A keyword of several words; Raw and Terms are padded with spaces so matches fall on word boundaries.</summary>
    private sealed record Phrase(string Raw, string Terms);

    private sealed record IndexedClause(PolicyClause Clause, FrozenDictionary<string, double> TermCounts, double Length, Phrase[] Phrases);
}
