namespace WWPS.PolicyBot.Cognitive.Pii;

/// <summary>
/// What makes a word a person: a family named by its surname, a surname after a title, a verb only a person does,
/// a list of names ("Grace and Leo").
/// </summary>
internal sealed partial class PersonNameRecognizer
{
    /// <summary>
    /// A family named by its surname: "the Johnson family", "the Okafor boys'", "the little Kowalski boy", "the Wilsons".
    /// The span is the surname with its family word, or the plural surname.
    /// </summary>
    private PiiCandidate? FamilyName(AnalysisInput input, int index)
    {
        var tokens = input.Tokens;
        var raw = input.Span(tokens[index]);
        var word = AnalysisInput.WithoutPossessive(raw);
        if (word.Length < 2 || !IsNameShaped(word) || IsFamilyPhraseWord(input, index, word)) return null;
        // Inside a longer title-case name ("West Wycombe Family Fun Day") the word is no surname.
        bool afterThe = IsAfterThe(input, index);
        if (index > 0 && IsAdjacentWord(input, index - 1) && IsCapitalised(input.Span(tokens[index - 1])) && !IsAfter(input, index, Determiners)) return null;

        if (word.Length == raw.Length && IsAdjacentWord(input, index))
        {
            var next = AnalysisInput.WithoutPossessive(input.Span(tokens[index + 1]));
            bool lowerOrFamily = char.IsLower(next[0]) || next.StartsWith("Famil", StringComparison.Ordinal);
            bool childNoun = Lookup(FamilyChildNouns, next);
            // "Family Fun Day": an event.
            bool eventFollows = IsAdjacentWord(input, index + 1) && IsCapitalised(input.Span(tokens[index + 2]));
            // A lone "boy" or "girl" needs "the" or "little" before the surname: "the Kowalski boy", not "Birthday girl".
            bool singular = next.Equals("boy", StringComparison.OrdinalIgnoreCase) || next.Equals("girl", StringComparison.OrdinalIgnoreCase);
            if (lowerOrFamily && !eventFollows && (Lookup(FamilyNouns, next) || childNoun)
                && (!singular || IsAfter(input, index, Determiners)))
            {
                int start = tokens[index].Start;
                int end = tokens[index + 1].Start + next.Length;
                return new PiiCandidate(PiiCategories.Person, start, end - start, TitledScore, childNoun ? PiiCategories.Child : null);
            }
        }

        // "the Wilsons", "the Hendersons'", "the Joneses".
        if (afterThe && word.Length >= 4 && word[^1] == 's' && !Lookup(PluralsNotFamilies, word))
        {
            var singular = word[..^1];
            var shorter = word.Length > 4 && word.EndsWith("es", StringComparison.Ordinal) ? word[..^2] : singular;
            if (IsFamilyPhraseWord(input, index, singular) || IsFamilyPhraseWord(input, index, shorter)) return null;
            if (IsAdjacentWord(input, index))
            {
                var next = input.Span(tokens[index + 1]);
                if (IsCapitalised(next) || Lookup(GroupNounsAfter, next) || Lookup(ThingNounsAfter, next)) return null;
            }
            return new PiiCandidate(PiiCategories.Person, tokens[index].Start, word.Length, TitledScore, null);
        }
        return null;
    }

    /// <summary>A capitalised word that is a season, place, event, group or character rather than a surname.</summary>
    private bool IsFamilyPhraseWord(AnalysisInput input, int index, ReadOnlySpan<char> word) =>
        Lookup(NotFamilyNames, word) || Lookup(NotSurnames, word) || Lookup(NamedThingNouns, word) || Lookup(StreetSuffixes, word)
        || Lookup(CharacterContext, word) || Lookup(PluralsNotFamilies, word) || Lookup(Titles, word) || Lookup(PublicTitles, word)
        || gazetteer.Lookup(word) == NameKind.Reserved || gazetteer.MatchPlace(input, index) > 0;

    private static bool IsNameShaped(ReadOnlySpan<char> word)
    {
        if (!IsCapitalised(word)) return false;
        foreach (char c in word)
        {
            if (!char.IsLetter(c) && !AnalysisInput.IsApostrophe(c) && c != '-') return false;
        }
        return true;
    }

    /// <summary>After a title: a surname, including those that are also place words ("Mrs Green").</summary>
    private bool IsTitledSurname(AnalysisInput input, int index)
    {
        if (IsSurnameLike(input, index)) return true;
        var word = AnalysisInput.WithoutPossessive(input.Span(input.Tokens[index]));
        return IsNameShaped(word) && Lookup(TitledSurnameWords, word);
    }

    /// <summary>"Summer was so brave today", "Grace loved the slide", "May is poorly".</summary>
    private static bool FollowsLikeAPerson(AnalysisInput input, int last)
    {
        var tokens = input.Tokens;
        if (!IsAdjacentWord(input, last)) return false;
        var next = input.Span(tokens[last + 1]);
        if (Lookup(PersonVerbsAfter, next)) return true;
        if (!Lookup(CopulasAfter, next) && !IsContractedIs(input.Span(tokens[last]))) return false;
        int k = Lookup(CopulasAfter, next) ? last + 2 : last + 1;
        for (int end = k + 4; k < tokens.Count && k < end; k++)
        {
            var w = input.Span(tokens[k]);
            if (Lookup(PersonStatesAfter, w)) return true;
            if (!Lookup(Intensifiers, w)) return false;
        }
        return false;
    }

    private static bool IsContractedIs(ReadOnlySpan<char> token) =>
        token.Length > 2 && (token[^1] is 's' or 'S') && AnalysisInput.IsApostrophe(token[^2]);

    private bool IsSentenceVerbAfter(AnalysisInput input, int index)
    {
        if (!IsAdjacentWord(input, index)) return false;
        var next = input.Span(input.Tokens[index + 1]);
        if (Lookup(SentenceVerbsAfter, next) || Lookup(PersonVerbsAfter, next) || IsInNameList(input, index)) return true;
        // "Willow and her brother", "Jack and his sister".
        return next.Equals("and", StringComparison.OrdinalIgnoreCase) && index + 2 < input.Tokens.Count
            && Lookup(Pronouns, input.Span(input.Tokens[index + 2]));
    }

    /// <summary>Joined by "&amp;", "and", "," or "/" to a capitalised clear first name: "Mon Bev &amp; Sue", "Grace and Leo".</summary>
    private bool IsInNameList(AnalysisInput input, int index)
    {
        var tokens = input.Tokens;
        // Right: "Sue & Bev", "Sue and Bev", "Sue, Bev".
        if (index + 1 < tokens.Count)
        {
            int n = ListNeighbour(input, index, forward: true);
            if (n >= 0 && IsClearCapitalisedName(input, n)) return true;
        }
        if (index > 0)
        {
            int n = ListNeighbour(input, index, forward: false);
            if (n >= 0 && IsClearCapitalisedName(input, n)) return true;
        }
        return false;
    }

    private bool IsClearCapitalisedName(AnalysisInput input, int index)
    {
        var w = AnalysisInput.WithoutPossessive(input.Span(input.Tokens[index]));
        return IsCapitalised(w) && gazetteer.Lookup(w) == NameKind.Clear && !Lookup(Characters, w);
    }

    /// <summary>The token joined to this one by a list separator, or -1.</summary>
    private static int ListNeighbour(AnalysisInput input, int index, bool forward)
    {
        var tokens = input.Tokens;
        int other = forward ? index + 1 : index - 1;
        if (other < 0 || other >= tokens.Count) return -1;
        var (a, b) = forward ? (tokens[index], tokens[other]) : (tokens[other], tokens[index]);
        var gap = input.Text.AsSpan(a.End, b.Start - a.End).Trim();
        if (gap is "&" or "," or "/" or "+") return other;
        // "Grace and Leo", "Lucy, Jade or Becks", "Poppy n Freddie".
        if (gap.Length == 0 && input.Span(tokens[other]) is var joiner
            && (joiner.Equals("and", StringComparison.OrdinalIgnoreCase) || joiner.Equals("or", StringComparison.OrdinalIgnoreCase) || joiner is "n"))
        {
            int beyond = forward ? other + 1 : other - 1;
            if (beyond < 0 || beyond >= tokens.Count) return -1;
            var (c, d) = forward ? (tokens[other], tokens[beyond]) : (tokens[beyond], tokens[other]);
            return input.Text.AsSpan(c.End, d.Start - c.End).Trim().Length == 0 ? beyond : -1;
        }
        return -1;
    }
}
