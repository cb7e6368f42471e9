using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace WWPS.PolicyBot.Tests.DirectLine;

/// <summary>
/// The WebSocket stream over a real socket, as directlinejs uses it: the <c>streamUrl</c> from start and reconnect,
/// activity sets pushed as they are written, empty pings from the client, and a refused token.
/// </summary>
public sealed class DirectLineStreamTests(RunningBotFixture fixture) : IClassFixture<RunningBotFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private readonly DirectLineClient _client = new(fixture.Bot.Client);

    [Fact]
    public async Task TheStreamCarriesTheGreetingTheEchoAndTheAnswer()
    {
        var (status, started) = await _client.SendAsync(HttpMethod.Post, "conversations", token: null, json: """{"user":{"id":"dl_stream"}}""");
        Assert.Equal(HttpStatusCode.Created, status);
        var streamUrl = started.GetProperty("streamUrl").GetString()!;
        Assert.StartsWith("ws://", streamUrl, StringComparison.Ordinal);
        var conversation = new DirectLineClient.Conversation(_client, started.GetProperty("conversationId").GetString()!, started.GetProperty("token").GetString()!, "dl_stream");

        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(streamUrl), CancellationToken.None);

        var greeting = await ReceiveSetAsync(socket);
        Assert.Equal("bot", Assert.Single(greeting.Activities).GetProperty("from").GetProperty("role").GetString());

        // directlinejs pings with empty messages; the stream ignores them.
        await socket.SendAsync(ArraySegment<byte>.Empty, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        await conversation.SayAsync("can I friend a parent?", "c1");

        var seen = new List<JsonElement>();
        string watermark = greeting.Watermark;
        while (!seen.Any(a => a.GetProperty("from").GetProperty("role").GetString() == "bot"))
        {
            var set = await ReceiveSetAsync(socket);
            seen.AddRange(set.Activities);
            watermark = set.Watermark;
        }

        Assert.Equal("c1", seen[0].GetProperty("channelData").GetProperty("clientActivityID").GetString());
        Assert.Contains("methods-5", seen[^1].GetRawText(), StringComparison.Ordinal);

        // Reconnecting from the last watermark gives a new stream that starts after it.
        var (again, reconnected) = await _client.SendAsync(HttpMethod.Get, $"conversations/{conversation.Id}?watermark={watermark}", conversation.Token);
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Contains($"watermark={watermark}&", reconnected.GetProperty("streamUrl").GetString(), StringComparison.Ordinal);
        await conversation.SayAsync("what about instagram?", "c2");
        using var second = new ClientWebSocket();
        await second.ConnectAsync(new Uri(reconnected.GetProperty("streamUrl").GetString()!), CancellationToken.None);
        var next = await ReceiveSetAsync(second);
        Assert.Equal("c2", next.Activities[0].GetProperty("channelData").GetProperty("clientActivityID").GetString());
    }

    [Fact]
    public async Task AStreamWithAnotherConversationsTokenIsRefused()
    {
        var mine = await _client.StartAsync("dl_one", "One");
        var (_, theirs) = await _client.SendAsync(HttpMethod.Post, "conversations", token: null, json: """{"user":{"id":"dl_two"}}""");
        var url = theirs.GetProperty("streamUrl").GetString()!;
        var forged = url[..(url.IndexOf("&t=", StringComparison.Ordinal) + 3)] + Uri.EscapeDataString(mine.Token);

        using var socket = new ClientWebSocket();
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri(forged), CancellationToken.None));
        Assert.Contains("403", refused.Message, StringComparison.Ordinal);
    }

    private static async Task<(List<JsonElement> Activities, string Watermark)> ReceiveSetAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(Wait);
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        WebSocketReceiveResult received;
        do
        {
            received = await socket.ReceiveAsync(chunk, timeout.Token);
            buffer.Write(chunk, 0, received.Count);
        }
        while (!received.EndOfMessage);

        Assert.Equal(WebSocketMessageType.Text, received.MessageType);
        using var json = JsonDocument.Parse(Encoding.UTF8.GetString(buffer.ToArray()));
        return ([.. json.RootElement.GetProperty("activities").EnumerateArray().Select(a => a.Clone())], json.RootElement.GetProperty("watermark").GetString()!);
    }
}
