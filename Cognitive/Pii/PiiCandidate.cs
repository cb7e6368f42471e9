namespace WWPS.PolicyBot.Cognitive.Pii;

/// <summary>A recognizer's hit before thresholding and overlap removal; text is cut from the input only for survivors.</summary>
internal readonly record struct PiiCandidate(string Category, int Start, int Length, double Score, string? Subcategory = null)
{
    public int End => Start + Length;
}

internal interface IPiiRecognizer
{
    void Recognize(AnalysisInput input, List<PiiCandidate> sink);
}

internal static class Scoring
{
    /// <summary>Presidio's LemmaContextAwareEnhancer: a context word within the window adds 0.35, floored at 0.4, capped at 1.</summary>
    public const double ContextBoost = 0.35;
    public const double ContextFloor = 0.4;

    /// <summary>Presidio's context window: five words before the entity, none after.</summary>
    public const int ContextWindow = 5;

    public static double WithContext(double score, bool hasContext) =>
        hasContext ? Math.Min(1.0, Math.Max(ContextFloor, score + ContextBoost)) : score;
}
