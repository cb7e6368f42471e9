using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace WWPS.PolicyBot.Tests.DirectLine;

/// <summary>
/// Calls the bot's Direct Line endpoint the way directlinejs does in polling mode: bearer token on every call,
/// activities posted as JSON, polls by watermark. Responses are read as plain JSON, not through the bot's own
/// types, so a change in the wire format shows up here.
/// </summary>
internal sealed class DirectLineClient(HttpClient http)
{
    public const string Domain = "v3/directline/";

    public static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(
        HttpClient http, HttpMethod method, string path, string? token, string? json = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(Domain + path, UriKind.Relative));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string? token, string? json = null) =>
        SendAsync(http, method, path, token, json);

    /// <summary>Starts a conversation without a token, as a client of a public page does.</summary>
    public Task<Conversation> StartAsync() => StartAsync("dl_parent", "Parent");

    /// <summary>Starts a conversation as a given user (Web Chat's <c>userID</c> and <c>username</c>).</summary>
    public async Task<Conversation> StartAsync(string userId, string userName)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "conversations", token: null,
            json: JsonSerializer.Serialize(new { user = new { id = userId, name = userName } }));
        Assert.Equal(HttpStatusCode.Created, status);
        return new Conversation(this, body.GetProperty("conversationId").GetString()!, body.GetProperty("token").GetString()!, userId, userName);
    }

    /// <summary>Starts the conversation a token was issued for (as Web Chat does with a token it was given); 201 expected.</summary>
    public async Task<Conversation> StartWithTokenAsync(string token, string userId, string userName)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "conversations", token);
        Assert.Equal(HttpStatusCode.Created, status);
        return new Conversation(this, body.GetProperty("conversationId").GetString()!, body.GetProperty("token").GetString()!, userId, userName);
    }

    internal sealed class Conversation(DirectLineClient client, string id, string token, string userId = "dl_parent", string userName = "Parent")
    {
        private string? _watermark;

        public string Id { get; } = id;

        public string Token { get; set; } = token;

        /// <summary>Posts a message as Web Chat does: its own <c>clientActivityID</c> in channelData.</summary>
        public async Task<string> SayAsync(string text, string clientActivityId)
        {
            var activity = JsonSerializer.Serialize(new
            {
                type = "message",
                text,
                channelId = "webchat",
                from = new { id = userId, name = userName, role = "user" },
                locale = "en-GB",
                textFormat = "plain",
                channelData = new { clientActivityID = clientActivityId },
            });
            var (status, body) = await client.SendAsync(HttpMethod.Post, $"conversations/{Id}/activities", Token, activity);
            Assert.Equal(HttpStatusCode.OK, status);
            return body.GetProperty("id").GetString()!;
        }

        /// <summary>Sends a message and returns the texts of the bot's messages that arrived since the last call.</summary>
        public async Task<IReadOnlyList<string>> SayAndReadAsync(string text)
        {
            await SayAsync(text, Guid.NewGuid().ToString("N"));
            return await ReadNewAsync();
        }

        /// <summary>The texts of the bot's messages since the last read (the user's own echoes left out).</summary>
        public async Task<IReadOnlyList<string>> ReadNewAsync()
        {
            var (activities, watermark) = await PollAsync(_watermark);
            _watermark = watermark;
            return
            [
                .. activities
                    .Where(a => a.GetProperty("type").GetString() == "message"
                        && a.TryGetProperty("from", out var from) && from.TryGetProperty("role", out var role) && role.GetString() == "bot")
                    .Select(a => a.TryGetProperty("text", out var t) ? t.GetString() ?? string.Empty : string.Empty),
            ];
        }

        /// <summary>
        /// Sends a message and returns the words of the bot's messages since the last read: the text, or for a card its
        /// summary, where the bot puts the card's words for clients that draw cards.
        /// </summary>
        public async Task<IReadOnlyList<string>> SayAndReadWordsAsync(string text)
        {
            await SayAsync(text, Guid.NewGuid().ToString("N"));
            var (activities, watermark) = await PollAsync(_watermark);
            _watermark = watermark;
            return
            [
                .. activities
                    .Where(a => a.GetProperty("type").GetString() == "message"
                        && a.TryGetProperty("from", out var from) && from.TryGetProperty("role", out var role) && role.GetString() == "bot")
                    .Select(a => a.TryGetProperty("text", out var t) && t.GetString() is { Length: > 0 } words ? words
                        : a.TryGetProperty("summary", out var s) ? s.GetString() ?? string.Empty : string.Empty),
            ];
        }

        public async Task<(IReadOnlyList<JsonElement> Activities, string Watermark)> PollAsync(string? watermark = null)
        {
            var (status, body) = await client.SendAsync(HttpMethod.Get, $"conversations/{Id}/activities?watermark={watermark}", Token);
            Assert.Equal(HttpStatusCode.OK, status);
            return ([.. body.GetProperty("activities").EnumerateArray()], body.GetProperty("watermark").GetString()!);
        }
    }
}
