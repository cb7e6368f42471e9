using System.Text.Json;
using System.Text.RegularExpressions;

namespace WWPS.PolicyBot.Tests.Support;

/// <summary>
/// The scorer's rules (shared/eval/score.py) in C#, so the bar is checked in the test run too:
/// a citation "is" clause K when its text contains K's distinctive phrase, case- and whitespace-insensitive.
/// </summary>
internal static partial class EvalSet
{
    public static IReadOnlyDictionary<string, string> Phrases { get; } = LoadPhrases();

    public static List<JsonElement> Read(string path) =>
        [.. File.ReadLines(path).Where(l => l.Trim().Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone())];

    public static string Norm(string? s) => Space().Replace((s ?? "").Replace('\u2019', '\''), " ").Trim().ToLowerInvariant();

    public static bool Cites(string clauseText, string key) => Norm(clauseText).Contains(Norm(Phrases[key]), StringComparison.Ordinal);

    private static Dictionary<string, string> LoadPhrases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(RepoPaths.SharedFile("eval", "clauses.json")));
        return doc.RootElement.EnumerateObject().Where(p => !p.Name.StartsWith('_')).ToDictionary(p => p.Name, p => p.Value.GetString()!);
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Space();
}
