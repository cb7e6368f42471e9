using System.Text.Json;
using WWPS.PolicyBot.Cli;
using WWPS.PolicyBot.Cognitive.Answering;
using WWPS.PolicyBot.Cognitive.Policy;
using WWPS.PolicyBot.Tests.Testing;

namespace WWPS.PolicyBot.Tests.Policy;

public sealed class AskTests
{
    private static readonly ManualTimeProvider Today = new(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
    private static readonly PolicyAnswerer Answerer = new(PolicyLoader.LoadBundled(), Today);

    // Short, misspelt and slangy questions people really type, and the clause that must come first.
    [Theory]
    [InlineData("cn i add parnts on fb", "methods-5")]
    [InlineData("can I put pics of the kids on my story?", "methods-3")]
    [InlineData("a mum sent me a frend request on insta", "methods-5")]
    [InlineData("can i slag off the committee on twitter", "methods-4")]
    [InlineData("can i tell everyone on fb that a dad lost his job", "methods-1")]
    [InlineData("my sons off sick tmrw who do i tell", "methods-8")]
    [InlineData("who runs the preschool fb page", "methods-6")]
    [InlineData("shld my insta be private", "methods-7")]
    [InlineData("I saw a worrying post about the preschool, who do I talk to?", "methods-9")]
    [InlineData("when was this policy adopted", "review")]
    [InlineData("vid of the nativity on tiktok ok?", "methods-3")]
    [InlineData("can i promote the summer fair on my own fb page", "methods-4")]
    public void FindsTheRightClauseForChatWording(string question, string clause)
    {
        var answer = Answerer.Answer(question);

        Assert.False(answer.Abstained, $"abstained on '{question}'");
        Assert.Equal(clause, answer.Citations[0].Clause);
        Assert.False(string.IsNullOrWhiteSpace(answer.Answer));
    }

    [Theory]
    [InlineData("what time do we open?")]
    [InlineData("how much are the fees")]
    [InlineData("who is the safeguarding lead")]
    [InlineData("What's 17 times 23?")]
    [InlineData("")]
    [InlineData("?!?")]
    public void SaysPlainlyWhenThePolicyDoesNotCoverIt(string question)
    {
        var answer = Answerer.Answer(question);

        Assert.True(answer.Abstained);
        Assert.Empty(answer.Citations);
    }

    [Fact]
    public void AbstainingOffersAPersonInsteadOfGuessing()
    {
        var answer = Answerer.Answer("what time do we open?");

        Assert.True(answer.EscalationOffered);
        Assert.Contains("doesn't cover", answer.Answer, StringComparison.Ordinal);
        Assert.Contains("Manager or the Chair", answer.Answer, StringComparison.Ordinal);
    }

    [Fact]
    public void AnswerQuotesTheClauseWordForWord()
    {
        var policy = PolicyLoader.LoadBundled();
        var answer = Answerer.Answer("Can I be friends with parents on Facebook?");

        var citation = answer.Citations[0];
        Assert.Equal(policy.Find("methods-5")!.Text, citation.Text);
        Assert.Equal("Friendships with parents", citation.Title);
        Assert.StartsWith("It's discouraged", answer.Answer, StringComparison.Ordinal);
    }

    [Fact]
    public void PointsOutThatTheYearlyReviewIsOverdue()
    {
        var answer = Answerer.Answer("how often is the policy reviewed?");

        Assert.Equal("review", answer.Citations[0].Clause);
        Assert.Contains("October 2013", answer.Answer, StringComparison.Ordinal);
        Assert.Contains("every year", answer.Answer, StringComparison.Ordinal);
        Assert.Contains("due since October 2014", answer.Answer, StringComparison.Ordinal);
    }

    [Fact]
    public void DoesNotCallAFreshPolicyOverdue()
    {
        var fresh = new PolicyAnswerer(PolicyLoader.LoadBundled(), new ManualTimeProvider(new DateTimeOffset(2014, 3, 1, 0, 0, 0, TimeSpan.Zero)));
        var answer = fresh.Answer("when does this policy get reviewed");

        Assert.DoesNotContain("due since", answer.Answer, StringComparison.Ordinal);
    }

    [Fact]
    public void CitesBothClausesWhenTheyAreClose()
    {
        var answer = Answerer.Answer("Are parents covered by the social networking policy?");

        Assert.False(answer.Abstained);
        Assert.True(answer.Citations[0].Clause is "aim" or "intent");
        Assert.True(answer.Citations.Count <= 2);
        Assert.Equal(answer.Citations.OrderByDescending(c => c.Score).Select(c => c.Clause), answer.Citations.Select(c => c.Clause));
    }

    [Fact]
    public void AHugeQuestionIsStillAnswered()
    {
        var answer = Answerer.Answer(string.Concat(Enumerable.Repeat("can I add parents on facebook ", 5_000)));
        Assert.Equal("methods-5", answer.Citations[0].Clause);
    }

    [Fact]
    public async Task JsonLinesGivesOneObjectPerLineInOrderEvenForBadLines()
    {
        var input = new StringReader("{\"q\":\"can I add parents on facebook\"}\nnot json\n{\"x\":1}\n{\"q\":\"what time do we open\"}\n");
        var output = new StringWriter();
        var errors = new StringWriter();

        var exit = await CommandLine.RunAsync(["ask", "--jsonl"], input, output, errors, CancellationToken.None);

        Assert.Equal(0, exit);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.False(first.RootElement.GetProperty("abstained").GetBoolean());
        Assert.Equal("methods-5", first.RootElement.GetProperty("citations")[0].GetProperty("clause").GetString());
        Assert.True(first.RootElement.GetProperty("citations")[0].GetProperty("score").GetDouble() > 0);
        Assert.Contains("error", lines[1], StringComparison.Ordinal);
        Assert.Contains("error", lines[2], StringComparison.Ordinal);
        using var last = JsonDocument.Parse(lines[3]);
        Assert.True(last.RootElement.GetProperty("abstained").GetBoolean());
        Assert.True(last.RootElement.GetProperty("escalation_offered").GetBoolean());
    }

    [Fact]
    public async Task AnUnreadablePolicyFileIsReportedNotThrown()
    {
        var errors = new StringWriter();
        var exit = await CommandLine.RunAsync(["ask", "--policy", "/nonexistent/policy.md", "hello"], new StringReader(""), new StringWriter(), errors, CancellationToken.None);

        Assert.Equal(3, exit);
        Assert.Contains("/nonexistent/policy.md", errors.ToString(), StringComparison.Ordinal);
    }

    /// <summary>A policy whose published phone number does not validate still answers; the number is named in a warning.</summary>
    [Fact]
    public async Task APolicyContactThatDoesNotValidateIsSkippedWithAWarning()
    {
        using var folder = new Testing.TempFolder();
        var path = Path.Combine(folder.Path, "policy.md");
        var bundled = await File.ReadAllTextAsync(Path.Combine(Support.RepoPaths.Root, "Cognitive", "Policy", "Documents", "social-networking-policy.md"));
        Assert.Contains("01494 438996", bundled, StringComparison.Ordinal);
        await File.WriteAllTextAsync(path, bundled.Replace("01494 438996", "01632 960111", StringComparison.Ordinal));
        var output = new StringWriter();
        var errors = new StringWriter();

        var exit = await CommandLine.RunAsync(["ask", "--policy", path, "can I friend a parent?"], new StringReader(""), output, errors, CancellationToken.None);

        Assert.Equal(0, exit);
        Assert.Contains("[methods-5]", output.ToString(), StringComparison.Ordinal);
        var warning = Assert.Single(errors.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("warning: The policy's published phone number 01632 960111 is not a valid UK number", warning, StringComparison.Ordinal);
    }
}
