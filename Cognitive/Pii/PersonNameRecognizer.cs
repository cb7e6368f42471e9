using System.Collections.Frozen;
using System.Globalization;

namespace WWPS.PolicyBot.Cognitive.Pii;

/// <summary>
/// People's names without NER: a first-name gazetteer, capitalisation, a following surname, and cue phrases
/// ("little X", "X's mum", "Mrs X", "X (4)", "the X family", "the Xs"). A child's first name on its own is the case
/// that matters most. Places that look like names are told apart by their own cues ("St X", "X Wood", "at X",
/// "the X ..."), and by a list of places near the preschool.
/// </summary>
internal sealed partial class PersonNameRecognizer(NameGazetteer gazetteer) : IPiiRecognizer
{
    // A capitalised gazetteer name mid-sentence is strong evidence on its own (0.6). At the start of a sentence
    // capitals prove nothing, so it is a little lower; both clear the 0.4 threshold because the list only holds
    // names and the ambiguous ones are flagged. Ambiguous names and lower-case names start below the threshold
    // and pass only with a cue (+0.35), as Presidio's context enhancer would have them.
    private const double MidSentenceScore = 0.6;
    private const double SentenceStartScore = 0.5;
    private const double AmbiguousScore = 0.15;
    private const double LowerCaseScore = 0.1;
    private const double LowerCaseClearScore = 0.45;
    private const double FullNameScore = 0.85;
    private const double AmbiguousFullNameScore = 0.7;
    private const double TitledScore = 0.85;

    public void Recognize(AnalysisInput input, List<PiiCandidate> sink)
    {
        var tokens = input.Tokens;
        bool? preschoolPost = null;
        bool? characterPost = null;
        bool shouted = IsShouted(input.Text);

        for (int i = 0; i < tokens.Count; i++)
        {
            var word = AnalysisInput.WithoutPossessive(input.Span(tokens[i]));
            if (!char.IsLetter(word[0])) continue;
            bool capitalised = IsCapitalised(word);

            // "St Paul's", "st mary's church hall", "Councillor Ahmed", "Sir William Ramsay": a church or a public figure.
            if (IsPublicTitle(input, i, word, capitalised))
            {
                i = EndOfTitleCaseRun(input, i + 1);
                continue;
            }

            // "Lane End", "High Wycombe", "Wycombe Rye", "at Penn": a known place, with the title-case words that
            // name something in it ("Wycombe Wanderers", "Marlow Regatta", "Lane End village hall").
            int placeLength = gazetteer.MatchPlace(input, i);
            if (placeLength > 0 && IsPlaceHere(input, i, placeLength, word))
            {
                i = EndOfTitleCaseRun(input, i + placeLength - 1);
                continue;
            }

            // "the Johnson family", "the little Kowalski boy", "the Wilsons".
            if (capitalised && FamilyName(input, i) is { } family)
            {
                sink.Add(family);
                i = input.TokenIndexAtOrAfter(family.End) - 1;
                continue;
            }

            // Toys, characters, authors and shops with a first name and surname ("Teddy Bears' Picnic", "julia donaldson").
            if (IsAdjacentWord(input, i) && IsFamous(input, i))
            {
                i++;
                continue;
            }

            if (capitalised && Lookup(Titles, word) && i + 1 < tokens.Count && IsTitleGap(input, tokens[i], tokens[i + 1])
                && IsTitledSurname(input, i + 1))
            {
                int titledLast = i + 1;
                if (IsAdjacentWord(input, titledLast) && IsSurnameLike(input, titledLast + 1)) titledLast++;
                // "my own bear, Mr Bumble".
                if (!IsPetName(input, i)) sink.Add(Candidate(input, i + 1, titledLast, TitledScore, null));
                i = titledLast;
                continue;
            }

            var kind = gazetteer.Lookup(word);
            if (kind == NameKind.None || (!capitalised && kind != NameKind.Clear)) continue;
            // "christmas fayre" in a lower-case post: an event word that the name list also holds.
            if (!capitalised && Lookup(NamedThingNouns, word)) continue;
            // "Jan–Dec", "Sat/Sun": a month or day short form in a range is a date.
            if (IsDateRange(input, i)) continue;

            bool possessive = word.Length != tokens[i].Length;
            // "St Mary's church", "Paul's chapel".
            if (possessive && IsAdjacentWord(input, i) && Lookup(ChurchWords, input.Span(tokens[i + 1]))) continue;
            // "the Red Lion", "the Belle Vue", "the Pink and Lily": after "the", a title-case run is a pub, a paper or a place.
            if (capitalised && IsInRunAfterThe(input, i))
            {
                i = EndOfTitleCaseRun(input, i);
                continue;
            }
            // "tortoise Sheldon", "a basset hound called Winston".
            if (IsPetName(input, i)) continue;

            // "Hughenden Park", "Keep Hill Wood", "a walk at Penn Wood", but "Lily Green" and "Jess Marsh" are people.
            bool surnameIsPlaceWord = false;
            if (!possessive && IsAdjacentWord(input, i) && IsPlaceNounAfter(input, i, capitalised))
            {
                var next = AnalysisInput.WithoutPossessive(input.Span(tokens[i + 1]));
                bool person = kind == NameKind.Clear && capitalised && Lookup(SurnamePlaceNouns, next)
                    && !IsAfter(input, i, Locatives) && !(IsAdjacentWord(input, i + 1) && IsPlaceNounAfter(input, i + 1, true));
                if (!person)
                {
                    i = EndOfTitleCaseRun(input, i + 1);
                    continue;
                }
                surnameIsPlaceWord = true;
            }
            // "Summer Fair", "Bank Holiday Monday", "Marlow Tesco", "Jack and the Beanstalk": the run names a thing.
            if (capitalised && !possessive && IsInNamedThing(input, i)) continue;
            // "Autumn Fayre": an event word that is also a name ends a run, it does not start a person.
            if (capitalised && Lookup(NamedThingNouns, word) && i > 0 && IsAdjacentWord(input, i - 1) && IsCapitalised(input.Span(tokens[i - 1]))) continue;

            int last = i;
            if (surnameIsPlaceWord) last = i + 1;
            // "Teddy R", "Sophie T.": a surname's initial.
            else if (capitalised && !possessive && IsAdjacentWord(input, i) && input.Tokens[i + 1].Length == 1
                && char.IsUpper(input.Text[tokens[i + 1].Start]) && !Lookup(NotInitials, input.Span(tokens[i + 1])))
            {
                last = i + 1;
            }
            // A verb before a clear first name is a question or a wish ("Will Sophie come?", "Hope Leo feels better").
            else if (capitalised && !possessive && IsAdjacentWord(input, i) && IsSurnameLike(input, i + 1)
                && !(Lookup(VerbLikeNames, word) && gazetteer.Lookup(AnalysisInput.WithoutPossessive(input.Span(tokens[i + 1]))) == NameKind.Clear)
                && !(IsAdjacentWord(input, i + 1) && Lookup(StreetSuffixes, input.Span(tokens[i + 2]))))
            {
                last = i + 1;
            }

            var cue = FindCue(input, i, last, allowOur: kind != NameKind.Reserved);
            bool character = last == i && Lookup(Characters, word) && (characterPost ??= input.ContainsWord(CharacterContext));
            if (cue == Cue.None && !character)
            {
                // Weaker evidence after the name: what the person does, or a list of other names ("Bev & Sue").
                if (FollowsLikeAPerson(input, last)) cue = Cue.Person;
                else if (kind != NameKind.Reserved && last == i && IsInNameList(input, i)) cue = Cue.Person;
            }
            bool sentenceStart = IsSentenceStart(input.Text, tokens[i].Start);

            if (last == i && cue == Cue.None)
            {
                if (kind == NameKind.Reserved || character) continue;
                // "the George and Dragon", "the Grange": after "the" a capitalised word is a place or a thing.
                if (capitalised && IsAfterThe(input, i)) continue;
                // "Elsa dress", "Daisy chains", "Ruby slippers".
                if (!possessive && IsAdjacentWord(input, i) && Lookup(ThingNounsAfter, input.Span(tokens[i + 1]))) continue;
                // "Daisy chains on the field" / "Daisy was poorly": a sentence-initial name that is also a word needs a verb after it.
                if (capitalised && sentenceStart && !possessive && gazetteer.IsCommonWord(word) && !IsSentenceVerbAfter(input, i)) continue;
            }
            if (kind == NameKind.Reserved && last == i && cue == Cue.None) continue;

            double score = last > i ? (kind == NameKind.Clear ? FullNameScore : AmbiguousFullNameScore)
                : !capitalised ? (IsBareLowerCaseName(word, kind, shouted) ? LowerCaseClearScore : LowerCaseScore)
                : kind != NameKind.Clear ? AmbiguousScore
                : sentenceStart ? SentenceStartScore : MidSentenceScore;
            score = Scoring.WithContext(score, cue != Cue.None);

            bool child = cue == Cue.Child || (cue != Cue.Adult && (preschoolPost ??= input.ContainsWord(PreschoolWords)));
            sink.Add(Candidate(input, i, last, score, child ? PiiCategories.Child : null));
            i = last;
        }
    }

    private static bool IsAfter(AnalysisInput input, int index, FrozenSet<string> words) =>
        index > 0 && IsAdjacentWord(input, index - 1) && Lookup(words, input.Span(input.Tokens[index - 1]));

    /// <summary>
    /// A lower-case (or shouted) clear name that is no English word is still a name ("freddie was a star", "FREDDIE
    /// WAS A STAR"); very short ones and chat words need a cue.
    /// </summary>
    private bool IsBareLowerCaseName(ReadOnlySpan<char> word, NameKind kind, bool shouted) =>
        kind == NameKind.Clear && word.Length >= (shouted ? 3 : 4) && !gazetteer.IsCommonWord(word) && !Lookup(LowerCaseNotNames, word)
        && (shouted || !char.IsUpper(word[0]));

    /// <summary>Mostly capitals: a shouted post, where case says nothing about names.</summary>
    private static bool IsShouted(string text)
    {
        int upper = 0, lower = 0;
        foreach (char c in text)
        {
            if (char.IsUpper(c)) upper++;
            else if (char.IsLower(c)) lower++;
        }
        return upper >= 8 && lower * 5 < upper;
    }

    private enum Cue { None, Person, Child, Adult }

    private static readonly System.Buffers.SearchValues<char> CueBreakers = System.Buffers.SearchValues.Create(".!?;:-\u2013\u2014()\n");

    // "our" marks a child before a name ("our Freddie") but also opens events ("our Easter egg hunt"), so a
    // month, holiday or place takes only the other cues.
    private static Cue FindCue(AnalysisInput input, int first, int last, bool allowOur)
    {
        var tokens = input.Tokens;
        for (int k = first - 1; k >= Math.Max(0, first - 2); k--)
        {
            var before = AnalysisInput.WithoutPossessive(input.Span(tokens[k]));
            // "our little Freddie" reaches over "little", but "our Summer Fair" does not reach "Fair".
            if (k == first - 2 && IsCapitalised(input.Span(tokens[first - 1]))) break;
            // "visits welcome – ring Wycombe 438996": a cue does not reach over a dash or the end of a sentence.
            if (input.Text.AsSpan(tokens[k].End, tokens[k + 1].Start - tokens[k].End).IndexOfAny(CueBreakers) >= 0) break;
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
