using System.Buffers;

namespace WWPS.PolicyBot.Plumbing;

/// <summary>Reads a request body whole, up to a limit. Channels that sign or parse the raw bytes share this.</summary>
internal static class RequestBody
{
    /// <returns>The body, or null when it is larger than <paramref name="limit"/>.</returns>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > limit)
        {
            return null;
        }

        // A body that states its length (every channel's does) is read into an array of exactly that size: this runs on
        // every request, and growing a buffer from a small start was a tenth of what a turn allocated.
        if (request.ContentLength is { } length)
        {
            var body = new byte[length];
            var filled = 0;
            while (filled < body.Length)
            {
                var count = await request.Body.ReadAsync(body.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                if (count == 0)
                {
                    // Shorter than it said: Kestrel ends such a request with an error, so this is for other servers.
                    return body[..filled];
                }

                filled += count;
            }

            return body;
        }

        // Chunked bodies have no length up front, so the limit is enforced while reading.
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var memory = buffer.GetMemory(4096);
            var read = await request.Body.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return buffer.WrittenSpan.ToArray();
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                return null;
            }
        }
    }
}
