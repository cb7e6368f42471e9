using System.Globalization;
using System.Runtime.InteropServices;

namespace WWPS.PolicyBot.Cognitive.Retrieval;

/// <summary>
/// Keeps the resident share of the mapped weights file to what recent questions used. ONNX Runtime maps the weights
/// (<see cref="OnnxExternalWeights"/>); every new word a question brings reads its row of the word-embedding
/// table (47 MB in all), and those pages stay resident in this process until it ends. Now and then the mapping's pages
/// are dropped from this process (<c>madvise(MADV_DONTNEED)</c>): for a private file mapping none of whose pages was
/// written, that only unmaps them; the file is unchanged and stays in the page cache, and the next read of a page maps
/// it again. That holds while the model is running, too: a page dropped under a running session is read back from the
/// file, unchanged. So this needs no lock, and runs on a timer of its own (Bot/Hosting/ModelHousekeeping.cs), never
/// on a question's path.
/// </summary>
internal sealed class MappedWeights(string weightsPath)
{
    private const int MadviseDontNeed = 4;

    private readonly string _path = Path.GetFullPath(weightsPath);

    /// <summary>
    /// Unmaps the resident pages of each mapping of the weights file that holds no page of its own (smaps'
    /// <c>Anonymous: 0 kB</c>: nothing in it was ever written, so every page is the file's and can be read again).
    /// Returns how many bytes of mapping it covered.
    /// </summary>
    public long Trim()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        long covered = 0;
        try
        {
            (ulong Start, ulong End)? current = null;
            foreach (var line in File.ReadLines("/proc/self/smaps"))
            {
                if (IsMappingHeader(line, out var start, out var end, out var path))
                {
                    current = path == _path ? (start, end) : null;
                }
                else if (current is { } mapping && line.StartsWith("Anonymous:", StringComparison.Ordinal))
                {
                    // Only a mapping none of whose pages was ever copied on write: dropping those would lose the change.
                    if (line.AsSpan("Anonymous:".Length).Trim().StartsWith("0 ", StringComparison.Ordinal)
                        && madvise((nint)mapping.Start, (nuint)(mapping.End - mapping.Start), MadviseDontNeed) == 0)
                    {
                        covered += (long)(mapping.End - mapping.Start);
                    }

                    current = null;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or OverflowException or DllNotFoundException or EntryPointNotFoundException)
        {
            // Not a Linux with /proc or glibc: resident memory is simply not trimmed.
        }

        return covered;
    }

    /// <summary>"start-end perms offset dev inode   path": the first line of each mapping in smaps.</summary>
    private static bool IsMappingHeader(string line, out ulong start, out ulong end, out string? path)
    {
        start = end = 0;
        path = null;
        var dash = line.IndexOf('-', StringComparison.Ordinal);
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        if (dash <= 0 || space <= dash || line.EndsWith("kB", StringComparison.Ordinal)
            || !ulong.TryParse(line.AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out start)
            || !ulong.TryParse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out end))
        {
            return false;
        }

        var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        path = fields.Length == 6 ? fields[5].Trim() : null;
        return true;
    }

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code for this one blittable call.
    [DllImport("libc", ExactSpelling = true, SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int madvise(nint address, nuint length, int advice);
#pragma warning restore SYSLIB1054
}
