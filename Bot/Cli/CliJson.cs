using System.Text.Json.Serialization;
using WWPS.PolicyBot.Cognitive.Answering;

namespace WWPS.PolicyBot.Cli;

/// <summary>Input line of <c>ask --jsonl</c>.</summary>
internal sealed record AskInput(string? Q);

/// <summary>Output line for an input that could not be read; keeps the one-line-per-input contract.</summary>
internal sealed record CliError(string Error);

// The JSONL contract in shared/eval/README.md uses snake_case names.
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AskInput))]
[JsonSerializable(typeof(PolicyAnswer))]
[JsonSerializable(typeof(CliError))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
