namespace WWPS.PolicyBot.Cognitive.Policy;

/// <summary>The policy file could not be read as a policy: it names the file so a setting can fix its own document.</summary>
public sealed class PolicyFormatException(string path, string reason) : Exception($"Policy file '{path}': {reason}")
{
    public string PolicyPath { get; } = path;
}
