using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using WWPS.PolicyBot.Tests.Support;

namespace WWPS.PolicyBot.Tests.DirectLine;

/// <summary>
/// The upload call as directlinejs makes it for Web Chat's upload button: multipart/form-data with the message
/// (without its attachments) in a part named <c>activity</c> typed <c>application/vnd.microsoft.activity</c> and one
/// part per file named <c>file</c>, to <c>conversations/{id}/upload?userId=…</c>.
/// </summary>
public sealed class DirectLineUploadTests(RunningBotFixture fixture) : IClassFixture<RunningBotFixture>
{
    private static readonly byte[] Photo = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0x00, 0xFF, 0xD9];

    private readonly DirectLineClient _client = new(fixture.Bot.Client);

    private HttpClient Http => fixture.Bot.Client;

    [Fact]
    public async Task PhotoWithACaptionIsEchoedShownBackAndCheckedAsADraft()
    {
        var conversation = await _client.StartAsync();
        var (_, afterGreeting) = await conversation.PollAsync();

        var (status, body) = await UploadAsync(conversation.Id, conversation.Token,
            Message("Lovely day at sports day with the children!", "wc-upload-1"), ("file", "photo.jpg", "image/jpeg", Photo));

        Assert.Equal(HttpStatusCode.OK, status);
        var (activities, _) = await conversation.PollAsync(afterGreeting);
        var echo = activities[0];
        Assert.Equal(body.GetProperty("id").GetString(), echo.GetProperty("id").GetString());
        Assert.Equal("user", echo.GetProperty("from").GetProperty("role").GetString());
        Assert.Equal("wc-upload-1", echo.GetProperty("channelData").GetProperty("clientActivityID").GetString());
        Assert.Equal("Lovely day at sports day with the children!", echo.GetProperty("text").GetString());
        var attachment = Assert.Single(echo.GetProperty("attachments").EnumerateArray());
        Assert.Equal("image/jpeg", attachment.GetProperty("contentType").GetString());
        Assert.Equal("photo.jpg", attachment.GetProperty("name").GetString());

        // The page shows the user's own picture from here: an img element cannot send a bearer token.
        var contentUrl = new Uri(attachment.GetProperty("contentUrl").GetString()!);
        Assert.StartsWith($"/v3/directline/conversations/{conversation.Id}/attachments/", contentUrl.AbsolutePath, StringComparison.Ordinal);
        using (var image = await Http.GetAsync(new Uri(contentUrl.PathAndQuery, UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, image.StatusCode);
            Assert.Equal("image/jpeg", image.Content.Headers.ContentType?.MediaType);
            Assert.Equal(Photo, await image.Content.ReadAsByteArrayAsync());
            Assert.Contains("nosniff", image.Headers.GetValues("X-Content-Type-Options"));
            Assert.Contains("no-store", image.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        }

        var reply = activities.Skip(1).Single(a => a.GetProperty("from").GetProperty("role").GetString() == "bot");
        var text = ActivityJson.ReadableText(reply);
        Assert.Contains("Has a photo or video", text, StringComparison.Ordinal);
        Assert.Contains("methods-3", reply.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PhotoWithoutAnActivityPartIsStillAMessage()
    {
        var conversation = await _client.StartAsync();
        var (_, afterGreeting) = await conversation.PollAsync();

        var (status, body) = await UploadAsync(conversation.Id, conversation.Token, activityJson: null, ("file", "IMG_0001.png", "image/png", Photo));

        Assert.True(status == HttpStatusCode.OK, body.ValueKind == JsonValueKind.Undefined ? null : body.GetRawText());
        var (activities, _) = await conversation.PollAsync(afterGreeting);
        Assert.Equal("message", activities[0].GetProperty("type").GetString());
        Assert.Equal("dl_parent", activities[0].GetProperty("from").GetProperty("id").GetString());
        Assert.Single(activities[0].GetProperty("attachments").EnumerateArray());
    }

    [Fact]
    public async Task WrongMissingOrOtherConversationsTokenIsForbidden()
    {
        var conversation = await _client.StartAsync();
        var other = await _client.StartAsync();

        foreach (var token in new[] { "not-a-token", null, other.Token })
        {
            var (status, _) = await UploadAsync(conversation.Id, token, Message("hi", "c1"), ("file", "photo.jpg", "image/jpeg", Photo));
            Assert.Equal(HttpStatusCode.Forbidden, status);
        }

        var (unknown, _) = await UploadAsync("no-such-conversation", conversation.Token, Message("hi", "c1"), ("file", "photo.jpg", "image/jpeg", Photo));
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Single((await conversation.PollAsync()).Activities);
    }

    [Fact]
    public async Task AFileOverTheLimitIsNotKeptAndTheBotSaysWhy()
    {
        var conversation = await _client.StartAsync();
        var (_, afterGreeting) = await conversation.PollAsync();

        var (status, _) = await UploadAsync(conversation.Id, conversation.Token, Message("sports day!", "c1"),
            ("file", "huge.jpg", "image/jpeg", new byte[(10 * 1024 * 1024) + 1]));

        Assert.Equal(HttpStatusCode.OK, status);
        var (echo, note, _) = await EchoNoteAndAnswerAsync(conversation, afterGreeting);
        Assert.Equal("sports day!", echo.GetProperty("text").GetString());
        Assert.Empty(echo.GetProperty("attachments").EnumerateArray());
        Assert.StartsWith("I couldn't take \u201chuge.jpg\u201d (over 10 MB). I can take photos and videos", note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FilesOverTheTotalKeepThoseThatFit()
    {
        var conversation = await _client.StartAsync();
        var (_, afterGreeting) = await conversation.PollAsync();
        var nineMb = new byte[9 * 1024 * 1024];

        var (status, _) = await UploadAsync(conversation.Id, conversation.Token, Message("sports day!", "c1"),
            ("file", "a.jpg", "image/jpeg", nineMb), ("file", "b.jpg", "image/jpeg", nineMb), ("file", "c.jpg", "image/jpeg", nineMb));

        Assert.Equal(HttpStatusCode.OK, status);
        var (echo, note, _) = await EchoNoteAndAnswerAsync(conversation, afterGreeting);
        Assert.Equal(["a.jpg", "b.jpg"], echo.GetProperty("attachments").EnumerateArray().Select(a => a.GetProperty("name").GetString()));
        Assert.Contains("\u201cc.jpg\u201d (the files together were over 20 MB)", note, StringComparison.Ordinal);
    }

    /// <summary>The bar: a <c>.txt</c> upload gets a bot message naming what is accepted, and the caption is still checked.</summary>
    [Theory]
    [InlineData("text/plain", "notes.txt")]
    [InlineData("application/pdf", "minutes.pdf")]
    [InlineData("text/html", "page.html")]
    [InlineData("application/octet-stream", "photo.jpg")]
    public async Task AFileThatIsNotAPhotoOrVideoIsNotKeptTheBotSaysWhatItTakesAndChecksTheCaption(string contentType, string name)
    {
        var conversation = await _client.StartAsync();
        var (_, afterGreeting) = await conversation.PollAsync();

        var (status, _) = await UploadAsync(conversation.Id, conversation.Token, Message("So proud of Oliver Hughes at sports day today, what a star! #proudmum", "c1"), ("file", name, contentType, Photo));

        Assert.Equal(HttpStatusCode.OK, status);
        var (echo, note, answer) = await EchoNoteAndAnswerAsync(conversation, afterGreeting);
        Assert.Equal("c1", echo.GetProperty("channelData").GetProperty("clientActivityID").GetString());
        Assert.Empty(echo.GetProperty("attachments").EnumerateArray());
        Assert.Equal($"I couldn't take \u201c{name}\u201d (not a photo or a video). I can take photos and videos (JPEG, PNG, GIF, MP4 and the like), up to 10 MB each. I've read your message without it.", note);
        Assert.Contains("Oliver Hughes", ActivityJson.ReadableText(answer!.Value), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusedFileWithoutACaptionGetsTheNoteAndNothingElse()
    {
        var conversation = await _client.StartAsync();
        var (_, afterGreeting) = await conversation.PollAsync();

        var (status, _) = await UploadAsync(conversation.Id, conversation.Token, Message("", "c1"), ("file", "notes.txt", "text/plain", Photo));

        Assert.Equal(HttpStatusCode.OK, status);
        var (echo, note, answer) = await EchoNoteAndAnswerAsync(conversation, afterGreeting);
        Assert.Equal("c1", echo.GetProperty("channelData").GetProperty("clientActivityID").GetString());
        Assert.StartsWith("I couldn't take \u201cnotes.txt\u201d", note, StringComparison.Ordinal);
        Assert.Null(answer);
    }

    /// <summary>After an upload: the user's echo, the bot's note about refused files, and the bot's answer if any.</summary>
    private static async Task<(JsonElement Echo, string Note, JsonElement? Answer)> EchoNoteAndAnswerAsync(DirectLineClient.Conversation conversation, string after)
    {
        var (activities, _) = await conversation.PollAsync(after);
        Assert.Equal("user", activities[0].GetProperty("from").GetProperty("role").GetString());
        Assert.Equal("bot", activities[1].GetProperty("from").GetProperty("role").GetString());
        return (activities[0], activities[1].GetProperty("text").GetString()!, activities.Count > 2 ? activities[2] : null);
    }

    [Theory]
    [InlineData("multipart/form-data; boundary=XYZ", "--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\nabc")]
    [InlineData("multipart/form-data; boundary=XYZ", "no boundary anywhere in here")]
    [InlineData("multipart/form-data; boundary=XYZ", "--XYZ\r\nContent-Type: image/jpeg\r\n\r\nabc\r\n--XYZ--\r\n")]
    [InlineData("multipart/form-data; boundary=XYZ", "--XYZ--\r\n")]
    [InlineData("multipart/form-data", "--XYZ\r\n\r\n--XYZ--\r\n")]
    [InlineData("multipart/form-data; boundary=XYZ", "--XYZ\r\nContent-Disposition: form-data; name=\"activity\"; filename=\"blob\"\r\nContent-Type: application/vnd.microsoft.activity\r\n\r\n{not json\r\n--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\nabc\r\n--XYZ--\r\n")]
    public async Task MalformedMultipartIsABadRequest(string contentType, string raw)
    {
        var conversation = await _client.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"{DirectLineClient.Domain}conversations/{conversation.Id}/upload?userId=dl_parent", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", conversation.Token);
        request.Content = new ByteArrayContent(Encoding.ASCII.GetBytes(raw));
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Single((await conversation.PollAsync()).Activities);
    }

    [Fact]
    public async Task JsonInsteadOfMultipartIsUnsupported()
    {
        var conversation = await _client.StartAsync();

        var (status, _) = await _client.SendAsync(HttpMethod.Post, $"conversations/{conversation.Id}/upload?userId=dl_parent", conversation.Token, Message("hi", "c1"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
    }

    [Fact]
    public async Task UploadedFileIsGoneForAnUnknownIdOrAnotherConversation()
    {
        var conversation = await _client.StartAsync();
        var other = await _client.StartAsync();
        await UploadAsync(conversation.Id, conversation.Token, Message("sports day!", "c1"), ("file", "photo.jpg", "image/jpeg", Photo));
        var (activities, _) = await conversation.PollAsync();
        var contentUrl = new Uri(activities[1].GetProperty("attachments")[0].GetProperty("contentUrl").GetString()!);
        var attachmentId = contentUrl.AbsolutePath[(contentUrl.AbsolutePath.LastIndexOf('/') + 1)..];

        using var unknown = await Http.GetAsync(new Uri($"{DirectLineClient.Domain}conversations/{conversation.Id}/attachments/nope", UriKind.Relative));
        using var elsewhere = await Http.GetAsync(new Uri($"{DirectLineClient.Domain}conversations/{other.Id}/attachments/{attachmentId}", UriKind.Relative));
        var (wrongToken, _) = await _client.SendAsync(HttpMethod.Get, $"conversations/{conversation.Id}/attachments/{attachmentId}", other.Token);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, elsewhere.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrongToken);
    }

    private static string Message(string text, string clientActivityId) => JsonSerializer.Serialize(new
    {
        type = "message",
        text,
        channelId = "webchat",
        from = new { id = "dl_parent", name = "Parent", role = "user" },
        locale = "en-GB",
        textFormat = "plain",
        channelData = new { clientActivityID = clientActivityId },
    });

    private async Task<(HttpStatusCode Status, JsonElement Body)> UploadAsync(
        string conversationId, string? token, string? activityJson, params (string Part, string FileName, string ContentType, byte[] Bytes)[] files)
    {
        using var form = new MultipartFormDataContent();
        if (activityJson is not null)
        {
            var activity = new ByteArrayContent(Encoding.UTF8.GetBytes(activityJson));
            activity.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.microsoft.activity");
            form.Add(activity, "activity", "blob");
        }

        foreach (var (part, fileName, contentType, bytes) in files)
        {
            var file = new ByteArrayContent(bytes);
            file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            form.Add(file, part, fileName);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"{DirectLineClient.Domain}conversations/{conversationId}/upload?userId=dl_parent", UriKind.Relative))
        {
            Content = form,
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }
}
