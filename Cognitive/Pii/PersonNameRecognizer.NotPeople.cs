namespace WWPS.PolicyBot.Cognitive.Pii;

/// <summary>
/// What makes a name-shaped word something other than a person: a place, a public title ("St Paul's"), an event or
/// shop ("Summer Fair"), a character or a pet, a run of title-case words after "the", a range of dates.
/// </summary>
internal sealed partial class PersonNameRecognizer
{
    /// <summary>"St", "Saint", "Sir", "Councillor"… followed by a capitalised word (any case for "st mary's" in a lower-case post).</summary>
    private static bool IsPublicTitle(AnalysisInput input, int index, ReadOnlySpan<char> word, bool capitalised)
    {
        var tokens = input.Tokens;
        if (index + 1 >= tokens.Count || word.Length != tokens[index].Length || !Lookup(PublicTitles, word)) return false;
        if (!IsTitleGap(input, tokens[index], tokens[index + 1])) return false;
        var next = input.Span(tokens[index + 1]);
        if (!char.IsLetter(next[0])) return false;
        if (capitalised) return IsCapitalised(next);
        return (word.Equals("st", StringComparison.Ordinal) || word.Equals("saint", StringComparison.Ordinal)) && char.IsLower(next[0]);
    }

    /// <summary>
    /// The last token of the title-case run that token <paramref name="index"/> belongs to: the words after it joined
    /// by plain spaces and capitalised, up to a possessive ("St Paul's") or a personal title ("Mrs").
    /// </summary>
    private static int EndOfTitleCaseRun(AnalysisInput input, int index)
    {
        var tokens = input.Tokens;
        while (IsAdjacentWord(input, index))
        {
            var current = input.Span(tokens[index]);
            var next = input.Span(tokens[index + 1]);
            if (AnalysisInput.WithoutPossessive(current).Length != current.Length || !char.IsLetter(next[0]) || !IsCapitalised(next)
                || Lookup(Titles, next))
            {
                break;
            }
            index++;
        }
        return index;
    }

    /// <summary>
    /// A place from the list is a place here: always when it has more than one word or is no first name; a Reserved
    /// word ("Marlow", "Chester") when a title-case name follows ("Marlow Regatta"); a first name that is also a
    /// village ("Penn") only after a preposition of place or beside another place ("Penn &amp; Tylers Green").
    /// </summary>
    private bool IsPlaceHere(AnalysisInput input, int index, int length, ReadOnlySpan<char> word)
    {
        if (length > 1) return true;
        var kind = gazetteer.Lookup(word);
        if (kind == NameKind.None) return true;
        bool runFollows = IsAdjacentWord(input, index) && IsCapitalised(input.Span(input.Tokens[index + 1]));
        if (kind == NameKind.Reserved) return runFollows;
        if (IsAfter(input, index, Locatives)) return true;
        int neighbour = ListNeighbour(input, index, forward: true);
        if (neighbour >= 0 && gazetteer.MatchPlace(input, neighbour) > 0) return true;
        neighbour = ListNeighbour(input, index, forward: false);
        return neighbour >= 0 && gazetteer.MatchPlace(input, neighbour) > 0;
    }

    /// <summary>Two words that make a character, toy, author or shop ("Peppa Pig", "Teddy Bears", "Julia Donaldson"), in any case.</summary>
    private static bool IsFamous(AnalysisInput input, int index)
    {
        var first = input.Span(input.Tokens[index]);
        if (!char.IsLetter(first[0]) || !Lookup(FamousFirstWords, first)) return false;
        var second = AnalysisInput.WithoutPossessive(input.Span(input.Tokens[index + 1]));
        return FamousCharacters.Contains(string.Concat(first, " ", second));
    }

    /// <summary>
    /// The word is in a title-case run straight after "the" ("the Red Lion", "the Bucks Free Press", "the Pink and Lily"):
    /// people are not called "the Sophie", so the run names a pub, a paper, a team or a place.
    /// </summary>
    private static bool IsInRunAfterThe(AnalysisInput input, int index)
    {
        var tokens = input.Tokens;
        for (int k = index - 1; k >= 0 && IsAdjacentWord(input, k); k--)
        {
            var w = input.Span(tokens[k]);
            if (w.Equals("the", StringComparison.OrdinalIgnoreCase)) return true;
            // "the Pink and Lily": one title-case word, "and", then this one.
            if (k == index - 1 && w.Equals("and", StringComparison.OrdinalIgnoreCase))
            {
                return k >= 2 && IsAdjacentWord(input, k - 1) && IsAdjacentWord(input, k - 2) && IsCapitalised(input.Span(tokens[k - 1]))
                    && input.Span(tokens[k - 2]).Equals("the", StringComparison.OrdinalIgnoreCase);
            }
            if (!IsCapitalised(w) || AnalysisInput.WithoutPossessive(w).Length != w.Length) return false;
        }
        // "the Rose & Crown".
        if (index >= 2 && input.Text.AsSpan(tokens[index - 1].End, tokens[index].Start - tokens[index - 1].End).Trim() is "&"
            && IsCapitalised(input.Span(tokens[index - 1])) && IsAdjacentWord(input, index - 2)
            && input.Span(tokens[index - 2]).Equals("the", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        return false;
    }

    /// <summary>"tortoise Sheldon", "a hound called Winston", "my bear, Mr Bumble", "Winston the dog".</summary>
    private static bool IsPetName(AnalysisInput input, int index)
    {
        var tokens = input.Tokens;
        int k = index - 1;
        if (k >= 0 && IsAdjacentWord(input, k) && input.Span(tokens[k]) is var verb
            && (verb.Equals("called", StringComparison.OrdinalIgnoreCase) || verb.Equals("named", StringComparison.OrdinalIgnoreCase)))
        {
            k--;
        }
        if (k >= 0 && input.Text.AsSpan(tokens[k].End, tokens[k + 1].Start - tokens[k].End).Trim() is "" or ","
            && Lookup(PetWords, input.Span(tokens[k])))
        {
            return true;
        }
        return IsAdjacentWord(input, index) && IsAdjacentWord(input, index + 1)
            && input.Span(tokens[index + 1]).Equals("the", StringComparison.OrdinalIgnoreCase) && Lookup(PetWords, input.Span(tokens[index + 2]));
    }

    /// <summary>The next word is a place word ("Park", "Wood", "End"), capitalised, or lower case after a lower-case name ("adams park").</summary>
    private static bool IsPlaceNounAfter(AnalysisInput input, int index, bool capitalised)
    {
        var next = AnalysisInput.WithoutPossessive(input.Span(input.Tokens[index + 1]));
        if (!Lookup(PlaceNouns, next)) return false;
        return IsCapitalised(next) || (!capitalised && char.IsLower(next[0]));
    }

    private static bool IsDateRange(AnalysisInput input, int index)
    {
        var tokens = input.Tokens;
        bool Joined(int a) => a >= 0 && a + 1 < tokens.Count
            && input.Text.AsSpan(tokens[a].End, tokens[a + 1].Start - tokens[a].End).Trim() is "-" or "\u2013" or "\u2014" or "/";
        return Lookup(CalendarWords, input.Span(tokens[index]))
            && ((Joined(index) && Lookup(CalendarWords, input.Span(tokens[index + 1]))) || (Joined(index - 1) && Lookup(CalendarWords, input.Span(tokens[index - 1]))));
    }

    /// <summary>
    /// The capitalised run from this word on ends in an event, shop, club or pub word ("Summer Fair", "Grand Duck Race",
    /// "Bank Holiday", "Marlow Tesco"), or the word opens a title ("Jack and the Beanstalk").
    /// </summary>
    private static bool IsInNamedThing(AnalysisInput input, int index)
    {
        var tokens = input.Tokens;
        for (int k = index; k < index + 4 && IsAdjacentWord(input, k); k++)
        {
            var raw = input.Span(tokens[k + 1]);
            if (!IsCapitalised(raw)) break;
            var next = AnalysisInput.WithoutPossessive(raw);
            if (Lookup(NamedThingNouns, next) || Lookup(NamedThingNouns, raw)) return true;
            // A plural possessive goes on to the thing it qualifies ("Teddy Bears' Picnic"); a singular one ends the run.
            if (next.Length != raw.Length && !AnalysisInput.IsApostrophe(raw[^1])) break;
        }
        // "Jack and the Beanstalk", but "Jude and the twins" is a child.
        if (index + 3 < tokens.Count && IsAdjacentWord(input, index) && IsAdjacentWord(input, index + 1) && IsAdjacentWord(input, index + 2)
            && input.Span(tokens[index + 1]).Equals("and", StringComparison.OrdinalIgnoreCase)
            && input.Span(tokens[index + 2]).Equals("the", StringComparison.OrdinalIgnoreCase)
            && IsCapitalised(input.Span(tokens[index + 3])))
        {
            return true;
        }
        return false;
    }

    private static bool IsAfterThe(AnalysisInput input, int index) =>
        index > 0 && IsAdjacentWord(input, index - 1) && input.Span(input.Tokens[index - 1]).Equals("the", StringComparison.OrdinalIgnoreCase);
}
