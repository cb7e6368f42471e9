using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using WWPS.PolicyBot.Tests.Support;

namespace WWPS.PolicyBot.Tests.Hosting;

/// <summary>Choosing the port as ASP.NET Core documents it, and a busy port told in one line: the built bot as a process.</summary>
[Trait("Category", "Slow")]
public sealed class ListenAddressTests
{
    [Fact]
    public async Task AspNetCoreUrlsChoosesThePort()
    {
        var port = FreePort();
        using var process = Start(("ASPNETCORE_URLS", $"http://127.0.0.1:{port}"));
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                if (process.HasExited)
                {
                    Assert.Fail("The bot exited: " + await process.StandardError.ReadToEndAsync());
                }

                try
                {
                    using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/healthz"));
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    return;
                }
                catch (HttpRequestException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(200);
                }
            }
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task ABusyPortIsOneLineNamingIt()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        using var process = Start(("ASPNETCORE_URLS", $"http://127.0.0.1:{port}"));
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(2, process.ExitCode);
        var message = (await stderr).Trim();
        Assert.Single(message.Split('\n'));
        Assert.Contains($"http://127.0.0.1:{port}", message, StringComparison.Ordinal);
        Assert.Contains("in use", message, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", message, StringComparison.Ordinal);
    }

    private static Process Start(params (string Key, string Value)[] environment)
    {
        var dll = BotProcess.BotDll;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.Environment["Storage__Provider"] = "memory";
        start.Environment.Remove("ASPNETCORE_URLS");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;

        // Drained so a chatty log never fills the pipe and stalls the bot; stderr is read by the test.
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        return process;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
