using System.Buffers;
using System.Text.RegularExpressions;

namespace WWPS.PolicyBot.Cognitive.Pii;

/// <summary>
/// A person's social media handle offered as a way to reach them ("drop me a message on insta @kayla.early", "hmu on
/// snap (jadeybabes_x)") or a post addressed to one ("@samira_h I've sent…"). An @-mention in the middle of a post with
/// no such cue is left alone: that is how sponsors and local businesses are thanked ("thanks to @DownleyDental").
/// </summary>
internal sealed partial class SocialHandleRecognizer : IPiiRecognizer
{
    private const double Score = 0.6;

    private static readonly SearchValues<char> HandleMarks = SearchValues.Create("0123456789_.");

    // How far before a handle a contact cue may sit, in characters: "message me on insta @x" and "find me on TikTok, @x".
    private const int CueWindow = 40;

    public void Recognize(AnalysisInput input, List<PiiCandidate> sink)
    {
        var text = input.Text;
        if (text.Contains('@'))
        {
            foreach (var match in AtHandle().EnumerateMatches(text))
            {
                int handle = match.Index;
                bool opensThePost = text.AsSpan(0, handle).Trim().IsEmpty;
                if (!NamesTheSetting(text.AsSpan(handle, match.Length)) && (opensThePost || ContactCue().IsMatch(Before(text, handle))))
                {
                    sink.Add(new PiiCandidate(PiiCategories.SocialHandle, handle, match.Length, Score));
                }
            }
        }

        foreach (Match match in NamedOnPlatform().Matches(text))
        {
            var handle = match.Groups["handle"];
            // A plain word ("on snap (evenings)") is not a handle; one with a digit, an underscore or a dot is.
            if (handle.Value.AsSpan().IndexOfAny(HandleMarks) >= 0 && !NamesTheSetting(handle.Value))
            {
                sink.Add(new PiiCandidate(PiiCategories.SocialHandle, handle.Index, handle.Length, Score));
            }
        }
    }

    // The setting's own accounts ("Follow @westwycombepreschool") are what a post should point people to.
    private static bool NamesTheSetting(ReadOnlySpan<char> handle) =>
        handle.Contains("preschool", StringComparison.OrdinalIgnoreCase) || handle.Contains("wwps", StringComparison.OrdinalIgnoreCase)
        || handle.Contains("westwycombe", StringComparison.OrdinalIgnoreCase);

    private static string Before(string text, int at) => text[Math.Max(0, at - CueWindow)..at];

    [GeneratedRegex(@"(?<![\p{L}\p{Nd}_.@])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?(?![\p{L}\p{Nd}_@]|\.[A-Za-z])", RegexOptions.CultureInvariant)]
    private static partial Regex AtHandle();

    [GeneratedRegex(@"\b(?:message|messaging|msg|dm|drop me|hmu|hit me up|add me|find me|follow me|contact me|reach me|text me|my (?:snap|snapchat|insta|instagram|ig|tiktok|twitter|threads))\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ContactCue();

    [GeneratedRegex(@"\b(?:snap|snapchat|insta|instagram|ig|tiktok|twitter|threads)\b\s*(?:is|:|-|\(|at)?\s*\(?(?<handle>[A-Za-z0-9_][A-Za-z0-9_.]{2,28}[A-Za-z0-9_])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NamedOnPlatform();
}
