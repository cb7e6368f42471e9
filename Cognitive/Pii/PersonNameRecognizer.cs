using System.Collections.Frozen;
using System.Globalization;

namespace WWPS.PolicyBot.Cognitive.Pii;

/// <summary>
/// People's names without NER: a first-name gazetteer, capitalisation, a following surname, and cue phrases
/// ("little X", "X's mum", "Mrs X", "X (4)"). A child's first name on its own is the case that matters most.
/// </summary>
internal sealed class PersonNameRecognizer(NameGazetteer gazetteer) : IPiiRecognizer
{
    // A capitalised gazetteer name mid-sentence is strong evidence on its own (0.6). At the start of a sentence
    // capitals prove nothing, so it is a little lower; both clear the 0.4 threshold because the list only holds
    // names and the ambiguous ones are flagged. Ambiguous names and lower-case names start below the threshold
    // and pass only with a cue (+0.35), as Presidio's context enhancer would have them.
    private const double MidSentenceScore = 0.6;
    private const double SentenceStartScore = 0.5;
    private const double AmbiguousScore = 0.15;
    private const double LowerCaseScore = 0.1;
    private const double FullNameScore = 0.85;
    private const double AmbiguousFullNameScore = 0.7;
    private const double TitledScore = 0.85;

    private static FrozenSet<string> Set(params string[] words) => words.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenSet<string> Titles = Set("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Master", "Mister");

    // Words just before a name that say it is a child ("little Leo", "our Freddie", "my son Jack").
    private static readonly FrozenSet<string> ChildCuesBefore = Set(
        "little", "lil", "our", "baby", "son", "daughter", "grandson", "granddaughter", "nephew", "niece", "toddler",
        "boy", "girl", "twins", "brother", "sister", "pupil", "child", "kid", "kiddo", "bestie", "classmate");

    // Words just before a name that say it is a person but not which kind ("my husband Mark").
    private static readonly FrozenSet<string> PersonCuesBefore = Set(
        "husband", "wife", "partner", "friend", "mate", "colleague", "neighbour", "auntie", "aunty", "aunt", "uncle",
        "cousin", "manager", "teacher", "keyworker", "dear", "hi", "hey", "thanks", "thank", "congratulations", "congrats", "love");

    // "X's mum" — a child's relations, or (for the last few) a child's people at preschool.
    private static readonly FrozenSet<string> ChildRelationsAfter = Set(
        "mum", "mummy", "mom", "mommy", "mam", "dad", "daddy", "nan", "nana", "nanny", "gran", "granny", "grandma",
        "grandad", "grandpa", "parents", "parent", "family", "carer", "keyworker", "key", "childminder", "nappy", "buggy", "pushchair");

    private static readonly FrozenSet<string> AdultRelationsAfter = Set("husband", "wife", "partner", "boyfriend", "girlfriend", "boss", "colleague");

    private static readonly FrozenSet<string> AgeWordsAfter = Set("aged", "age", "turns", "turned", "turning");

    // A name that appears in a post about preschool life is taken to be a child's.
    private static readonly FrozenSet<string> PreschoolWords = Set(
        "preschool", "pre-school", "nursery", "playgroup", "keyworker", "sandpit", "nappy", "nappies", "potty", "toddler",
        "toddlers", "reception", "pushchair", "buggy", "playdate", "naptime", "storytime", "pupil", "pupils", "classmate", "classmates");

    // Capitalised words that are never the surname in "First Surname".
    private static readonly FrozenSet<string> NotSurnames = Set(
        "Road", "Street", "Lane", "Avenue", "Close", "Drive", "Way", "Crescent", "Gardens", "Grove", "Terrace", "Mews", "Place",
        "Square", "Court", "Park", "Green", "Hill", "Preschool", "Pre-school", "Nursery", "School", "Playgroup", "Academy",
        "Church", "Centre", "Center", "Hall", "Club", "Group", "Team", "Day", "Week", "Term", "Year", "Eve",
        "Zoo", "Museum", "Farm", "Library", "Station", "Hospital", "Castle", "Cathedral", "Festival", "Show", "Market", "Fair", "Half", "Fair", "Party",
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Easter", "Christmas",
        "Mum", "Mummy", "Dad", "Daddy", "Nan", "Nana", "Grandma", "Grandad", "I", "And", "Or", "But", "The", "A", "An",
        "Mr", "Mrs", "Ms", "Miss", "Dr", "PS", "OK", "Ok", "Xx", "Xxx", "Lol", "Everyone", "Everybody", "All", "You", "We",
        "They", "He", "She", "It", "To", "For", "From", "With", "At", "In", "On", "Of", "Is", "Was", "Has", "Had", "Birthday");

    private static readonly FrozenSet<string> VerbLikeNames = Set("Will", "May", "Hope", "Mark", "Grant", "Pat", "Sue", "Bill", "Trust", "Wish");

    private static readonly FrozenSet<string> StreetSuffixes = Set(
        "Road", "Street", "Lane", "Avenue", "Close", "Drive", "Way", "Crescent", "Gardens", "Grove", "Terrace", "Mews", "Place",
        "Square", "Court", "Rise", "Row", "Walk", "Parade", "Rd", "St", "Ln", "Ave");

    public void Recognize(AnalysisInput input, List<PiiCandidate> sink)
    {
        var tokens = input.Tokens;
        bool? preschoolPost = null;

        for (int i = 0; i < tokens.Count; i++)
        {
            var word = AnalysisInput.WithoutPossessive(input.Span(tokens[i]));
            if (!char.IsLetter(word[0])) continue;
            bool capitalised = IsCapitalised(word);

            if (capitalised && Lookup(Titles, word) && i + 1 < tokens.Count && IsTitleGap(input, tokens[i], tokens[i + 1])
                && IsSurnameLike(input, i + 1))
            {
                int titledLast = i + 1;
                if (IsAdjacentWord(input, titledLast) && IsSurnameLike(input, titledLast + 1)) titledLast++;
                sink.Add(Candidate(input, i + 1, titledLast, TitledScore, null));
                i = titledLast;
                continue;
            }

            var kind = gazetteer.Lookup(word);
            if (kind == NameKind.None || (!capitalised && kind != NameKind.Clear)) continue;
            if (IsAdjacentWord(input, i) && Lookup(StreetSuffixes, input.Span(tokens[i + 1]))) continue;

            bool possessive = word.Length != tokens[i].Length;
            int last = i;
            // A verb before a clear first name is a question or a wish ("Will Sophie come?", "Hope Leo feels better").
            if (capitalised && !possessive && IsAdjacentWord(input, i) && IsSurnameLike(input, i + 1)
                && !(Lookup(VerbLikeNames, word) && gazetteer.Lookup(AnalysisInput.WithoutPossessive(input.Span(tokens[i + 1]))) == NameKind.Clear)
                && !(IsAdjacentWord(input, i + 1) && Lookup(StreetSuffixes, input.Span(tokens[i + 2]))))
            {
                last = i + 1;
            }

            var cue = FindCue(input, i, last, allowOur: kind != NameKind.Reserved);
            if (kind == NameKind.Reserved && last == i && cue == Cue.None) continue;
            double score = last > i ? (kind == NameKind.Clear ? FullNameScore : AmbiguousFullNameScore)
                : !capitalised ? LowerCaseScore
                : kind != NameKind.Clear ? AmbiguousScore
                : IsSentenceStart(input.Text, tokens[i].Start) ? SentenceStartScore : MidSentenceScore;
            score = Scoring.WithContext(score, cue != Cue.None);

            bool child = cue == Cue.Child || (cue != Cue.Adult && (preschoolPost ??= input.ContainsWord(PreschoolWords)));
            sink.Add(Candidate(input, i, last, score, child ? PiiCategories.Child : null));
            i = last;
        }
    }

    private enum Cue { None, Person, Child, Adult }

    // "our" marks a child before a name ("our Freddie") but also opens events ("our Easter egg hunt"), so a
    // month, holiday or place takes only the other cues.
    private static Cue FindCue(AnalysisInput input, int first, int last, bool allowOur)
    {
        var tokens = input.Tokens;
        for (int k = first - 1; k >= Math.Max(0, first - 2); k--)
        {
            var before = AnalysisInput.WithoutPossessive(input.Span(tokens[k]));
            if (!allowOur && before.Equals("our", StringComparison.OrdinalIgnoreCase)) continue;
            if (Lookup(ChildCuesBefore, before)) return Cue.Child;
            if (Lookup(PersonCuesBefore, before)) return Cue.Person;
        }

        var lastWord = input.Span(tokens[last]);
        bool possessive = AnalysisInput.WithoutPossessive(lastWord).Length != lastWord.Length;
        if (last + 1 < tokens.Count)
        {
            var next = input.Span(tokens[last + 1]);
            if (possessive && Lookup(ChildRelationsAfter, next)) return Cue.Child;
            if (possessive && Lookup(AdultRelationsAfter, next)) return Cue.Adult;
            if (Lookup(AgeWordsAfter, next) && last + 2 < tokens.Count && char.IsAsciiDigit(input.Text[tokens[last + 2].Start])) return Cue.Child;
        }

        // "Freddie (4)" / "Freddie(4)": a small age in brackets right after the name.
        var rest = input.Text.AsSpan(tokens[last].End).TrimStart(' ');
        if (rest.Length >= 3 && rest[0] == '(' && char.IsAsciiDigit(rest[1]) && (rest[2] == ')' || (rest.Length >= 4 && char.IsAsciiDigit(rest[2]) && rest[3] == ')')))
        {
            return Cue.Child;
        }
        return Cue.None;
    }

    private static PiiCandidate Candidate(AnalysisInput input, int first, int last, double score, string? subcategory)
    {
        int start = input.Tokens[first].Start;
        int end = input.Tokens[last].Start + AnalysisInput.WithoutPossessive(input.Span(input.Tokens[last])).Length;
        return new PiiCandidate(PiiCategories.Person, start, end - start, score, subcategory);
    }

    private bool IsSurnameLike(AnalysisInput input, int index)
    {
        if (index >= input.Tokens.Count) return false;
        var word = AnalysisInput.WithoutPossessive(input.Span(input.Tokens[index]));
        if (word.Length < 2 || !IsCapitalised(word) || Lookup(NotSurnames, word) || gazetteer.Lookup(word) == NameKind.Reserved) return false;
        foreach (char c in word)
        {
            if (!char.IsLetter(c) && !AnalysisInput.IsApostrophe(c) && c != '-') return false;
        }
        return true;
    }

    /// <summary>The next token follows this one after plain spaces only: no punctuation, no line break.</summary>
    private static bool IsAdjacentWord(AnalysisInput input, int index)
    {
        if (index + 1 >= input.Tokens.Count) return false;
        var gap = input.Text.AsSpan(input.Tokens[index].End, input.Tokens[index + 1].Start - input.Tokens[index].End);
        return gap.Length is >= 1 and <= 2 && gap.IndexOfAnyExcept(' ', '\u00A0') < 0;
    }

    /// <summary>"Mrs Smith" or "Mrs. Smith".</summary>
    private static bool IsTitleGap(AnalysisInput input, Token title, Token next)
    {
        var gap = input.Text.AsSpan(title.End, next.Start - title.End);
        return gap is " " or ". " or "\u00A0";
    }

    /// <summary>Upper-case first letter and not shouted in capitals ("LEO" in an all-caps post is not evidence).</summary>
    private static bool IsCapitalised(ReadOnlySpan<char> word)
    {
        if (!char.IsUpper(word[0])) return false;
        if (word.Length == 1) return true;
        foreach (char c in word[1..]) if (char.IsLower(c)) return true;
        return false;
    }

    /// <summary>True when nothing but openers (quotes, brackets, spaces, emoji, bullets) stands between a sentence end and the word.</summary>
    internal static bool IsSentenceStart(string text, int position)
    {
        for (int p = position - 1; p >= 0; p--)
        {
            char c = text[p];
            if (c is '\n' or '\r' or '.' or '!' or '?' or '\u2026' or ':' or ';' or '\u2022') return true;
            if (char.IsWhiteSpace(c) || c is '"' or '\'' or '(' or '[' or '\u201C' or '\u2018' or '*' or '-' or '\u2013' or '\u2014') continue;
            if (char.IsSurrogate(c)) return true;
            var category = char.GetUnicodeCategory(c);
            if (category is UnicodeCategory.Format or UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark) continue;
            return category is UnicodeCategory.OtherSymbol or UnicodeCategory.MathSymbol;
        }
        return true;
    }

    private static bool Lookup(FrozenSet<string> set, ReadOnlySpan<char> word) => set.GetAlternateLookup<ReadOnlySpan<char>>().Contains(word);
}
