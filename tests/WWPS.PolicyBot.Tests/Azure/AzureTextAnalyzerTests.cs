using WWPS.PolicyBot.Tests.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using WWPS.PolicyBot.Cognitive.Analysis;
using WWPS.PolicyBot.Cognitive.Azure;

namespace WWPS.PolicyBot.Tests.Azure;

[Trait("Category", "Slow")]
public sealed class AzureTextAnalyzerTests
{
    private const string Key = "k3y-SECRET-4c1f9a0e7b2d";
    private static readonly HttpClient Http = new();

    private sealed record Harness(AzureTextAnalyzer Analyzer, AzureLanguageClient Client, RecordingFallback Fallback, LogSink Logs);

    private static Harness Create(Uri endpoint, Func<AzureLanguageOptions, AzureLanguageOptions>? tweak = null, TimeProvider? time = null)
    {
        var options = new AzureLanguageOptions { Endpoint = endpoint, Key = Key, RetryBaseDelay = TimeSpan.FromMilliseconds(1) };
        options = tweak?.Invoke(options) ?? options;
        var logs = new LogSink();
        var client = new AzureLanguageClient(Http, options, time ?? TimeProvider.System, logs.For<AzureLanguageClient>());
        var fallback = new RecordingFallback();
        return new Harness(new AzureTextAnalyzer(client, fallback, logs.For<AzureTextAnalyzer>()), client, fallback, logs);
    }

    [Fact]
    public async Task SendsDocumentedRequestWithKeyAndMapsSentimentAndPii()
    {
        await using var server = await FakeLanguageServer.StartDocumentedAsync();
        var h = Create(server.Endpoint);
        string[] texts = ["I love the new garden!", "Jayden was off again, call 07700 900123."];

        var results = await h.Analyzer.AnalyzeAsync(texts, CancellationToken.None);

        Assert.All(results, r => Assert.Equal(AnalysisBackend.Azure, r.Backend));
        Assert.All(results, r => Assert.Null(r.Notice));
        Assert.Equal("positive", results[0].Sentiment.Label);
        Assert.Equal(0.96 - 0.01, results[0].Sentiment.Compound, 6);
        Assert.Equal(new SentimentScores(0.96, 0.03, 0.01), results[0].Sentiment.Scores);
        Assert.Empty(results[0].Pii);
        Assert.Equal(
            [new PiiEntity("Person", "Jayden", 0, 6, 0.93), new PiiEntity("PhoneNumber", "07700 900123", 27, 12, 0.8)],
            results[1].Pii);

        Assert.Equal(2, server.Requests.Count);
        Assert.All(server.Requests, r =>
        {
            Assert.Equal("POST", r.Method);
            Assert.Equal("/language/:analyze-text", r.Path);
            Assert.Equal("?api-version=2025-11-01", r.Query);
            Assert.Equal(Key, r.Key);
            Assert.Equal("Utf16CodeUnit", r.Parameters.GetProperty("stringIndexType").GetString());
            Assert.True(r.Parameters.GetProperty("loggingOptOut").GetBoolean());
            Assert.Equal(texts, r.Documents.Select(d => d.Text));
            Assert.All(r.Documents, d => Assert.Equal("en", d.Language));
        });
        Assert.Equal(["PiiEntityRecognition", "SentimentAnalysis"], server.Requests.Select(r => r.Kind).Order());
        Assert.Empty(h.Fallback.Texts);
    }

    [Fact]
    public async Task ReadsResponsesAsDocumentedIgnoringFieldsItDoesNotUse()
    {
        // Written from reference §1.5/§1.6: sentences with targets and assessments, subcategory, redactedText, modelVersion.
        const string sentiment = """
            {"kind":"SentimentAnalysisResults","results":{"documents":[{"id":"0","sentiment":"mixed",
              "confidenceScores":{"negative":0.45,"neutral":0.05,"positive":0.5},
              "sentences":[{"text":"Sports day was great.","sentiment":"positive","confidenceScores":{"negative":0,"neutral":0,"positive":1},
                "offset":0,"length":21,
                "targets":[{"text":"Sports day","sentiment":"positive","confidenceScores":{"negative":0,"positive":1},"offset":0,"length":10,
                  "relations":[{"ref":"#/documents/0/sentences/0/assessments/0","relationType":"assessment"}]}],
                "assessments":[{"text":"great","sentiment":"positive","confidenceScores":{"negative":0,"positive":1},"offset":15,"length":5,"isNegated":false}]},
               {"text":"Parking was awful.","sentiment":"negative","confidenceScores":{"negative":0.9,"neutral":0.1,"positive":0},"offset":22,"length":18}],
              "warnings":[]}],"errors":[],"modelVersion":"2025-01-01"}}
            """;
        const string pii = """
            {"kind":"PiiEntityRecognitionResults","results":{"documents":[{"id":"0",
              "redactedText":"Sports day was great. Parking was awful.",
              "entities":[{"text":"Sports day","category":"Event","subcategory":"School","offset":0,"length":10,"confidenceScore":0.41}],
              "warnings":[]}],"errors":[],"modelVersion":"2025-01-01"}}
            """;
        await using var server = await FakeLanguageServer.StartAsync((r, _, _) =>
            Task.FromResult(Reply.Json(r.Kind == "SentimentAnalysis" ? sentiment : pii)));
        var h = Create(server.Endpoint);

        var result = (await h.Analyzer.AnalyzeAsync(["Sports day was great. Parking was awful."], CancellationToken.None)).Single();

        Assert.Equal(AnalysisBackend.Azure, result.Backend);
        Assert.Equal(new SentimentResult("mixed", 0.05, new SentimentScores(0.5, 0.05, 0.45)), result.Sentiment with { Compound = Math.Round(result.Sentiment.Compound, 6) });
        Assert.Equal([new PiiEntity("Event", "Sports day", 0, 10, 0.41, "School")], result.Pii);
    }

    [Fact]
    public async Task BatchesTwelveTextsWithinServiceLimitsAndKeepsOrder()
    {
        await using var server = await FakeLanguageServer.StartDocumentedAsync();
        var h = Create(server.Endpoint);
        var texts = Enumerable.Range(0, 12).Select(i => new string('x', i) + " Jayden " + i.ToString(CultureInfo.InvariantCulture)).ToList();

        var results = await h.Analyzer.AnalyzeAsync(texts, CancellationToken.None);

        Assert.Equal([10, 2], server.RequestsOf("SentimentAnalysis").Select(r => r.Documents.Count).Order().Reverse());
        Assert.Equal([5, 5, 2], server.RequestsOf("PiiEntityRecognition").Select(r => r.Documents.Count).Order().Reverse());
        Assert.Equal(texts.Order(), server.RequestsOf("PiiEntityRecognition").SelectMany(r => r.Documents).Select(d => d.Text).Order());
        for (var i = 0; i < texts.Count; i++)
        {
            var name = Assert.Single(results[i].Pii);
            Assert.Equal(i + 1, name.Start);
            Assert.Equal(AnalysisBackend.Azure, results[i].Backend);
        }
    }

    [Fact]
    public async Task OneFailingDocumentIsCheckedLocallyAndTheOthersStayWithAzure()
    {
        const string bad = "Jayden's mum said the trip was awful";
        await using var server = await FakeLanguageServer.StartAsync((r, _, _) =>
            Task.FromResult(Reply.Json(DocumentedResponses.SuccessFor(r, failWith: d => r.Kind == "SentimentAnalysis" && d.Text == bad))));
        var h = Create(server.Endpoint);

        var results = await h.Analyzer.AnalyzeAsync(["I love it", bad, "Lunch is at noon"], CancellationToken.None);

        Assert.Equal([AnalysisBackend.Azure, AnalysisBackend.Local, AnalysisBackend.Azure], results.Select(r => r.Backend));
        Assert.Equal(["positive", "neutral"], new[] { results[0], results[2] }.Select(r => r.Sentiment.Label));
        Assert.Null(results[0].Notice);
        Assert.Equal(FixedSentiment.Result, results[1].Sentiment);
        Assert.Equal("Child", Assert.Single(results[1].Pii).Subcategory);
        Assert.Contains("local analyser", results[1].Notice, StringComparison.Ordinal);
        Assert.Contains("InvalidDocument", results[1].Notice, StringComparison.Ordinal);
        Assert.DoesNotContain("Jayden", results[1].Notice, StringComparison.Ordinal);
        Assert.Equal([bad], h.Fallback.Texts);
    }

    [Fact]
    public async Task WaitsAsRetryAfterSaysOnTooManyRequestsThenUsesTheAnswer()
    {
        await using var server = await FakeLanguageServer.StartAsync((r, n, _) => Task.FromResult(
            r.Kind == "SentimentAnalysis" && n == 1
                ? new Reply(429, """{"error":{"code":"TooManyRequests","message":"Rate limit is exceeded."}}""", new Dictionary<string, string> { ["Retry-After"] = "2" })
                : Reply.Json(DocumentedResponses.SuccessFor(r))));
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        var h = Create(server.Endpoint, time: clock);

        var analysis = h.Analyzer.AnalyzeAsync(["I love sports day"], CancellationToken.None);
        var wait = await clock.WaitForTimerAsync(due => due < TimeSpan.FromSeconds(10));
        Assert.Single(server.RequestsOf("SentimentAnalysis"));
        clock.Advance(wait);
        var result = (await analysis).Single();

        Assert.Equal(TimeSpan.FromSeconds(2), wait);
        Assert.Equal(AnalysisBackend.Azure, result.Backend);
        Assert.Equal("positive", result.Sentiment.Label);
        Assert.Equal(2, server.RequestsOf("SentimentAnalysis").Count);
        Assert.Empty(h.Fallback.Texts);
    }

    [Fact]
    public async Task FallsBackWithNoticeWhenTheServiceStaysUnavailable()
    {
        await using var server = await FakeLanguageServer.StartAsync((_, _, _) => Task.FromResult(
            new Reply(503, """{"error":{"code":"ServiceUnavailable","message":"Try again later."}}""")));
        var h = Create(server.Endpoint);

        var results = await h.Analyzer.AnalyzeAsync(["The parking was awful", "Jayden loved it"], CancellationToken.None);

        Assert.Equal(4, server.RequestsOf("SentimentAnalysis").Count);
        Assert.Equal(4, server.RequestsOf("PiiEntityRecognition").Count);
        Assert.All(results, r =>
        {
            Assert.Equal(AnalysisBackend.Local, r.Backend);
            Assert.Equal(FixedSentiment.Result, r.Sentiment);
            Assert.Equal("Checked with the local analyser: Azure AI Language answered HTTP 503 (ServiceUnavailable) after 4 attempt(s).", r.Notice);
        });
        Assert.Equal("Jayden", Assert.Single(results[1].Pii).Text);
    }

    [Fact]
    public async Task DoesNotRetryARejectedRequest()
    {
        await using var server = await FakeLanguageServer.StartAsync((_, _, _) => Task.FromResult(
            new Reply(400, """{"error":{"code":"InvalidRequest","message":"Bad.","innererror":{"code":"InvalidParameterValue","message":"x"}}}""")));
        var h = Create(server.Endpoint);

        var result = (await h.Analyzer.AnalyzeAsync(["Hello"], CancellationToken.None)).Single();

        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(AnalysisBackend.Local, result.Backend);
        Assert.Contains("HTTP 400 (InvalidParameterValue) after 1 attempt(s)", result.Notice, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TimesOutOnAServerThatNeverAnswersAndFallsBack()
    {
        await using var server = await FakeLanguageServer.StartAsync(async (_, _, aborted) =>
        {
            await Task.Delay(Timeout.Infinite, aborted);
            return new Reply(200);
        });
        var clock = new ManualTimeProvider();
        var deadline = TimeSpan.FromSeconds(10);
        var h = Create(server.Endpoint, o => o with { Timeout = deadline }, clock);

        var analysis = h.Analyzer.AnalyzeAsync(["Jayden was off again"], CancellationToken.None);

        // Sentiment and personal data each keep their own deadline; both pass together.
        await clock.WaitForTimerAsync(due => due == deadline);
        await clock.WaitForTimerAsync(due => due == deadline);
        clock.Advance(deadline);
        var result = (await analysis.WaitAsync(TimeSpan.FromSeconds(30))).Single();

        Assert.Equal(AnalysisBackend.Local, result.Backend);
        Assert.Equal("Checked with the local analyser: Azure AI Language did not answer in time.", result.Notice);
        Assert.DoesNotContain("Jayden", h.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallerCancellationIsPassedOnNotTurnedIntoAFallback()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await FakeLanguageServer.StartAsync(async (_, _, aborted) =>
        {
            arrived.TrySetResult();
            await Task.Delay(Timeout.Infinite, aborted);
            return new Reply(200);
        });

        // The client's own deadline is on a clock that never moves: only the caller can end this call.
        var h = Create(server.Endpoint, time: new ManualTimeProvider());
        using var cancel = new CancellationTokenSource();
        var analysis = h.Analyzer.AnalyzeAsync(["Hello"], cancel.Token);
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => analysis.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Empty(h.Fallback.Texts);
    }

    [Fact]
    public async Task FallsBackWhenTheServiceCannotBeReached()
    {
        var h = Create(new Uri($"http://127.0.0.1:{ClosedPort()}"));

        var result = (await h.Analyzer.AnalyzeAsync(["Hello"], CancellationToken.None)).Single();

        Assert.Equal(AnalysisBackend.Local, result.Backend);
        Assert.Equal("Checked with the local analyser: Azure AI Language could not be reached.", result.Notice);
    }

    [Fact]
    public async Task DistrustsEntityOffsetsThatDoNotPointAtTheEntity()
    {
        // As if the service had counted text elements despite stringIndexType: the emoji counts as one, so the
        // offset is one short of the name and a redaction would miss its last letter.
        const string pii = """
            {"kind":"PiiEntityRecognitionResults","results":{"documents":[{"id":"0","redactedText":"","entities":[
              {"text":"Jayden","category":"Person","offset":2,"length":6,"confidenceScore":0.9}],"warnings":[]}],"errors":[],"modelVersion":"x"}}
            """;
        await using var server = await FakeLanguageServer.StartAsync((r, _, _) =>
            Task.FromResult(Reply.Json(r.Kind == "SentimentAnalysis" ? DocumentedResponses.SuccessFor(r) : pii)));
        var h = Create(server.Endpoint);

        var result = (await h.Analyzer.AnalyzeAsync(["😀 Jayden"], CancellationToken.None)).Single();

        Assert.Equal(AnalysisBackend.Local, result.Backend);
        Assert.Contains("(OffsetMismatch)", result.Notice, StringComparison.Ordinal);
        Assert.Equal(3, Assert.Single(result.Pii).Start);
    }

    [Fact]
    public async Task SplitsALongTextAtWhitespaceAndMapsOffsetsBackToTheOriginal()
    {
        // Emoji are two UTF-16 units but one text element, so UTF-16 length and the service's count differ.
        var words = Enumerable.Range(0, 2600).Select(i => i % 97 == 0 ? "Jayden" : i % 13 == 0 ? "😀🎉" : "nursery");
        var text = string.Join(' ', words) + " call 07700 900123";
        Assert.True(new StringInfo(text).LengthInTextElements > 2 * 5120);
        await using var server = await FakeLanguageServer.StartDocumentedAsync();
        var h = Create(server.Endpoint);

        var result = (await h.Analyzer.AnalyzeAsync(["Short one about Jayden", text], CancellationToken.None))[1];

        var sent = server.RequestsOf("PiiEntityRecognition").SelectMany(r => r.Documents).Select(d => d.Text).Where(t => t.Length > 100).ToList();
        Assert.True(sent.Count >= 3, $"{sent.Count} pieces");
        Assert.All(sent, t => Assert.True(new StringInfo(t).LengthInTextElements <= 5120));
        Assert.All(sent.SkipLast(1), t => Assert.True(char.IsWhiteSpace(t[^1])));
        Assert.Equal(text, string.Concat(sent));

        Assert.Equal(AnalysisBackend.Azure, result.Backend);
        var expected = AllIndexesOf(text, "Jayden").Concat(AllIndexesOf(text, "07700 900123")).Order().ToList();
        Assert.Equal(expected, result.Pii.Select(e => e.Start));
        Assert.All(result.Pii, e => Assert.Equal(e.Text, text.Substring(e.Start, e.Length)));
    }

    [Fact]
    public async Task NeverPutsTheKeyOrTheTextInLogsNoticesOrExceptions()
    {
        await using var server = await FakeLanguageServer.StartAsync((_, _, _) => Task.FromResult(
            new Reply(401, """{"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API endpoint."}}""")));
        var h = Create(server.Endpoint);
        const string draft = "Jayden Smith, 07700 900123";

        var result = (await h.Analyzer.AnalyzeAsync([draft], CancellationToken.None)).Single();
        var exception = await Assert.ThrowsAsync<AzureLanguageException>(() => h.Client.RecognizePiiAsync([draft], CancellationToken.None));

        Assert.Equal(HttpStatusCode.Unauthorized, exception.StatusCode);
        Assert.Contains("HTTP 401", result.Notice, StringComparison.Ordinal);
        Assert.NotEmpty(h.Logs.Entries);
        foreach (var place in new[] { h.Logs.All, result.Notice!, exception.ToString(), h.Client.ToString()!, new AzureLanguageOptions { Endpoint = server.Endpoint, Key = Key }.ToString() })
        {
            Assert.DoesNotContain(Key, place, StringComparison.Ordinal);
            Assert.DoesNotContain("Jayden", place, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task FallsBackWhenTheAnswerLacksFieldsItReliesOn()
    {
        // A sentiment document without its label or scores must not turn into a silent "neutral, 0".
        await using var server = await FakeLanguageServer.StartAsync((r, _, _) => Task.FromResult(Reply.Json(r.Kind == "SentimentAnalysis"
            ? """{"kind":"SentimentAnalysisResults","results":{"documents":[{"id":"0","warnings":[]}],"errors":[],"modelVersion":"x"}}"""
            : DocumentedResponses.SuccessFor(r))));
        var h = Create(server.Endpoint);

        var result = (await h.Analyzer.AnalyzeAsync(["The parking was awful"], CancellationToken.None)).Single();

        Assert.Equal(AnalysisBackend.Local, result.Backend);
        Assert.Equal("Checked with the local analyser: Azure AI Language sent an answer that could not be read.", result.Notice);
    }

    [Theory]
    [InlineData(Key + "\n")]
    [InlineData(" " + Key)]
    [InlineData("")]
    public void RejectsAMalformedKeyWithoutQuotingIt(string key)
    {
        var options = new AzureLanguageOptions { Endpoint = new Uri("http://127.0.0.1:1"), Key = key };

        var exception = Assert.Throws<ArgumentException>(() => new AzureLanguageClient(Http, options, TimeProvider.System, NullLogger<AzureLanguageClient>.Instance));

        Assert.DoesNotContain(Key, exception.ToString(), StringComparison.Ordinal);
    }

    private static IEnumerable<int> AllIndexesOf(string text, string needle)
    {
        for (var at = text.IndexOf(needle, StringComparison.Ordinal); at >= 0; at = text.IndexOf(needle, at + 1, StringComparison.Ordinal))
        {
            yield return at;
        }
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
