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
    public async Task<Conversation> StartAsync()
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "conversations", token: null, json: """{"user":{"id":"dl_parent"}}""");
        Assert.Equal(HttpStatusCode.Created, status);
        return new Conversation(this, body.GetProperty("conversationId").GetString()!, body.GetProperty("token").GetString()!);
    }

    internal sealed class Conversation(DirectLineClient client, string id, string token)
    {
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
                from = new { id = "dl_parent", name = "Parent", role = "user" },
                locale = "en-GB",
                textFormat = "plain",
                channelData = new { clientActivityID = clientActivityId },
            });
            var (status, body) = await client.SendAsync(HttpMethod.Post, $"conversations/{Id}/activities", Token, activity);
            Assert.Equal(HttpStatusCode.OK, status);
            return body.GetProperty("id").GetString()!;
        }

        public async Task<(IReadOnlyList<JsonElement> Activities, string Watermark)> PollAsync(string? watermark = null)
        {
            var (status, body) = await client.SendAsync(HttpMethod.Get, $"conversations/{Id}/activities?watermark={watermark}", Token);
            Assert.Equal(HttpStatusCode.OK, status);
            return ([.. body.GetProperty("activities").EnumerateArray()], body.GetProperty("watermark").GetString()!);
        }
    }
}
