namespace WWPS.PolicyBot.Cognitive.Sentiment;

/// <summary>VADER's raw output: proportions of negative, neutral and positive tone (3 dp) and the compound score (4 dp, −1…+1).</summary>
public sealed record VaderScores(double Negative, double Neutral, double Positive, double Compound);
