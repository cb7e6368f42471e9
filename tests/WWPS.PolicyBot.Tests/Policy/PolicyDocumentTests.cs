using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using WWPS.PolicyBot.Cognitive.Policy;
using WWPS.PolicyBot.Tests.Support;

namespace WWPS.PolicyBot.Tests.Policy;

public sealed class PolicyDocumentTests
{
    private static readonly string[] ExpectedIds =
        ["intent", "aim", "methods-1", "methods-2", "methods-3", "methods-4", "methods-5", "methods-6", "methods-7", "methods-8", "methods-9", "review"];

    [Fact]
    public void BundledPolicyHasEveryClauseWithStableIdsAndTitles()
    {
        var policy = PolicyLoader.LoadBundled();

        Assert.Equal(ExpectedIds, policy.Clauses.Select(c => c.Id));
        Assert.All(policy.Clauses, c => Assert.False(string.IsNullOrWhiteSpace(c.Title)));
        Assert.All(policy.Clauses, c => Assert.False(string.IsNullOrWhiteSpace(c.Summary)));
        Assert.Equal("Social Networking Policy", policy.Metadata.Title);
        Assert.Equal(new DateOnly(2013, 10, 1), policy.Metadata.Adopted);
        Assert.Equal(12, policy.Metadata.ReviewEveryMonths);
        Assert.Equal("wwpspg@gmail.com", policy.Metadata.ContactEmail);
        Assert.Equal("01494 438996", policy.Metadata.ContactPhone);
    }

    [Fact]
    public void BundledWordingIsThePreschoolsOwnUnchanged()
    {
        // The plain-text original, read by the text loader, must give the same clauses word for word.
        var original = PolicyLoader.Load(RepoPaths.SharedFile("policy", "social-networking-policy.txt"));
        var bundled = PolicyLoader.LoadBundled();

        Assert.Equal(ExpectedIds, original.Clauses.Select(c => c.Id));
        foreach (var (a, b) in original.Clauses.Zip(bundled.Clauses))
        {
            Assert.Equal(EvalSet.Norm(a.Text), EvalSet.Norm(b.Text));
        }

        Assert.Equal(bundled.Metadata.Adopted, original.Metadata.Adopted);
        Assert.Equal(12, original.Metadata.ReviewEveryMonths);
        Assert.Equal("wwpspg@gmail.com", original.Metadata.ContactEmail);
        Assert.Equal("01494 438996", original.Metadata.ContactPhone);
    }

    [Fact]
    public void ReadsTheSamePolicyFromAWordDocument()
    {
        var bundled = PolicyLoader.LoadBundled();
        var path = Path.Combine(Path.GetTempPath(), $"policy-{Guid.NewGuid():N}.docx");
        try
        {
            WriteDocx(path, bundled);
            var fromWord = PolicyLoader.Load(path);

            Assert.Equal(ExpectedIds, fromWord.Clauses.Select(c => c.Id));
            Assert.Equal(bundled.Clauses.Select(c => c.Text), fromWord.Clauses.Select(c => c.Text));
            Assert.Equal(new DateOnly(2013, 10, 1), fromWord.Metadata.Adopted);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("Just a title\n", "no clauses found")]
    [InlineData("", "no clauses found")]
    public void TextWithoutClausesIsAClearErrorNamingTheFile(string content, string reason)
    {
        var path = Path.Combine(Path.GetTempPath(), $"empty-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, content);
        try
        {
            var error = Assert.Throws<PolicyFormatException>(() => PolicyLoader.Load(path));
            Assert.Contains(path, error.Message, StringComparison.Ordinal);
            Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MarkdownWithoutClauseIdsIsAClearError()
    {
        var error = Assert.Throws<PolicyFormatException>(() => PolicyLoader.ParseMarkdown("# A policy\n\nSome words.\n", "mine.md"));
        Assert.Contains("mine.md", error.Message, StringComparison.Ordinal);
        Assert.Contains("{#", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("policy.pdf", "unsupported file type")]
    [InlineData("does-not-exist.md", "no such file")]
    public void UnreadableFilesAreNamed(string name, string reason)
    {
        var path = Path.Combine(Path.GetTempPath(), name);
        if (name.EndsWith(".pdf", StringComparison.Ordinal))
        {
            File.WriteAllText(path, "%PDF");
        }

        var error = Assert.Throws<PolicyFormatException>(() => PolicyLoader.Load(path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACorruptWordFileIsAClearError()
    {
        var path = Path.Combine(Path.GetTempPath(), $"broken-{Guid.NewGuid():N}.docx");
        File.WriteAllText(path, "this is not a zip");
        try
        {
            var error = Assert.Throws<PolicyFormatException>(() => PolicyLoader.Load(path));
            Assert.Contains("not a readable Word document", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("2014-09-30", false)]
    [InlineData("2014-10-02", true)]
    [InlineData("2026-11-25", true)]
    public void KnowsWhenTheYearlyReviewIsOverdue(string today, bool overdue)
    {
        var metadata = PolicyLoader.LoadBundled().Metadata;
        Assert.Equal(overdue, metadata.IsPastReview(DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture)));
    }

    private static void WriteDocx(string path, PolicyDocument policy)
    {
        using var doc = WordprocessingDocument.Create(path, WordprocessingDocumentType.Document);
        var main = doc.AddMainDocumentPart();
        var body = new Body();
        body.Append(Heading(policy.Metadata.Title, "Title"));
        string? section = null;
        foreach (var clause in policy.Clauses)
        {
            var isMethod = clause.Id.StartsWith("methods-", StringComparison.Ordinal);
            var heading = isMethod ? "Methods" : clause.Id == "review" ? null : clause.Title;
            if (heading is not null && heading != section)
            {
                body.Append(Heading(heading, "Heading1"));
                section = heading;
            }

            var paragraph = new Paragraph(new Run(new Text(clause.Text) { Space = SpaceProcessingModeValues.Preserve }));
            if (isMethod)
            {
                paragraph.PrependChild(new ParagraphProperties(new NumberingProperties(new NumberingLevelReference { Val = 0 }, new NumberingId { Val = 1 })));
            }
            else if (clause.Id == "review")
            {
                section = null;
            }

            body.Append(paragraph);
        }

        main.Document = new Document(body);
    }

    private static Paragraph Heading(string text, string style) =>
        new(new ParagraphProperties(new ParagraphStyleId { Val = style }), new Run(new Text(text)));
}
