using WWPS.PolicyBot.Cli;
using WWPS.PolicyBot.Hosting;
using WWPS.PolicyBot.Protocol;

if (args.Length > 0 && CommandLine.IsVerb(args[0]))
{
    Console.OutputEncoding = System.Text.Encoding.UTF8;
    return await CommandLine.RunAsync(args, Console.In, Console.Out, Console.Error, CancellationToken.None);
}

WebApplication app;
try
{
    app = await BotHost.BuildAsync(args);
}
catch (StorageUnavailableException ex)
{
    // A missing or wrong storage setting, or a database that cannot be reached: its one line (never a password), no stack trace.
    await Console.Error.WriteLineAsync($"PolicyBot cannot start: {ex.Message}");
    return 1;
}

if (ListenAddresses.FirstBusy(app.Configuration["urls"]) is { } busy)
{
    await Console.Error.WriteLineAsync(
        $"PolicyBot cannot listen on {busy}: the port is in use. Stop what is using it, or choose another address with " +
        "--urls, ASPNETCORE_URLS or the Urls setting (e.g. --urls http://localhost:3979).");
    return 2;
}

await app.RunAsync();
return 0;
