using System.Data.Common;
using System.Text.Json;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.DirectLine;

/// <summary>
/// What the SQLite and PostgreSQL Direct Line stores decide alike, so both keep the same limits and read the same
/// rows: they differ only in their SQL and in how they keep another writer out (see each store). Times are whole
/// milliseconds since the Unix epoch in both.
/// </summary>
internal static class DirectLineRows
{
    public static long Ms(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    /// <summary>A conversation from its row's <c>user_json</c> and <c>locale</c>, read at <paramref name="ordinal"/> and the column after it.</summary>
    public static DirectLineConversation Conversation(string id, DbDataReader reader, int ordinal) => new(
        id,
        JsonSerializer.Deserialize(reader.GetString(ordinal), ProtocolJsonContext.Default.ChannelAccount)!,
        reader.IsDBNull(ordinal + 1) ? null : reader.GetString(ordinal + 1));

    /// <summary>
    /// The conversation's uploads (oldest first) that must go for one of <paramref name="length"/> bytes to fit within
    /// <paramref name="perConversation"/>, and the bytes they free; whether everyone's uploads then fit is the store's check.
    /// </summary>
    public static (List<long> Evict, long Freed) UploadsToEvict(IReadOnlyList<(long Id, long Length)> held, long length, long perConversation)
    {
        ArgumentNullException.ThrowIfNull(held);
        var kept = held.Sum(h => h.Length);
        var evict = new List<long>();
        var freed = 0L;
        foreach (var (id, size) in held)
        {
            if (kept + length <= perConversation)
            {
                break;
            }

            evict.Add(id);
            kept -= size;
            freed += size;
        }

        return (evict, freed);
    }
}

/// <summary>
/// One read's page of activities: whole activities, in order, up to <c>maxBytes</c> as stored (always one at least);
/// the rest waits for the next read, from <see cref="Through"/>. Both stores read the size column before the text, so
/// the row past the page is never loaded.
/// </summary>
internal sealed class ActivityPage(long maxBytes, long watermark)
{
    private long _held;

    public List<string> Activities { get; } = [];

    /// <summary>The sequence of the last activity in the page (the watermark read from, while it is empty).</summary>
    public long Through { get; private set; } = watermark;

    /// <summary>False when an activity of <paramref name="bytes"/> would take the page past its size.</summary>
    public bool Fits(long bytes) => Activities.Count == 0 || _held + bytes <= maxBytes;

    public void Add(long sequence, long bytes, string json)
    {
        Activities.Add(json);
        _held += bytes;
        Through = sequence;
    }
}
