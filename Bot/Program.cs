using WWPS.PolicyBot.Cli;
using WWPS.PolicyBot.Hosting;

if (args.Length > 0 && CommandLine.IsVerb(args[0]))
{
    Console.OutputEncoding = System.Text.Encoding.UTF8;
    return await CommandLine.RunAsync(args, Console.In, Console.Out, Console.Error, CancellationToken.None);
}

var app = await BotHost.BuildAsync(args);
await app.RunAsync();
return 0;
