using System.Text.RegularExpressions;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Tests.Testing;

/// <summary>One line of a <c>.chat</c> script; see Transcripts/README.md for the format.</summary>
internal sealed record ChatLine(int LineNumber, ChatLineKind Kind, string Text);

internal enum ChatLineKind
{
    User,
    Bot,
    Actions,
}

/// <summary>Parses and runs <c>.chat</c> transcripts against a bot through a <see cref="TestAdapter"/>.</summary>
internal static class ChatTranscript
{
    public static IReadOnlyList<ChatLine> Parse(string script)
    {
        var lines = new List<ChatLine>();
        var number = 0;
        foreach (var raw in script.ReplaceLineEndings("\n").Split('\n'))
        {
            number++;
            var line = raw.TrimEnd();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var speaker = colon < 0 ? string.Empty : line[..colon].Trim();
            var text = colon < 0 ? string.Empty : Unescape(line[(colon + 1)..].TrimStart());
            var kind = speaker switch
            {
                "user" => ChatLineKind.User,
                "bot" => ChatLineKind.Bot,
                "actions" => ChatLineKind.Actions,
                _ => throw new FormatException($"line {number}: expected 'user:', 'bot:' or 'actions:', got \"{line}\""),
            };
            if (kind == ChatLineKind.Actions && (lines.Count == 0 || lines[^1].Kind != ChatLineKind.Bot))
            {
                throw new FormatException($"line {number}: 'actions:' must follow a 'bot:' line");
            }

            lines.Add(new ChatLine(number, kind, text));
        }

        return lines;
    }

    public static async Task RunAsync(string script, TestAdapter adapter, BotCallbackHandler bot, string name = "transcript", CancellationToken cancellationToken = default)
    {
        Activity? lastReply = null;
        foreach (var line in Parse(script))
        {
            var where = $"{name}:{line.LineNumber}";
            switch (line.Kind)
            {
                case ChatLineKind.User:
                    AssertNoneLeft(adapter, where);
                    await adapter.ProcessAsync(adapter.MakeMessage(line.Text), bot, cancellationToken);
                    break;
                case ChatLineKind.Bot:
                    lastReply = adapter.TakeReply();
                    Assert.True(lastReply is not null, $"{where}: expected the bot to say \"{line.Text}\", but it said nothing more.");
                    Assert.True(Matches(line.Text, lastReply.Text), $"{where}: expected \"{line.Text}\"\n  but the bot said \"{lastReply.Text}\"");
                    break;
                case ChatLineKind.Actions:
                    var expected = line.Text.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                    var actual = lastReply?.SuggestedActions?.Actions.Select(a => a.Title ?? string.Empty).ToArray() ?? [];
                    Assert.True(expected.SequenceEqual(actual), $"{where}: expected buttons [{string.Join(" | ", expected)}] but got [{string.Join(" | ", actual)}]");
                    break;
            }
        }

        AssertNoneLeft(adapter, $"{name}: end");
    }

    /// <summary><c>~x</c>: contains x, ignoring case. Otherwise exact, where each <c>*</c> stands for any text.</summary>
    public static bool Matches(string pattern, string? actual)
    {
        actual ??= string.Empty;
        if (pattern.StartsWith('~'))
        {
            return actual.Contains(pattern[1..].Trim(), StringComparison.OrdinalIgnoreCase);
        }

        if (!pattern.Contains('*', StringComparison.Ordinal))
        {
            return string.Equals(pattern, actual, StringComparison.Ordinal);
        }

        var regex = "^" + string.Join(".*", pattern.Split('*').Select(Regex.Escape)) + "$";
        return Regex.IsMatch(actual, regex, RegexOptions.Singleline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    private static void AssertNoneLeft(TestAdapter adapter, string where)
    {
        var extra = adapter.TakeReply();
        Assert.True(extra is null, $"{where}: the bot also said \"{extra?.Text}\", which the transcript does not expect.");
    }

    private static string Unescape(string text) => text.Replace("\\n", "\n", StringComparison.Ordinal);
}
