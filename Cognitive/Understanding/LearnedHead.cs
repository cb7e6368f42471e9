using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace WWPS.PolicyBot.Cognitive.Understanding;

/// <summary>
/// A small trained ONNX graph over a sentence vector (a linear or one-hidden-layer head, see Training/train.py), shipped
/// inside the assembly with the JSON that describes it. The JSON records the graph's SHA-256; a graph that does not
/// match is refused, so the thresholds are never applied to a model they were not chosen for.
/// </summary>
internal sealed class LearnedHead<TInfo> : IDisposable
    where TInfo : LearnedHeadInfo
{
    private readonly InferenceSession _session;
    private readonly string _input;
    private readonly int _width;
    private readonly Lock _gate = new();

    private LearnedHead(InferenceSession session, TInfo info)
    {
        _session = session;
        Info = info;
        _input = session.InputNames[0];
        _width = session.InputMetadata[_input].Dimensions[^1];
    }

    public TInfo Info { get; }

    /// <summary>How many numbers one input row holds.</summary>
    public int Width => _width;

    /// <summary>Loads the graph and its description named <paramref name="name"/> (e.g. "questions").</summary>
    /// <exception cref="InvalidDataException">The graph's hash is not the one its description records.</exception>
    public static LearnedHead<TInfo> LoadBundled(string name, JsonTypeInfo<TInfo> infoType)
    {
        var graph = BundledModel.Read($"{name}.onnx");
        var info = JsonSerializer.Deserialize(BundledModel.Read($"{name}.json"), infoType)
            ?? throw new InvalidDataException($"{name}.json is empty");
        var sha = Convert.ToHexStringLower(SHA256.HashData(graph));
        if (!string.Equals(sha, info.OnnxSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"{name}.onnx has SHA-256 {sha}, but {name}.json was written for {info.OnnxSha256}");
        }

        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
        return new LearnedHead<TInfo>(new InferenceSession(graph, options), info);
    }

    /// <summary>The head's outputs for one input row (the sentence vector, then any extra features).</summary>
    public float[] Run(ReadOnlySpan<float> vector, ReadOnlySpan<float> extra = default)
    {
        var row = new float[_width];
        vector.CopyTo(row);
        extra.CopyTo(row.AsSpan(vector.Length));
        var input = NamedOnnxValue.CreateFromTensor(_input, new DenseTensor<float>(row, [1, _width]));
        lock (_gate)
        {
            using var output = _session.Run([input]);
            return [.. ((DenseTensor<float>)output[0].Value).Buffer.Span];
        }
    }

    public void Dispose() => _session.Dispose();
}

/// <summary>The learned models shipped inside the assembly (Understanding/Model), by file name.</summary>
internal static class BundledModel
{
    public static byte[] Read(string resource)
    {
        var assembly = typeof(BundledModel).Assembly;
        using var stream = assembly.GetManifestResourceStream("WWPS.PolicyBot.Cognitive.Understanding." + resource)
            ?? throw new InvalidDataException($"The model resource {resource} is missing from {assembly.GetName().Name}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>The SHA-256 of a bundled resource, for the test that pins the shipped model.</summary>
    public static string Sha256Of(string resource) => Convert.ToHexStringLower(SHA256.HashData(Read(resource)));
}

/// <summary>What every model description says: its hash, its design and how it was trained.</summary>
internal abstract record LearnedHeadInfo
{
    public required string OnnxSha256 { get; init; }

    public required string Design { get; init; }

    public required int Seed { get; init; }

    public required string CorpusSha256 { get; init; }
}
