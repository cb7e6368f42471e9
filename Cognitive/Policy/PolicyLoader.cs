using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace WWPS.PolicyBot.Cognitive.Policy;

/// <summary>
/// Reads a policy from Markdown (our format: a clause id in each heading), plain text or Word (.docx).
/// Text and Word documents have no ids, so clauses are found from their layout: short lines are headings,
/// bulleted or numbered paragraphs are clauses of the section they sit in.
/// </summary>
public static partial class PolicyLoader
{
    public const string BundledName = "social-networking-policy.md";

    /// <summary>The Social Networking Policy that ships with the bot.</summary>
    public static PolicyDocument LoadBundled()
    {
        var assembly = typeof(PolicyLoader).Assembly;
        using var stream = assembly.GetManifestResourceStream(BundledName)
            ?? throw new PolicyFormatException(BundledName, "the bundled policy is missing from the build");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return ParseMarkdown(reader.ReadToEnd(), $"bundled:{BundledName}");
    }

    /// <summary>Loads the file at <paramref name="path"/>, or the bundled policy when the path is empty.</summary>
    public static PolicyDocument Load(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return LoadBundled();
        }

        if (!File.Exists(path))
        {
            throw new PolicyFormatException(path, "no such file");
        }

        var extension = Path.GetExtension(path).ToLowerInvariant();
        return extension switch
        {
            ".md" or ".markdown" => ParseMarkdown(File.ReadAllText(path, Encoding.UTF8), path),
            ".txt" => ParseLines(File.ReadAllLines(path, Encoding.UTF8).Select(l => new SourceLine(l, false, false)), path),
            ".docx" => ParseLines(ReadDocx(path), path),
            _ => throw new PolicyFormatException(path, $"unsupported file type '{extension}' (use .md, .txt or .docx)"),
        };
    }

    public static PolicyDocument ParseMarkdown(string markdown, string source)
    {
        var front = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var index = 0;
        if (lines.Length > 0 && lines[0].Trim() == "---")
        {
            for (index = 1; index < lines.Length && lines[index].Trim() != "---"; index++)
            {
                var colon = lines[index].IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    front[lines[index][..colon].Trim()] = lines[index][(colon + 1)..].Trim();
                }
            }

            index++;
        }

        var clauses = new List<PolicyClause>();
        string? title = front.GetValueOrDefault("title");
        string section = "";
        ClauseDraft? current = null;
        var inComment = false;

        void Flush()
        {
            if (current is { } c && c.Text.Length > 0)
            {
                clauses.Add(new PolicyClause(c.Id, c.Title, c.Section, c.Text.ToString().Trim(), c.Summary, c.Keywords));
            }

            current = null;
        }

        for (; index < lines.Length; index++)
        {
            var line = lines[index];
            var trimmed = line.Trim();
            if (inComment)
            {
                inComment = !trimmed.Contains("-->", StringComparison.Ordinal);
                continue;
            }

            if (trimmed.StartsWith("<!--", StringComparison.Ordinal))
            {
                inComment = !trimmed.Contains("-->", StringComparison.Ordinal);
                continue;
            }

            var heading = HeadingRegex().Match(trimmed);
            if (heading.Success)
            {
                Flush();
                var level = heading.Groups["hashes"].Length;
                var name = heading.Groups["name"].Value.Trim();
                if (heading.Groups["id"].Success)
                {
                    current = new ClauseDraft(heading.Groups["id"].Value, name, level <= 2 ? name : section);
                }
                else if (level == 1)
                {
                    title ??= name;
                }
                else
                {
                    section = name;
                }

                continue;
            }

            if (current is null)
            {
                continue;
            }

            if (current.Text.Length == 0 && trimmed.StartsWith("Answer:", StringComparison.Ordinal))
            {
                current.Summary = trimmed["Answer:".Length..].Trim();
            }
            else if (current.Text.Length == 0 && trimmed.StartsWith("Keywords:", StringComparison.Ordinal))
            {
                current.Keywords = trimmed["Keywords:".Length..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            }
            else if (trimmed.Length > 0)
            {
                if (current.Text.Length > 0)
                {
                    current.Text.Append(' ');
                }

                current.Text.Append(trimmed.TrimStart('-', '*', '·', '•').Trim());
            }
        }

        Flush();
        if (clauses.Count == 0)
        {
            throw new PolicyFormatException(source, "no clauses found: give each clause a heading with an id, e.g. '### Privacy settings {#methods-7}'");
        }

        var allText = string.Join(" ", clauses.Select(c => c.Text));
        var metadata = new PolicyMetadata(
            title ?? "Policy",
            front.GetValueOrDefault("setting"),
            ParseMonth(front.GetValueOrDefault("adopted")) ?? FindAdopted(allText),
            ParseMonth(front.GetValueOrDefault("reviewed")),
            ParseCycle(front.GetValueOrDefault("review")) ?? FindCycle(allText) ?? 0,
            front.GetValueOrDefault("contact-email") ?? FindEmail(allText),
            front.GetValueOrDefault("contact-phone") ?? FindPhone(allText),
            source);
        return new PolicyDocument(metadata, clauses);
    }

    private sealed record SourceLine(string Text, bool IsHeading, bool IsListItem);

    private static List<SourceLine> ReadDocx(string path)
    {
        WordprocessingDocument document;
        try
        {
            document = WordprocessingDocument.Open(path, false);
        }
        catch (Exception ex) when (ex is OpenXmlPackageException or InvalidDataException or IOException or FileFormatException)
        {
            throw new PolicyFormatException(path, "not a readable Word document");
        }

        using (document)
        {
            var body = document.MainDocumentPart?.Document?.Body
                ?? throw new PolicyFormatException(path, "the Word document has no body");
            var lines = new List<SourceLine>();
            foreach (var paragraph in body.Descendants<Paragraph>())
            {
                var style = paragraph.ParagraphProperties?.ParagraphStyleId?.Val?.Value ?? "";
                var isHeading = style.StartsWith("Heading", StringComparison.OrdinalIgnoreCase) || style.Equals("Title", StringComparison.OrdinalIgnoreCase);
                var isList = paragraph.ParagraphProperties?.NumberingProperties is not null
                    || style.Contains("List", StringComparison.OrdinalIgnoreCase);
                lines.Add(new SourceLine(paragraph.InnerText, isHeading, isList));
            }

            return lines;
        }
    }

    /// <summary>Plain text and Word: headings by layout, list items and paragraphs as clauses.</summary>
    private static PolicyDocument ParseLines(IEnumerable<SourceLine> source, string path)
    {
        var clauses = new List<PolicyClause>();
        string? title = null;
        string section = "";
        var sectionCounts = new Dictionary<string, int>(StringComparer.Ordinal);

        foreach (var raw in source)
        {
            var text = BookmarkRegex().Replace(raw.Text, "").Trim();
            if (text.Length == 0)
            {
                continue;
            }

            var bullet = BulletRegex().Match(text);
            var isListItem = raw.IsListItem || bullet.Success;
            if (bullet.Success)
            {
                text = text[bullet.Length..].Trim();
            }

            if (text.Length == 0)
            {
                continue;
            }

            if (title is null)
            {
                title = text;
                continue;
            }

            if (!isListItem && (raw.IsHeading || LooksLikeHeading(text)))
            {
                section = text;
                continue;
            }

            // The adoption note closes most policies, under whichever heading came last.
            var sectionId = !isListItem && AdoptedRegex().IsMatch(text) ? "review" : SectionId(section);
            var n = sectionCounts[sectionId] = sectionCounts.GetValueOrDefault(sectionId) + 1;
            var id = isListItem ? $"{sectionId}-{n}" : n == 1 ? sectionId : $"{sectionId}-{n}";
            var clauseTitle = isListItem || section.Length == 0 ? ShortTitle(text) : section;
            clauses.Add(new PolicyClause(id, clauseTitle, section, text));
        }

        if (clauses.Count == 0)
        {
            throw new PolicyFormatException(path, "no clauses found: expected headings followed by paragraphs or bulleted items");
        }

        var allText = string.Join(" ", clauses.Select(c => c.Text));
        var metadata = new PolicyMetadata(
            title ?? "Policy",
            null,
            FindAdopted(allText),
            null,
            FindCycle(allText) ?? 0,
            FindEmail(allText),
            FindPhone(allText),
            path);
        return new PolicyDocument(metadata, clauses);
    }

    // A heading is a short line that does not read as a sentence.
    private static bool LooksLikeHeading(string text) =>
        text.Length <= 60 && !text.EndsWith('.') && !text.EndsWith(':') && text.Split(' ').Length <= 8;

    private static string SectionId(string section)
    {
        if (section.Length == 0)
        {
            return "clause";
        }

        // The common headings of early-years policies get the same ids the bundled Markdown uses.
        var lower = section.ToLowerInvariant();
        if (lower.Contains("intent", StringComparison.Ordinal))
        {
            return "intent";
        }

        if (lower is "aim" or "aims")
        {
            return "aim";
        }

        if (lower is "method" or "methods" or "procedure" or "procedures")
        {
            return "methods";
        }

        var slug = SlugRegex().Replace(lower, "-").Trim('-');
        return slug.Length == 0 ? "clause" : slug;
    }

    private static string ShortTitle(string text)
    {
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var title = string.Join(' ', words.Take(6)).TrimEnd('.', ',', ';', ':');
        return words.Length > 6 ? title + "…" : title;
    }

    private static DateOnly? FindAdopted(string text)
    {
        var match = AdoptedRegex().Match(text);
        return match.Success ? ParseMonth($"{match.Groups["month"].Value} {match.Groups["year"].Value}") : null;
    }

    private static DateOnly? ParseMonth(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        string[] formats = ["yyyy-MM", "yyyy-MM-dd", "MMMM yyyy", "MMM yyyy"];
        return DateTime.TryParseExact(value.Trim(), formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? new DateOnly(date.Year, date.Month, 1)
            : null;
    }

    private static int? ParseCycle(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" => null,
        "yearly" or "annually" or "annual" or "every year" => 12,
        "every two years" or "biennially" => 24,
        "termly" => 4,
        var other when int.TryParse(other.Split(' ')[0], out var months) => months,
        _ => null,
    };

    private static int? FindCycle(string text)
    {
        var lower = text.ToLowerInvariant();
        if (lower.Contains("yearly", StringComparison.Ordinal) || lower.Contains("annual", StringComparison.Ordinal) || lower.Contains("every year", StringComparison.Ordinal))
        {
            return 12;
        }

        return lower.Contains("every two years", StringComparison.Ordinal) ? 24 : null;
    }

    private static string? FindEmail(string text) => EmailRegex().Match(text) is { Success: true } email ? email.Value : null;

    private static string? FindPhone(string text)
    {
        var match = UkPhoneRegex().Match(text);
        if (!match.Success)
        {
            return null;
        }

        // Written the way the preschool writes it for people: area code, then the local number.
        var digits = new string(match.Value.Where(char.IsDigit).ToArray());
        return digits.Length == 11 && digits.StartsWith("01", StringComparison.Ordinal) ? $"{digits[..5]} {digits[5..]}" : match.Value;
    }

    private sealed class ClauseDraft(string id, string title, string section)
    {
        public string Id { get; } = id;
        public string Title { get; } = title;
        public string Section { get; } = section;
        public string? Summary { get; set; }
        public IReadOnlyList<string>? Keywords { get; set; }
        public StringBuilder Text { get; } = new();
    }

    [GeneratedRegex(@"^(?<hashes>#{1,6})\s+(?<name>.*?)(?:\s*\{#(?<id>[A-Za-z0-9_.-]+)\})?\s*$")]
    private static partial Regex HeadingRegex();

    [GeneratedRegex(@"\[bookmark:[^\]]*\]")]
    private static partial Regex BookmarkRegex();

    [GeneratedRegex(@"^(?:[·•\-\*▪◦●]|\d{1,2}[.)])\s*")]
    private static partial Regex BulletRegex();

    [GeneratedRegex(@"[^a-z0-9]+")]
    private static partial Regex SlugRegex();

    [GeneratedRegex(@"adopted\b.*?\bin\s+(?<month>January|February|March|April|May|June|July|August|September|October|November|December)\s+(?<year>\d{4})", RegexOptions.IgnoreCase)]
    private static partial Regex AdoptedRegex();

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")]
    private static partial Regex EmailRegex();

    [GeneratedRegex(@"(?:\+44\s?|0)(?:\d[\s-]?){9,10}")]
    private static partial Regex UkPhoneRegex();
}
