using WWPS.PolicyBot.Tests.Testing;
using System.Security.Cryptography;
using System.Text.Json;
using WWPS.PolicyBot.Cognitive;
using WWPS.PolicyBot.Cognitive.Drafts;
using WWPS.PolicyBot.Cognitive.Policy;
using WWPS.PolicyBot.Cognitive.Understanding;
using WWPS.PolicyBot.Tests.Support;

namespace WWPS.PolicyBot.Tests.Understanding;

/// <summary>
/// The shipped models: that they are the ones train.py wrote from the committed corpus, and that the bot reads people
/// as the issue asked, in sentences none of the corpus writers saw.
/// </summary>
public sealed class LearnedModelTests
{
    private static readonly CognitiveServices Services = TestCognitive.Create(new CognitiveSettings(null, 0.23, null, null));

    [Theory]
    [InlineData("questions", "questions.*.jsonl")]
    [InlineData("drafts", "drafts.*.jsonl")]
    public void TheShippedModelIsTheOneTrainedOnTheCommittedCorpus(string model, string corpus)
    {
        var folder = Path.Combine(RepoPaths.Root, "Cognitive", "Understanding");
        using var info = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "Model", model + ".json")));

        // The graph in the assembly is the file in the repository, and the description names its hash.
        var onnx = File.ReadAllBytes(Path.Combine(folder, "Model", model + ".onnx"));
        Assert.Equal(info.RootElement.GetProperty("onnx_sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(onnx)));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(onnx)), BundledModel.Sha256Of(model + ".onnx"));

        // And it was trained on the corpus as committed (train.py hashes each file's name and bytes, in name order).
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Directory.GetFiles(Path.Combine(folder, "Training", "corpus"), corpus).Order(StringComparer.Ordinal))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(file)));
            hash.AppendData(File.ReadAllBytes(file));
        }

        Assert.Equal(info.RootElement.GetProperty("corpus_sha256").GetString(), Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    [Fact]
    public void TheBundledPolicyIsReadByTheLearnedModelAndAnotherPolicyIsNot()
    {
        Assert.True(Services.Answerer.Learned);

        var other = PolicyLoader.Load(WriteOtherPolicy());
        using var embedder = new SentenceEmbedder("off");
        Assert.Null(QuestionModel.For(other, embedder, new Cognitive.Retrieval.ClauseRetriever(other)));
    }

    // Sentences in the voices the issue quotes, none of them in the training corpus.
    [Theory]
    [InlineData("is it ok to put a reel of the kids planting beans in the garden on my insta if you can't see faces?", "methods-3")]
    [InlineData("can I tell my old uni group chat which of our families are struggling with money, no names?", "methods-1")]
    [InlineData("wud i get in trouble 4 adding a mum on fb", "methods-5")]
    [InlineData("Who looks after the preschool's facebook page?", "methods-6")]
    public void QuestionsInTheirOwnVoicesFindTheirClause(string question, string clause)
    {
        var answer = Services.Answerer.Answer(question);

        Assert.False(answer.Abstained, answer.Answer);
        Assert.Contains(clause, answer.Citations.Select(c => c.Clause));
    }

    [Theory]
    [InlineData("what time does the preschool open?")]
    [InlineData("how much are the fees for two days a week?")]
    [InlineData("what's the best way to get sick out of a car seat")]
    public void QuestionsThePolicyDoesNotAnswerAreNotAnswered(string question)
    {
        var answer = Services.Answerer.Answer(question);

        Assert.True(answer.Abstained, $"answered from {string.Join(", ", answer.Citations.Select(c => c.Clause))}");
        Assert.True(answer.EscalationOffered);
    }

    [Theory]
    [InlineData("Our summer fair is at St Mary's church hall on Saturday from 11, with a tombola and cake stall. All welcome!")]
    [InlineData("Sponsored toddle round Wycombe Rye this Sunday, meet by the lido at 10am. Money raised goes to new outdoor toys.")]
    [InlineData("If your child is poorly please ring the office on 01494 438996 or email wwpspg@gmail.com")]
    [InlineData("We're hiring! West Wycombe Preschool is looking for a Level 3 practitioner, 3 days a week. Call 01494 438996 to find out more.")]
    public async Task GoodNewsFullOfPlacesAndThePreschoolsContactsIsFine(string text)
    {
        var review = await Services.Reviewer.ReviewAsync(new DraftInput(text, []), CancellationToken.None);

        Assert.True(review.Allowed, string.Join("; ", review.Findings.Select(f => $"{f.Kind} {f.Span?.Text}")));
        Assert.Empty(review.Pii);
    }

    [Theory]
    [InlineData("Love how some people get every other Monday off and the rest of us carry the room 🙃", "methods-4")]
    [InlineData("Honestly the management at West Wycombe Preschool is a joke. Avoid!!", "methods-4")]
    [InlineData("Thinking of the little boy in my group whose dad has just lost his job, it's been so hard for them", "methods-1")]
    public async Task ADigOrAFamilysCircumstancesIsNotFineAndSaysWhy(string text, string clause)
    {
        var review = await Services.Reviewer.ReviewAsync(new DraftInput(text, []), CancellationToken.None);

        Assert.False(review.Allowed);
        Assert.Contains(clause, review.Findings.Select(f => f.Clause));
        Assert.NotNull(review.Suggestion);
        Assert.DoesNotContain(review.Redacted, review.Suggestion, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { 0.9f, 0.05f, 0.05f }, QuestionOutcome.Answer)]
    [InlineData(new[] { 0.45f, 0.40f, 0.15f }, QuestionOutcome.Clarify)]
    [InlineData(new[] { 0.1f, 0.1f, 0.8f }, QuestionOutcome.NotCovered)]
    public void TheRuleAnswersAsksOrAbstainsFromTheProbabilities(float[] firstSecondNone, QuestionOutcome expected)
    {
        var model = QuestionModel.For(Services.Policy, Services.Embedder, new Cognitive.Retrieval.ClauseRetriever(Services.Policy))!;
        var labels = model.Info.Labels;
        var probabilities = new float[labels.Length];
        probabilities[0] = firstSecondNone[0];
        probabilities[1] = firstSecondNone[1];
        probabilities[Array.IndexOf(labels, "none")] = firstSecondNone[2];

        var reading = model.Decide(probabilities);

        Assert.Equal(expected, reading.Outcome);
        if (expected == QuestionOutcome.Clarify)
        {
            Assert.Equal([labels[0], labels[1]], reading.Clauses.Select(c => c.ClauseId));
        }
    }

    [Fact]
    public void AClarifyingQuestionOffersTheClausesInPlainWords()
    {
        var answer = Services.Answerer.AnswerFrom("can I friend a parent?", "methods-5");

        Assert.NotNull(answer);
        Assert.Equal("methods-5", Assert.Single(answer.Citations).Clause);
        Assert.Null(Services.Answerer.AnswerFrom("can I friend a parent?", "no-such-clause"));
    }

    private static string WriteOtherPolicy()
    {
        var path = Path.Combine(Path.GetTempPath(), $"other-policy-{Guid.NewGuid():N}.md");
        File.WriteAllText(path, """
            ---
            title: Mobile Phone Policy
            ---
            # Mobile Phone Policy
            ## Phones in the room {#phones}
            Staff keep their phones in the office during sessions.
            """);
        return path;
    }
}
