using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace WWPS.PolicyBot.Slack;

/// <summary>
/// Slack's request signature (folder README): <c>X-Slack-Signature: v0=hex(HMAC-SHA256(secret, "v0:{ts}:{body}"))</c>
/// over the raw body bytes, with <c>X-Slack-Request-Timestamp</c> inside the window.
/// </summary>
internal static class SlackSignature
{
    public const string SignatureHeader = "X-Slack-Signature";
    public const string TimestampHeader = "X-Slack-Request-Timestamp";
    private const string Version = "v0";

    /// <returns>Null when the request is Slack's; otherwise a short reason, safe to log and to answer with.</returns>
    public static string? Check(string? signature, string? timestamp, ReadOnlySpan<byte> body, string secret, DateTimeOffset now, TimeSpan window)
    {
        if (string.IsNullOrEmpty(signature) || string.IsNullOrEmpty(timestamp))
        {
            return "missing signature headers";
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return "bad timestamp";
        }

        // Slack's SDKs check only for old timestamps; one far in the future is just as much a replay risk.
        var age = now - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253_402_300_799));
        if (age.Duration() > window)
        {
            return "stale timestamp";
        }

        if (!signature.StartsWith(Version + "=", StringComparison.Ordinal))
        {
            return "unsupported signature version";
        }

        Span<byte> claimed = stackalloc byte[SHA256.HashSizeInBytes];
        var hex = signature.AsSpan(Version.Length + 1);
        if (hex.Length != claimed.Length * 2 || Convert.FromHexString(hex, claimed, out _, out var written) != System.Buffers.OperationStatus.Done || written != claimed.Length)
        {
            return "bad signature";
        }

        return CryptographicOperations.FixedTimeEquals(Compute(secret, timestamp, body), claimed) ? null : "bad signature";
    }

    /// <summary>The raw HMAC for <paramref name="timestamp"/> and <paramref name="body"/>.</summary>
    public static byte[] Compute(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.ASCII.GetBytes($"{Version}:{timestamp}:"));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}
