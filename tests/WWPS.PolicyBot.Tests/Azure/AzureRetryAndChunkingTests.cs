using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using WWPS.PolicyBot.Cognitive.Azure;

namespace WWPS.PolicyBot.Tests.Azure;

public sealed class AzureRetryAndChunkingTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("Retry-After", "3", 3000)]
    [InlineData("Retry-After", "Mon, 02 Mar 2026 09:00:05 GMT", 5000)]
    [InlineData("Retry-After", "Mon, 02 Mar 2026 08:59:00 GMT", 0)]
    [InlineData("retry-after-ms", "250", 250)]
    [InlineData("x-ms-retry-after-ms", "1500", 1500)]
    [InlineData("x-ms-retry-after-ms", "soon", null)]
    [InlineData("x-other", "7", null)]
    public void ReadsTheWaitTheServerAskedFor(string header, string value, int? expectedMs)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation(header, value);

        Assert.Equal(expectedMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null, RetryTiming.ServerDelay(response.Headers, Now));
    }

    [Fact]
    public void PrefersMillisecondHeadersOverRetryAfter()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(1));
        response.Headers.TryAddWithoutValidation("retry-after-ms", "400");

        Assert.Equal(TimeSpan.FromMilliseconds(400), RetryTiming.ServerDelay(response.Headers, Now));
    }

    [Theory]
    [InlineData(0, 0.0, 50)]
    [InlineData(0, 0.5, 75)]
    [InlineData(2, 0.0, 200)]
    [InlineData(2, 1.0, 400)]
    [InlineData(10, 0.0, 500)] // capped at 1 s, half of it fixed
    [InlineData(10, 1.0, 1000)]
    public void BacksOffExponentiallyWithJitterUpToTheCap(int retry, double jitter, int expectedMs)
    {
        var delay = RetryTiming.Backoff(retry, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), jitter);

        Assert.Equal(expectedMs, delay.TotalMilliseconds, 6);
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.BadGateway, true)]
    [InlineData(HttpStatusCode.GatewayTimeout, true)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.Unauthorized, false)]
    [InlineData(HttpStatusCode.Forbidden, false)]
    public void RetriesOnlyWhatASecondTryCanFix(HttpStatusCode status, bool retryable) =>
        Assert.Equal(retryable, RetryTiming.IsRetryable(status));

    [Theory]
    [InlineData("short text", 10, new[] { "short text" })]
    [InlineData("short text", 5, new[] { "short", " text" })]
    [InlineData("aaa bbb ccc ddd", 8, new[] { "aaa bbb ", "ccc ddd" })]
    [InlineData("aaaaaaaaaa bb", 4, new[] { "aaaa", "aaaa", "aa ", "bb" })]
    [InlineData("😀😀😀😀 x", 3, new[] { "😀😀😀", "😀 x" })]
    [InlineData("e\u0301e\u0301e\u0301", 2, new[] { "e\u0301e\u0301", "e\u0301" })]
    public void SplitsAtWhitespaceAndNeverInsideAGrapheme(string text, int max, string[] expected)
    {
        var pieces = TextChunker.Split(text, max).Select(p => text.Substring(p.Start, p.Length)).ToList();

        Assert.Equal(expected, pieces);
        Assert.All(pieces, p => Assert.True(new StringInfo(p).LengthInTextElements <= max));
    }
}
