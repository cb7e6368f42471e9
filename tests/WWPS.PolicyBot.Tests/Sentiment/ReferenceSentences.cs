using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace WWPS.PolicyBot.Tests.Sentiment;

/// <summary>One UCI sentence (label 1 = positive; each fixture ends with an empty, unlabelled row) and the reference VADER compound.</summary>
public sealed record ReferenceSentence(
    [property: JsonPropertyName("set")] string Set,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("label")] int? Label,
    [property: JsonPropertyName("compound")] double Compound);

/// <summary>
/// Runs tests/node/vader-reference.js once per test run. A missing node or node_modules is a failure with the fix
/// in the message, never a skip: a faithfulness test that quietly does not run proves nothing.
/// </summary>
public sealed class ReferenceSentences
{
    private readonly Lazy<IReadOnlyList<ReferenceSentence>> _all = new(Load);

    public IReadOnlyList<ReferenceSentence> All => _all.Value;

    public static readonly string[] Sets = ["amazon", "imdb", "yelp"];

    private static List<ReferenceSentence> Load()
    {
        var nodeFolder = Path.Combine(RepositoryRoot(), "tests", "node");
        if (!Directory.Exists(Path.Combine(nodeFolder, "node_modules", "vader-sentiment"))
            || !Directory.Exists(Path.Combine(nodeFolder, "node_modules", "sentiment")))
        {
            throw new InvalidOperationException(
                "The reference VADER is not installed. Run `npm ci --prefix tests/node` from the repository root, then rerun the tests.");
        }

        var start = new ProcessStartInfo("node", "vader-reference.js")
        {
            WorkingDirectory = nodeFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.StandardOutputEncoding = System.Text.Encoding.UTF8;

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("`node` is not on PATH; install Node.js 20+ to run the VADER reference tests.", e);
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var sentences = new List<ReferenceSentence>(3003);
            while (process.StandardOutput.ReadLine() is { } line)
            {
                sentences.Add(JsonSerializer.Deserialize<ReferenceSentence>(line)
                    ?? throw new InvalidDataException($"Unreadable reference line: {line}"));
            }

            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"vader-reference.js failed ({process.ExitCode}): {stderr.Result}");
            }

            return sentences;
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "WWPS.PolicyBot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No WWPS.PolicyBot.sln above {AppContext.BaseDirectory}.");
    }
}
