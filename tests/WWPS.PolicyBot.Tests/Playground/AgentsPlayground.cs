using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using WWPS.PolicyBot.Tests.Support;

namespace WWPS.PolicyBot.Tests.Playground;

/// <summary>
/// The Microsoft 365 Agents Playground (tests/playground, pinned) run headless with node, pointed at a bot's
/// <c>/api/messages</c>, and driven through the HTTP endpoints its browser UI uses (tests/playground/README.md).
/// What the user would see arrives on its conversation websocket; its log websocket shows every request in both
/// directions with the status it got. The node process runs in a process group of its own, which is killed on dispose.
/// </summary>
internal sealed partial class AgentsPlayground : IAsyncDisposable
{
    public const string InstallCommand = "npm ci --prefix tests/playground --no-audit --no-fund";

    private static readonly string PackageFolder = Path.Combine(RepoPaths.Root, "tests", "playground");
    private static readonly string CliPath = Path.Combine(PackageFolder, "node_modules", "@microsoft", "m365agentsplayground", "cli.js");

    private readonly Process _node;
    private readonly DirectoryInfo _folder;
    private readonly StringBuilder _output;
    private readonly CancellationTokenSource _stopping = new();
    private WebSocketFeed? _conversations;
    private WebSocketFeed? _log;

    private AgentsPlayground(Process node, DirectoryInfo folder, StringBuilder output)
    {
        _node = node;
        _folder = folder;
        _output = output;
    }

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    /// <summary><c>createMessage</c>/<c>updateMessage</c>/<c>typing</c> actions, as the playground's chat window gets them.</summary>
    public WebSocketFeed Conversations => _conversations ?? throw new InvalidOperationException("Call ConnectAsync first.");

    /// <summary><c>appendLog</c> entries: every activity the playground sent the bot and the bot sent its connector, with the answer.</summary>
    public WebSocketFeed Log => _log ?? throw new InvalidOperationException("Call ConnectAsync first.");

    public string LogFile => Path.Combine(_folder.FullName, "playground.log");

    /// <summary>Starts the playground for <paramref name="botEndpoint"/> and waits until it listens.</summary>
    public static async Task<AgentsPlayground> StartAsync(Uri botEndpoint, TimeSpan timeout)
    {
        // A missing install is a broken checkout, not a reason to skip: fail with the fix.
        Assert.True(File.Exists(CliPath), $"The Agents Playground is not installed ({CliPath} is missing). Run `{InstallCommand}` from the repository root, or `bash tests/run.sh`, which does it.");

        var folder = Directory.CreateTempSubdirectory("policybot-playground-");
        var start = new ProcessStartInfo
        {
            // setsid: the playground gets a process group of its own, so the whole group can be killed at the end.
            // Started from here, node is not a group leader, so setsid execs in place and the process id is node's.
            FileName = File.Exists("/usr/bin/setsid") ? "/usr/bin/setsid" : "node",
            WorkingDirectory = folder.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (start.FileName != "node")
        {
            start.ArgumentList.Add("node");
        }

        foreach (var argument in new[] { CliPath, "-c", "msteams", "--dt" })
        {
            start.ArgumentList.Add(argument);
        }

        // Auth stays off (the bot runs in local mode), whatever the machine's environment says.
        foreach (var inherited in new[] { "AUTH_CLIENT_ID", "AUTH_CLIENT_SECRET", "AUTH_TENANT_ID", "SEND_INSTALLATION_ACTIVITY" })
        {
            start.Environment.Remove(inherited);
        }

        start.Environment["TEAMSAPPTESTER_BROWSER"] = "none";
        start.Environment["TEAMSAPPTESTER_PORT"] = FreePort().ToString(CultureInfo.InvariantCulture);
        start.Environment["BOT_ENDPOINT"] = botEndpoint.ToString();
        start.Environment["M365_AGENTS_PLAYGROUND_LOGFILE"] = Path.Combine(folder.FullName, "playground.log");

        var output = new StringBuilder();
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var node = new Process { StartInfo = start, EnableRaisingEvents = true };
        node.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
            }

            // The port is read back rather than assumed: a busy port makes the playground silently take another.
            if (ListeningOn().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
            }
        };
        node.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            }
        };
        node.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("the playground exited before it listened"));

        node.Start();
        node.BeginOutputReadLine();
        node.BeginErrorReadLine();

        var playground = new AgentsPlayground(node, folder, output);
        try
        {
            var port = await listening.Task.WaitAsync(timeout);
            playground.BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
            playground.Client = new HttpClient { BaseAddress = playground.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
            return playground;
        }
        catch (Exception failure) when (failure is TimeoutException or InvalidOperationException)
        {
            var said = playground.Output();
            await playground.DisposeAsync();
            throw new Xunit.Sdk.XunitException($"The Agents Playground did not start listening within {timeout.TotalSeconds} s ({failure.Message}). Its output:\n{said}");
        }
    }

    /// <summary>
    /// Reads the playground's configuration (the chat ids to use) and opens both websockets. The first configuration
    /// call is also when the playground probes the bot endpoint (HEAD) and waits for it to answer.
    /// </summary>
    public async Task<PlaygroundConfig> ConnectAsync(CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(await Client.GetStringAsync(new Uri("_internal/v1/config", UriKind.Relative), cancellationToken));
        var config = document.RootElement.GetProperty("config");
        var result = new PlaygroundConfig(
            BotId: config.GetProperty("bot").GetProperty("id").GetString()!,
            BotName: config.GetProperty("bot").GetProperty("name").GetString()!,
            UserId: config.GetProperty("currentUser").GetProperty("id").GetString()!,
            PersonalChatId: config.GetProperty("personalChat").GetProperty("id").GetString()!,
            GroupChatId: config.GetProperty("groupChats")[0].GetProperty("id").GetString()!);

        var ws = new UriBuilder(BaseAddress) { Scheme = "ws" }.Uri;
        _conversations = await WebSocketFeed.ConnectAsync(new Uri(ws, "_ws_conversation/v1/conversations/stream"), _stopping.Token);
        _log = await WebSocketFeed.ConnectAsync(new Uri(ws, "_ws/log/stream"), _stopping.Token);
        return result;
    }

    /// <summary>What the chat window does when the app is opened: installationUpdate, then conversationUpdate with the user and bot added.</summary>
    public async Task InstallAsync(string chatId, CancellationToken cancellationToken)
    {
        using var response = await Client.PostAsJsonAsync(new Uri($"_debug/conversation/{Uri.EscapeDataString(chatId)}/installation", UriKind.Relative), new { }, cancellationToken);
        await EnsureSuccessAsync(response, "installation");
    }

    /// <summary>The user types <paramref name="text"/> into the chat; <paramref name="mentionBotAs"/> adds an @mention entity for the bot.</summary>
    public async Task SendAsync(string chatId, string userId, string text, string? botId = null, string? mentionBotAs = null, CancellationToken cancellationToken = default)
    {
        object body = mentionBotAs is null
            ? new { from = new { id = userId }, text, textFormat = "plain" }
            : new { from = new { id = userId }, text, textFormat = "plain", mentions = new[] { new { mentioned = new { id = botId }, text = mentionBotAs } } };
        using var response = await Client.PostAsJsonAsync(new Uri($"_conversation/v1/conversations/{Uri.EscapeDataString(chatId)}/messages", UriKind.Relative), body, cancellationToken);
        await EnsureSuccessAsync(response, "message");
    }

    /// <summary>The user clicks an Action.Submit button on the card in message <paramref name="messageId"/>: the chat window posts the button's data.</summary>
    public async Task SubmitAsync(string chatId, string userId, string messageId, JsonElement data, CancellationToken cancellationToken)
    {
        var body = new { conversation = new { id = chatId }, replyToId = messageId, value = data, from = new { id = userId } };
        using var response = await Client.PostAsJsonAsync(new Uri("_conversation/v1/submit", UriKind.Relative), body, cancellationToken);
        await EnsureSuccessAsync(response, "submit");
    }

    /// <summary>stdout/stderr so far and the log file, for failure messages.</summary>
    public string Output()
    {
        string said;
        lock (_output)
        {
            said = _output.ToString();
        }

        try
        {
            var log = File.Exists(LogFile) ? File.ReadAllText(LogFile) : "(no log file)";
            return said + "\n--- " + LogFile + " (last 4000 chars) ---\n" + (log.Length > 4000 ? log[^4000..] : log);
        }
        catch (IOException)
        {
            return said;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_conversations is not null)
        {
            await _conversations.DisposeAsync();
        }

        if (_log is not null)
        {
            await _log.DisposeAsync();
        }

        Client?.Dispose();
        KillProcessGroup();
        _node.Dispose();
        _stopping.Dispose();
        try
        {
            _folder.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Left for the temp cleaner; it holds only the playground's log.
        }
    }

    private void KillProcessGroup()
    {
        try
        {
            if (_node.HasExited)
            {
                return;
            }

            // The group first (node and anything it started), then the tree as .NET knows it, in case setsid was missing.
            _ = Kill(-_node.Id, SigKill);
            _node.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }

        _node.WaitForExit(5_000);
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new Xunit.Sdk.XunitException($"The playground refused the {what} call: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static int FreePort()
    {
        // The playground listens on every interface, so the port must be free on all of them.
        using var probe = new TcpListener(IPAddress.Any, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private const int SigKill = 9;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [GeneratedRegex(@"^Listening on (\d+)")]
    private static partial Regex ListeningOn();
}

internal sealed record PlaygroundConfig(string BotId, string BotName, string UserId, string PersonalChatId, string GroupChatId);

/// <summary>
/// Every text frame of one websocket, kept in order (the playground replays its history on connect), with a wait
/// for the first frame after a cursor that matches.
/// </summary>
internal sealed class WebSocketFeed : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly List<JsonElement> _frames = [];
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly Task _reading;

    private WebSocketFeed(ClientWebSocket socket, CancellationToken stopping)
    {
        _socket = socket;
        _reading = ReadAsync(stopping);
    }

    public static async Task<WebSocketFeed> ConnectAsync(Uri uri, CancellationToken stopping)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(uri, stopping);
        return new WebSocketFeed(socket, stopping);
    }

    /// <summary>How many frames have arrived; pass it to <see cref="WaitForAsync"/> to look only at later ones.</summary>
    public int Count
    {
        get
        {
            lock (_frames)
            {
                return _frames.Count;
            }
        }
    }

    public IReadOnlyList<JsonElement> Snapshot()
    {
        lock (_frames)
        {
            return [.. _frames];
        }
    }

    public async Task<JsonElement> WaitForAsync(int after, Func<JsonElement, bool> match, string what, CancellationToken cancellationToken)
    {
        var next = after;
        while (true)
        {
            lock (_frames)
            {
                for (; next < _frames.Count; next++)
                {
                    if (match(_frames[next]))
                    {
                        return _frames[next];
                    }
                }
            }

            try
            {
                await _arrived.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException($"Timed out waiting for {what}. Frames after #{after}:\n"
                    + string.Join("\n", Snapshot().Skip(after).Select(f => Shorten(f.GetRawText()))));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _reading.WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException or WebSocketException)
        {
            // The playground is about to be killed; a half-closed socket does not matter.
        }

        _socket.Dispose();
        _arrived.Dispose();
    }

    private async Task ReadAsync(CancellationToken stopping)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var result = await _socket.ReceiveAsync(buffer, stopping);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                if (result.MessageType == WebSocketMessageType.Text && message.Length > 0)
                {
                    using var document = JsonDocument.Parse(message.ToArray());
                    lock (_frames)
                    {
                        _frames.Add(document.RootElement.Clone());
                    }

                    _arrived.Release();
                }

                message.SetLength(0);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or JsonException)
        {
            // Stopped, or the playground went away; waiters time out with what arrived so far.
        }
    }

    private static string Shorten(string text) => text.Length > 600 ? text[..600] + "…" : text;
}
