using System.Text.RegularExpressions;

namespace WWPS.PolicyBot.Cognitive.Pii;

/// <summary>
/// A child's age ("aged 3", "3 years old", "Freddie (4)", "turns 4 on Friday") and date of birth ("born 12/03/2021",
/// "DOB 12 March 2021"). A bare date is not personal data (term dates, events), so a date counts only after a birth cue.
/// </summary>
internal sealed partial class AgeRecognizer(NameGazetteer gazetteer) : IPiiRecognizer
{
    // Every age pattern carries its own cue word ("aged", "years old", "turns"), so the match is the evidence.
    private const double AgePhraseScore = 0.6;
    private const double DateOfBirthScore = 0.85;

    public void Recognize(AnalysisInput input, List<PiiCandidate> sink)
    {
        var text = input.Text;
        foreach (var match in AgePhrasePattern().EnumerateMatches(text))
        {
            sink.Add(new PiiCandidate(PiiCategories.Age, match.Index, match.Length, AgePhraseScore));
        }

        // "(4)" is an age only after a name; after other words it is a list number or a footnote.
        if (text.Contains('('))
        {
            foreach (Match match in BracketAgePattern().Matches(text))
            {
                if (gazetteer.Lookup(match.Groups["name"].ValueSpan) == NameKind.None) continue;
                var age = match.Groups["age"];
                sink.Add(new PiiCandidate(PiiCategories.Age, age.Index, age.Length, AgePhraseScore));
            }
        }

        // "Reggie is 3 today", "she's 4 now": a small number after a name or pronoun and "is", closed by a time word or
        // the end of the clause ("is 3 minutes late" and "Room is 3 doors down" are not ages).
        foreach (Match match in StatedAgePattern().Matches(text))
        {
            var subject = match.Groups["name"].ValueSpan;
            if (!IsPronoun(subject))
            {
                var kind = gazetteer.Lookup(subject);
                if (kind is NameKind.None or NameKind.Reserved || !char.IsUpper(subject[0])) continue;
            }
            var age = match.Groups["age"];
            sink.Add(new PiiCandidate(PiiCategories.Age, age.Index, age.Length, AgePhraseScore));
        }

        foreach (Match match in DateOfBirthPattern().Matches(text))
        {
            var date = match.Groups["date"];
            sink.Add(new PiiCandidate(PiiCategories.DateOfBirth, date.Index, date.Length, DateOfBirthScore));
        }
    }

    private static bool IsPronoun(ReadOnlySpan<char> word) =>
        word.Equals("he", StringComparison.OrdinalIgnoreCase) || word.Equals("she", StringComparison.OrdinalIgnoreCase);

    private const string Number = @"(?:\d{1,2}(?:\.5)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen)(?:\s+and\s+a\s+half|\s*\u00BD)?";
    private const string Month = @"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";
    private const string Date = @"(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?" + Month + @"\.?(?:,?\s+\d{4})?|" + Month + @"\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?)";
    private const string Before = @"(?<![\p{L}\p{Nd}])";
    private const string After = @"(?![\p{L}\p{Nd}])";

    [GeneratedRegex(Before + @"(?:(?:aged?|age:)\s+" + Number + @"|(?:turns?|turned|turning)\s+" + Number + @"|" + Number + @"[\s\-]*(?:years?|yrs?|yo|months?|mths?)[\s\-]*old|" + Number + @"[\s\-]*(?:year|yr|month)[\s\-]*olds?|\d{1,2}(?:st|nd|rd|th)\s+birthday)" + After,
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AgePhrasePattern();

    [GeneratedRegex(@"(?<![\p{L}\p{Nd}])(?<name>\p{Lu}[\p{Ll}'\u2019\-]+)\s?\((?<age>\d{1,2})\)", RegexOptions.CultureInvariant)]
    private static partial Regex BracketAgePattern();

    [GeneratedRegex(Before + @"(?<name>\p{L}[\p{L}\-]*)(?:\s+(?:is|was)(?:\s+(?:now|only|just))?|['\u2019]s(?:\s+(?:now|only|just))?)\s+(?<age>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)(?=\s+(?:today|tomorrow|now|this|next|on|in|at|and|yesterday|last)\b|\s*[!.,?;:)\u2026]|\s*$|\s+\p{So}|\s+\p{Cs})",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex StatedAgePattern();

    [GeneratedRegex(Before + @"(?:born(?:\s+on)?|d\.?o\.?b\.?|date\s+of\s+birth(?:\s+is)?|birthday(?:\s+is)?(?:\s+on)?)\s*[:\-]?\s*(?<date>" + Date + @")" + After,
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DateOfBirthPattern();
}
