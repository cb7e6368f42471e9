namespace WWPS.PolicyBot.Cognitive.Analysis;

/// <summary>Share of positive, neutral and negative tone in a text; the three add up to about 1.</summary>
public sealed record SentimentScores(double Positive, double Neutral, double Negative);

/// <summary>Label is "positive", "neutral", "negative" (or "mixed" from Azure); Compound is VADER's −1…+1 score.</summary>
public sealed record SentimentResult(string Label, double Compound, SentimentScores Scores);

/// <summary>
/// One piece of personal data. Offsets are UTF-16 code units into the analysed string, so they index a .NET string directly.
/// Category uses Azure AI Language names (Person, PhoneNumber, Email, Address, Age, DateOfBirth,
/// UKNationalHealthNumber, UKNationalInsuranceNumber…); Subcategory narrows it ("Child" for a pupil's name).
/// </summary>
public sealed record PiiEntity(string Category, string Text, int Start, int Length, double Score, string? Subcategory = null)
{
    public int End => Start + Length;
}

public interface ISentimentAnalyzer
{
    SentimentResult Analyze(string text);
}

public interface IPiiAnalyzer
{
    IReadOnlyList<PiiEntity> Recognize(string text);
}

/// <summary>Which analyser produced a result, so a caller never has to guess whether Azure or the local rules spoke.</summary>
public enum AnalysisBackend
{
    Local,
    Azure,
}

/// <summary>Sentiment and personal data for one text, and a notice when the result came from a fallback.</summary>
public sealed record TextAnalysis(
    SentimentResult Sentiment, IReadOnlyList<PiiEntity> Pii, string? Notice = null, AnalysisBackend Backend = AnalysisBackend.Local);

/// <summary>The backend the draft check uses: local analysers by default, Azure AI Language by configuration.</summary>
public interface ITextAnalyzer
{
    Task<IReadOnlyList<TextAnalysis>> AnalyzeAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken);
}
