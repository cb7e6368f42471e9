using Microsoft.Extensions.Logging;
using WWPS.PolicyBot.Cognitive.Analysis;
using WWPS.PolicyBot.Cognitive.Answering;
using WWPS.PolicyBot.Cognitive.Azure;
using WWPS.PolicyBot.Cognitive.Drafts;
using WWPS.PolicyBot.Cognitive.Pii;
using WWPS.PolicyBot.Cognitive.Policy;
using WWPS.PolicyBot.Cognitive.Retrieval;
using WWPS.PolicyBot.Cognitive.Sentiment;
using WWPS.PolicyBot.Cognitive.Understanding;

namespace WWPS.PolicyBot.Cognitive;

/// <summary>
/// Settings for the Cognitive layer, as read from configuration by the host. With AskLearned (and AskSemantic), the
/// bundled policy's questions are read by the learned model; another policy, or AskLearned off, uses retrieval. With AskSemantic, questions are answered by
/// BM25 plus sentence-embedding similarity and AskSemanticThreshold replaces AskThreshold. SemanticCachePath is where
/// the clause vectors are kept between runs (null: the default folder; "off": nowhere). With LoadSemanticNow the model
/// starts loading in the background at once (for `ask`); otherwise on the first question, or at <see cref="CognitiveServices.Warm"/>
/// (the web host's start, Bot/Hosting/ModelHousekeeping.cs).
/// </summary>
public sealed record CognitiveSettings(
    string? PolicyPath,
    double AskThreshold,
    string? AzureEndpoint,
    string? AzureKey,
    bool AskSemantic = true,
    double AskSemanticThreshold = SemanticClauseRetriever.DefaultThreshold,
    string? SemanticCachePath = null,
    bool LoadSemanticNow = false,
    bool AskLearned = true);

/// <summary>
/// The services the dialogs and the command line share, built once: the policy, the answerer and the draft reviewer
/// over the local analysers, or over Azure AI Language (falling back to local) when an endpoint and key are configured.
/// </summary>
public sealed partial class CognitiveServices
{
    private CognitiveServices(PolicyDocument policy, PolicyAnswerer answerer, DraftReviewer reviewer, string backend, SentenceEmbedder embedder)
    {
        Embedder = embedder;
        Policy = policy;
        Answerer = answerer;
        Reviewer = reviewer;
        Backend = backend;
    }

    public PolicyDocument Policy { get; }

    /// <summary>The sentence encoder every model shares.</summary>
    public SentenceEmbedder Embedder { get; }

    public PolicyAnswerer Answerer { get; }

    public DraftReviewer Reviewer { get; }

    /// <summary>"local" or "azure", for the start-up log.</summary>
    public string Backend { get; }

    /// <summary>
    /// Loads the model and reads one question with it, as a user's first question would: afterwards no question waits
    /// for the model to load. A few hundred milliseconds to a few seconds.
    /// </summary>
    public void Warm() => _ = Answerer.Compute("can I friend a parent on Facebook?");

    /// <summary>The services from the host's own clock, logging and HTTP client factory; see <see cref="CognitiveRegistration.AddCognitive"/>.</summary>
    /// <exception cref="PolicyFormatException">The configured policy file cannot be read.</exception>
    internal static CognitiveServices Create(CognitiveSettings settings, TimeProvider time, ILoggerFactory logging, IHttpClientFactory http)
    {
        // The model does not depend on the policy: load it while the policy is read and the indexes are built.
        var embedder = new SentenceEmbedder(settings.SemanticCachePath, loadNow: settings.LoadSemanticNow);
        PolicyDocument policy;
        try
        {
            policy = PolicyLoader.Load(settings.PolicyPath);
        }
        catch
        {
            embedder.Dispose();
            throw;
        }

        var lexical = new ClauseRetriever(policy);
        ITextAnalyzer analyzer = new LocalTextAnalyzer(VaderAnalyzer.CreateDefault(), new LocalPiiAnalyzer());
        var backend = "local";
        if (!string.IsNullOrWhiteSpace(settings.AzureEndpoint) && !string.IsNullOrWhiteSpace(settings.AzureKey))
        {
            var options = new AzureLanguageOptions { Endpoint = new Uri(settings.AzureEndpoint), Key = settings.AzureKey };
            var client = new AzureLanguageClient(http.CreateClient(AzureLanguageClient.HttpClientName), options, time, logging.CreateLogger<AzureLanguageClient>());
            analyzer = new AzureTextAnalyzer(client, analyzer, logging.CreateLogger<AzureTextAnalyzer>());
            backend = "azure";
        }

        return new CognitiveServices(
            policy,
            settings.AskSemantic
                ? new PolicyAnswerer(policy, time, settings.AskSemanticThreshold, new SemanticClauseRetriever(policy, lexical, embedder), settings.AskLearned ? QuestionModel.For(policy, embedder, lexical) : null)
                : new PolicyAnswerer(policy, time, settings.AskThreshold),
            new DraftReviewer(policy, analyzer, DraftReviewer.AllowListFor(policy, phone => SkippedContact(logging.CreateLogger<CognitiveServices>(), phone)), settings.AskLearned ? DraftModel.For(policy, embedder) : null),
            backend,
            embedder);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The policy's published phone number {Phone} is not a valid UK number, so posts giving it are not treated as giving the preschool's own contact. Check the policy's contact line.")]
    private static partial void SkippedContact(ILogger logger, string phone);
}
