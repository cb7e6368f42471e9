using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using WWPS.PolicyBot.Tests.Support;

namespace WWPS.PolicyBot.Tests.DirectLine;

/// <summary>
/// Many people uploading large photos at once, as issue 12's abuse run did (30 conversations, 2 × 10 MB, twice): the
/// uploads the allowance cannot hold are refused with 503 and a reason the page shows, never a 500, and a small photo
/// still goes through afterwards. The allowance here is 160 MB so the test writes less; the rule is the same at 512.
/// </summary>
[Trait("Category", "Slow")]
public sealed class UploadQuotaTests
{
    private const int Conversations = 30;
    private const int TenMegabytes = 10 * 1024 * 1024;

    [Fact]
    public async Task ThirtyConversationsUploadingLargePhotosGetTheirPhotosKeptOrA503WithAReason()
    {
        await using var bot = await RunningBot.StartAsync(("DirectLine:MaxUploadBytesHeld", (160L * 1024 * 1024).ToString(CultureInfo.InvariantCulture)));
        var client = new DirectLineClient(bot.Client);
        var conversations = new List<DirectLineClient.Conversation>();
        for (var i = 0; i < Conversations; i++)
        {
            conversations.Add(await client.StartAsync("dl_uploader" + i.ToString(CultureInfo.InvariantCulture), "Uploader"));
        }

        var photo = new byte[TenMegabytes];
        Random.Shared.NextBytes(photo);
        var answers = new ConcurrentBag<(HttpStatusCode Status, string? RetryAfter, JsonElement Body)>();
        for (var round = 0; round < 2; round++)
        {
            await Task.WhenAll(conversations.Select(async c => answers.Add(await UploadAsync(bot, c, "Sports day!", photo, photo))));
        }

        // A parent's small photo still goes through.
        var parent = await client.StartAsync("dl_parent", "Pat");
        var small = await UploadAsync(bot, parent, "Our poster for the fair", new byte[200 * 1024]);
        Assert.Equal(HttpStatusCode.OK, small.Status);

        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests, a.Status.ToString()));
        Assert.Contains(answers, a => a.Status == HttpStatusCode.OK);
        var full = answers.Where(a => a.Status == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.NotEmpty(full);
        Assert.All(full, a =>
        {
            Assert.Equal("60", a.RetryAfter);
            Assert.Equal("ServiceUnavailable", a.Body.GetProperty("error").GetProperty("code").GetString());
            Assert.Contains("could not take yours", a.Body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        });
    }

    private static async Task<(HttpStatusCode Status, string? RetryAfter, JsonElement Body)> UploadAsync(
        RunningBot bot, DirectLineClient.Conversation conversation, string caption, params byte[][] files)
    {
        using var form = new MultipartFormDataContent();
        var activity = new ByteArrayContent(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { type = "message", text = caption })));
        activity.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.microsoft.activity");
        form.Add(activity, "activity", "blob");
        for (var i = 0; i < files.Length; i++)
        {
            var file = new ByteArrayContent(files[i]);
            file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(file, "file", $"photo{i}.jpg");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"{DirectLineClient.Domain}conversations/{conversation.Id}/upload", UriKind.Relative)) { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", conversation.Token);
        using var response = await bot.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.Headers.RetryAfter?.ToString(), text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }
}
