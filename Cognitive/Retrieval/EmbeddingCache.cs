using System.Security.Cryptography;
using System.Text;

namespace WWPS.PolicyBot.Cognitive.Retrieval;

/// <summary>
/// The clause-view vectors on disk, so a cold start embeds only the question. A file is named by a hash of the model's
/// identity and the exact texts embedded, and holds that hash, the vectors, and a hash of the vectors: a missing,
/// truncated, corrupt or mismatched file reads as a miss and is rewritten; nothing here throws.
/// </summary>
internal static class EmbeddingCache
{
    private static ReadOnlySpan<byte> Magic => "WWPSEMB1"u8;

    /// <summary>Where the vectors go unless Ask:SemanticCache says otherwise: the user's local data folder, else temp.</summary>
    public static string DefaultDirectory
    {
        get
        {
            var data = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
            return Path.Combine(string.IsNullOrEmpty(data) ? Path.GetTempPath() : data, "WWPS.PolicyBot", "semantic-cache");
        }
    }

    public static byte[] Key(string modelIdentity, IReadOnlyList<string> texts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, modelIdentity);
        foreach (var text in texts)
        {
            Append(hash, text);
        }

        return hash.GetHashAndReset();
    }

    public static string PathFor(string directory, byte[] key) => Path.Combine(directory, $"clauses-{Convert.ToHexStringLower(key)[..32]}.bin");

    public static float[][]? TryRead(string directory, byte[] key, int count, int dimensions)
    {
        try
        {
            var bytes = File.ReadAllBytes(PathFor(directory, key));
            var payload = count * dimensions * sizeof(float);
            var header = Magic.Length + key.Length + (2 * sizeof(int));
            if (bytes.Length != header + payload + 32
                || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic)
                || !bytes.AsSpan(Magic.Length, key.Length).SequenceEqual(key)
                || BitConverter.ToInt32(bytes, Magic.Length + key.Length) != count
                || BitConverter.ToInt32(bytes, Magic.Length + key.Length + sizeof(int)) != dimensions
                || !SHA256.HashData(bytes.AsSpan(header, payload)).AsSpan().SequenceEqual(bytes.AsSpan(header + payload, 32)))
            {
                return null;
            }

            var vectors = new float[count][];
            for (var i = 0; i < count; i++)
            {
                vectors[i] = new float[dimensions];
                Buffer.BlockCopy(bytes, header + (i * dimensions * sizeof(float)), vectors[i], 0, dimensions * sizeof(float));
                if (!vectors[i].All(float.IsFinite))
                {
                    return null;
                }
            }

            return vectors;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or System.Security.SecurityException)
        {
            return null;
        }
    }

    /// <summary>Writes to a temporary name and renames, so a reader never sees half a file; a failure only means no cache.</summary>
    public static bool TryWrite(string directory, byte[] key, float[][] vectors)
    {
        string? temp = null;
        try
        {
            Directory.CreateDirectory(directory);
            var dimensions = vectors.Length == 0 ? 0 : vectors[0].Length;
            var payload = new byte[vectors.Length * dimensions * sizeof(float)];
            for (var i = 0; i < vectors.Length; i++)
            {
                Buffer.BlockCopy(vectors[i], 0, payload, i * dimensions * sizeof(float), dimensions * sizeof(float));
            }

            temp = Path.Combine(directory, $".{Guid.NewGuid():N}.tmp");
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                file.Write(Magic);
                file.Write(key);
                file.Write(BitConverter.GetBytes(vectors.Length));
                file.Write(BitConverter.GetBytes(dimensions));
                file.Write(payload);
                file.Write(SHA256.HashData(payload));
            }

            File.Move(temp, PathFor(directory, key), overwrite: true);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or System.Security.SecurityException)
        {
            if (temp is not null)
            {
                try
                {
                    File.Delete(temp);
                }
                catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
                {
                    // best effort
                }
            }

            return false;
        }
    }

    private static void Append(IncrementalHash hash, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        hash.AppendData(BitConverter.GetBytes(bytes.Length));
        hash.AppendData(bytes);
    }
}
