using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace WWPS.PolicyBot.Tests.Support;

/// <summary>
/// The built bot as its own operating-system process (<c>dotnet WWPS.PolicyBot.dll</c>) on a loopback port, so a
/// test can kill it outright (SIGKILL: no shutdown, no flushing) and start it again on the same data folder.
/// </summary>
internal sealed class BotProcess : IAsyncDisposable
{
    private readonly Process _process;

    private BotProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    /// <summary>
    /// The bot built beside these tests (same configuration: Debug or Release), or the one named by
    /// <c>POLICYBOT_BOT_DLL</c> (to run a test against another build, e.g. to see it fail before a fix).
    /// </summary>
    public static string BotDll
    {
        get
        {
            if (Environment.GetEnvironmentVariable("POLICYBOT_BOT_DLL") is { Length: > 0 } other)
            {
                return other;
            }

            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
            var dll = Path.Combine(RepoPaths.Root, "Bot", "bin", configuration, "net10.0", "WWPS.PolicyBot.dll");
            Assert.True(File.Exists(dll), $"The bot is expected to be built at {dll}.");
            return dll;
        }
    }

    public static Task<BotProcess> StartAsync(string dataFolder, params (string Key, string? Value)[] settings) =>
        StartOnPortAsync(dataFolder, FreePort(), settings);

    /// <summary>On a given port: a restarted bot on the same address, as a page that stays open would see it.</summary>
    public static async Task<BotProcess> StartOnPortAsync(string dataFolder, int port, params (string Key, string? Value)[] settings)
    {
        var dll = BotDll;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add($"--urls=http://127.0.0.1:{port}");

        // The project folder, as `dotnet run` has it: the chat page (wwwroot) is served from there.
        start.ArgumentList.Add($"--contentRoot={Path.Combine(RepoPaths.Root, "Bot")}");
        start.ArgumentList.Add($"--Storage:DataFolder={dataFolder}");
        foreach (var (key, value) in settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = Process.Start(start)!;

        // Drained so a chatty log never fills the pipe and stalls the bot.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var bot = new BotProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            Assert.False(process.HasExited, $"The bot exited at start-up with code {(process.HasExited ? process.ExitCode : 0)}.");
            try
            {
                using var response = await bot.Client.GetAsync(new Uri("healthz", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return bot;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            Assert.True(DateTime.UtcNow < deadline, "The bot did not answer /healthz within 60 s.");
            await Task.Delay(200);
        }
    }

    /// <summary>SIGKILL: the process gets no chance to finish anything.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    public int Port => BaseAddress.Port;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
