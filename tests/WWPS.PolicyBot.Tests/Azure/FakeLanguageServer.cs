using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace WWPS.PolicyBot.Tests.Azure;

internal sealed record ReceivedDocument(string Id, string Language, string Text);

internal sealed record ReceivedRequest(
    string Method, string Path, string Query, string? Key, string Kind, JsonElement Parameters, IReadOnlyList<ReceivedDocument> Documents);

internal sealed record Reply(int Status, string? Body = null, IReadOnlyDictionary<string, string>? Headers = null)
{
    public static Reply Json(string body) => new(200, body);
}

/// <summary>
/// Azure AI Language stand-in on 127.0.0.1 and a random port: real HTTP through Kestrel, so the client's
/// headers, status handling and timeouts are exercised as they would be against the service.
/// </summary>
internal sealed class FakeLanguageServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();
    private readonly CancellationTokenSource _stopping = new();
    private int _count;

    private FakeLanguageServer(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;

    public IReadOnlyList<ReceivedRequest> Requests => [.. _requests];

    public IReadOnlyList<ReceivedRequest> RequestsOf(string kind) => [.. _requests.Where(r => r.Kind == kind)];

    /// <param name="respond">Given the request and its 1-based number among requests of the same kind.</param>
    public static async Task<FakeLanguageServer> StartAsync(Func<ReceivedRequest, int, CancellationToken, Task<Reply>> respond)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(1));
        var app = builder.Build();
        var server = new FakeLanguageServer(app);
        var perKind = new ConcurrentDictionary<string, int>();
        app.Run(async context =>
        {
            var received = await ReadAsync(context.Request);
            server._requests.Enqueue(received);
            Interlocked.Increment(ref server._count);
            var number = perKind.AddOrUpdate(received.Kind, 1, (_, n) => n + 1);
            using var aborted = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, server._stopping.Token);
            var reply = await respond(received, number, aborted.Token);
            context.Response.StatusCode = reply.Status;
            foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>())
            {
                context.Response.Headers[name] = value;
            }

            if (reply.Body is not null)
            {
                context.Response.ContentType = "application/json; charset=utf-8";
                await context.Response.WriteAsync(reply.Body, aborted.Token);
            }
        });

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.Endpoint = new Uri(address);
        return server;
    }

    /// <summary>Serves documented-shape successes for every request (see <see cref="DocumentedResponses"/>).</summary>
    public static Task<FakeLanguageServer> StartDocumentedAsync() =>
        StartAsync((request, _, _) => Task.FromResult(Reply.Json(DocumentedResponses.SuccessFor(request))));

    private static async Task<ReceivedRequest> ReadAsync(HttpRequest request)
    {
        using var json = await JsonDocument.ParseAsync(request.Body);
        var root = json.RootElement;
        var documents = root.GetProperty("analysisInput").GetProperty("documents").EnumerateArray()
            .Select(d => new ReceivedDocument(d.GetProperty("id").GetString()!, d.GetProperty("language").GetString()!, d.GetProperty("text").GetString()!))
            .ToList();
        return new ReceivedRequest(
            request.Method,
            request.Path.Value!,
            request.QueryString.Value ?? "",
            request.Headers["Ocp-Apim-Subscription-Key"].FirstOrDefault(),
            root.GetProperty("kind").GetString()!,
            root.GetProperty("parameters").Clone(),
            documents);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}
