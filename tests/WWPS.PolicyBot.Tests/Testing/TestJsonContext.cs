using System.Text.Json.Serialization;

namespace WWPS.PolicyBot.Tests.Testing;

internal sealed class Counter
{
    public int Value { get; set; }
}

internal sealed record Profile(string Name, int Children, long BigNumber, decimal Fee);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Counter))]
[JsonSerializable(typeof(Profile))]
internal sealed partial class TestJsonContext : JsonSerializerContext;
