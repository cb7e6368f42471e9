using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace WWPS.PolicyBot.Cognitive.Pii;

/// <summary>Email addresses; a match whose last label is not a plausible top-level domain is dropped (Presidio validates with tldextract).</summary>
internal sealed partial class EmailRecognizer : IPiiRecognizer
{
    // "photo@2x.png" and "logo@home.jpg" are file names people paste, not addresses.
    private static readonly FrozenSet<string> FileExtensions = new[]
    {
        "png", "jpg", "jpeg", "gif", "webp", "heic", "bmp", "svg", "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx",
        "txt", "csv", "mp3", "mp4", "mov", "avi", "wav", "zip", "js", "css", "html", "htm", "exe",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public void Recognize(AnalysisInput input, List<PiiCandidate> sink)
    {
        if (!input.Text.Contains('@')) return;
        foreach (var match in EmailPattern().EnumerateMatches(input.Text))
        {
            var candidate = input.Text.AsSpan(match.Index, match.Length);
            if (!IsPlausible(candidate)) continue;
            sink.Add(new PiiCandidate(PiiCategories.Email, match.Index, match.Length, 1.0));
        }
    }

    private static bool IsPlausible(ReadOnlySpan<char> email)
    {
        int at = email.IndexOf('@');
        var local = email[..at];
        var domain = email[(at + 1)..];
        if (local[^1] == '.' || local.Contains("..", StringComparison.Ordinal) || domain.Contains("..", StringComparison.Ordinal)) return false;
        var tld = domain[(domain.LastIndexOf('.') + 1)..];
        return tld.Length is >= 2 and <= 24 && !FileExtensions.GetAlternateLookup<ReadOnlySpan<char>>().Contains(tld);
    }

    // Lookarounds instead of \b: .NET counts ZWJ/ZWNJ as word characters for \b, which would hide an address typed after an emoji.
    [GeneratedRegex(@"(?<![\p{L}\p{Nd}._%+'-])[A-Za-z0-9][A-Za-z0-9._%+'-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\p{L}\p{Nd}-])", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();
}
