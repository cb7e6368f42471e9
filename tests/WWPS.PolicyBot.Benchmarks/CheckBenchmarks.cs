using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using WWPS.PolicyBot.Cognitive;
using WWPS.PolicyBot.Cognitive.Drafts;

namespace WWPS.PolicyBot.Benchmarks;

/// <summary>Checking a 280-character post offline: sentiment, personal data, the policy rules and redaction.</summary>
[MemoryDiagnoser]
public class CheckBenchmarks
{
    private const string Post =
        "Had the best afternoon at the preschool summer fair with little Oliver Hughes and his mum! " +
        "If anyone wants photos of the kids on the bouncy castle text me on 07700 900300. " +
        "Honestly the committee were useless at organising the raffle though, total shambles. Email jo.b@yahoo.com x " +
        "and see you all at the Easter egg hunt next week, all money raised goes to new books for the children!";

    private DraftReviewer _reviewer = null!;
    private DraftInput _draft = null!;

    [GlobalSetup]
    public void Setup()
    {
        _reviewer = new ServiceCollection().AddCognitive(new CognitiveSettings(null, 0.23, null, null))
            .BuildServiceProvider().GetRequiredService<CognitiveServices>().Reviewer;
        _draft = new DraftInput(Post[..280], []);
    }

    [Benchmark]
    public Task<DraftReview> Check() => _reviewer.ReviewAsync(_draft, CancellationToken.None);
}
