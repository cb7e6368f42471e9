using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace WWPS.PolicyBot.Tests.BotFramework;

/// <summary>A small Kestrel app on a free loopback port.</summary>
internal abstract class LoopbackServer : IAsyncDisposable
{
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    protected async Task StartAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        map(_app);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        BaseAddress = new Uri(address.TrimEnd('/') + "/");
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync(TimeSpan.FromSeconds(2));
            await _app.DisposeAsync();
        }
    }
}

/// <summary>
/// Plays login.botframework.com: OpenID metadata and a JWKS with one RSA key (made here) endorsed for "msteams" and
/// "webchat", and mints tokens the way the Bot Connector does, or broken in one chosen way.
/// </summary>
internal sealed class FakeBotFrameworkIdentity : LoopbackServer
{
    public const string Issuer = "https://api.botframework.com";
    public const string KeyId = "test-key-1";

    private static readonly string[] Endorsements = ["msteams", "webchat"];

    private readonly RSA _rsa = RSA.Create(2048);
    private readonly RSA _stranger = RSA.Create(2048);

    public Uri MetadataUrl => new(BaseAddress, "v1/.well-known/openidconfiguration");

    public static async Task<FakeBotFrameworkIdentity> StartAsync()
    {
        var identity = new FakeBotFrameworkIdentity();
        await identity.StartAsync(app =>
        {
            app.MapGet("/v1/.well-known/openidconfiguration", () => Results.Text(
                $$"""{"issuer":"{{Issuer}}","jwks_uri":"{{new Uri(identity.BaseAddress, "v1/keys")}}","id_token_signing_alg_values_supported":["RS256"]}""",
                "application/json"));
            app.MapGet("/v1/keys", () => Results.Text(identity.Jwks(), "application/json"));
        });
        return identity;
    }

    public string CreateToken(string audience, string serviceUrl, string issuer = Issuer, DateTime? expires = null, bool signWithStranger = false, string keyId = KeyId, params (string Type, string Value)[] claims)
    {
        var key = new RsaSecurityKey(signWithStranger ? _stranger : _rsa) { KeyId = keyId };
        var expiry = expires ?? DateTime.UtcNow.AddHours(1);
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = expiry.AddHours(-2),
            NotBefore = expiry.AddHours(-2),
            Expires = expiry,
            Subject = new ClaimsIdentity([new Claim("serviceurl", serviceUrl), .. claims.Select(c => new Claim(c.Type, c.Value))]),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    private string Jwks()
    {
        var p = _rsa.ExportParameters(includePrivateParameters: false);
        return JsonSerializer.Serialize(new
        {
            keys = new[]
            {
                new
                {
                    kty = "RSA",
                    use = "sig",
                    kid = KeyId,
                    n = Base64UrlEncoder.Encode(p.Modulus),
                    e = Base64UrlEncoder.Encode(p.Exponent),
                    endorsements = Endorsements,
                },
            },
        });
    }
}

/// <summary>What the bot posted to the connector.</summary>
internal sealed record ConnectorCall(string Path, string? Authorization, JsonElement Activity);

/// <summary>Plays the Bot Connector at a serviceUrl: records each POST and answers 201, or never answers at all.</summary>
internal sealed class FakeConnector : LoopbackServer
{
    private readonly Channel<ConnectorCall> _calls = Channel.CreateUnbounded<ConnectorCall>();

    public static async Task<FakeConnector> StartAsync(bool hang = false)
    {
        var connector = new FakeConnector();
        await connector.StartAsync(app => app.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            await connector._calls.Writer.WriteAsync(new ConnectorCall(
                // The raw target: Kestrel decodes Path, and the escaping is what is under test.
                context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget, context.Request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null, body.RootElement.Clone()));
            if (hang)
            {
                // A connector that accepted the connection and then went quiet: only the caller's timeout ends this.
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return Results.Empty;
            }

            return Results.Json(new { id = "1" }, statusCode: StatusCodes.Status201Created);
        }));
        return connector;
    }

    /// <summary>The next call, or a failed test after a generous wait (the outbox sends in the background).</summary>
    public async Task<ConnectorCall> NextCallAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        return await _calls.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>The next reply that is a message, passing over typing indicators (a slow first turn sends one).</summary>
    public async Task<ConnectorCall> NextMessageAsync()
    {
        while (true)
        {
            var call = await NextCallAsync();
            if (call.Activity.TryGetProperty("type", out var type) && type.GetString() == "message")
            {
                return call;
            }
        }
    }

    public int CallsSoFar => _calls.Reader.Count;
}

/// <summary>A loopback port with nothing listening: connections to it are refused at once.</summary>
internal static class ClosedPort
{
    public static Uri ServiceUrl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }
}

/// <summary>Collects log events (id, level, rendered message) so tests can see what an operator would.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<(int EventId, LogLevel Level, string Message)> _entries = new();
    private readonly SemaphoreSlim _written = new(0);

    public IReadOnlyCollection<(int EventId, LogLevel Level, string Message)> Entries => _entries;

    public static LogCapture AttachTo(IServiceProvider services)
    {
        var capture = new LogCapture();
        // The factory hands new providers to loggers it already made, so this sees everything from now on.
        services.GetRequiredService<ILoggerFactory>().AddProvider(capture);
        return capture;
    }

    public async Task<(int EventId, LogLevel Level, string Message)> WaitForAsync(int eventId, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        while (true)
        {
            var hit = _entries.FirstOrDefault(e => e.EventId == eventId);
            if (hit.Message is not null)
            {
                return hit;
            }

            await _written.WaitAsync(timeout.Token);
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose() => _written.Dispose();

    private sealed class Logger(LogCapture owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            owner._entries.Enqueue((eventId.Id, logLevel, formatter(state, exception)));
            owner._written.Release();
        }
    }
}

/// <summary>Builds activities the way a channel sends them.</summary>
internal static class Activities
{
    public static string Message(string id, Uri serviceUrl, string text, string channelId = "msteams", string conversationId = "a:1;conv@thread", string? deliveryMode = null) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["type"] = "message",
            ["id"] = id,
            ["channelId"] = channelId,
            ["serviceUrl"] = serviceUrl.AbsoluteUri,
            ["from"] = new { id = "user-1", name = "Staff Member" },
            ["recipient"] = new { id = "bot-1", name = "PolicyBot" },
            ["conversation"] = new { id = conversationId },
            ["text"] = text,
            ["deliveryMode"] = deliveryMode,
        });

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
