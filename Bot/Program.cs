using WWPS.PolicyBot.Cli;

if (args.Length > 0 && CommandLine.IsVerb(args[0]))
{
    Console.OutputEncoding = System.Text.Encoding.UTF8;
    return await CommandLine.RunAsync(args, Console.In, Console.Out, Console.Error, CancellationToken.None);
}

var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/healthz", () => Results.Ok(new { status = "ok" }));
await app.RunAsync();
return 0;
