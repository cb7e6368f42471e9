namespace WWPS.PolicyBot.Cli;

/// <summary>
/// <c>teams-package</c>: turns <c>manifest/teams</c> into the zip that is uploaded to Teams (manifest.json and both
/// icons at the root), with the bot's Microsoft App ID filled in. The manifest is checked here first, because Teams
/// rejects a bad package at upload with a far vaguer message than this one.
/// </summary>
internal static class TeamsPackageCommand
{
    public const string Verb = "teams-package";

    /// <summary>Where the manifest lives in the repository, also used to find the repository from below.</summary>
    private static readonly string ManifestFolder = Path.Combine("manifest", "teams");

    public static async Task<int> RunAsync(IEnumerable<string> args, IConfiguration configuration, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        string? appIdArg = null, outPath = null, manifestArg = null;
        using (var e = args.GetEnumerator())
        {
            while (e.MoveNext())
            {
                var name = e.Current;
                if (name is not ("--app-id" or "--out" or "--manifest"))
                {
                    await stderr.WriteLineAsync($"{Verb}: unknown argument '{name}'.\n{Usage}");
                    return 2;
                }

                if (!e.MoveNext())
                {
                    await stderr.WriteLineAsync($"{Verb}: {name} needs a value.");
                    return 2;
                }

                switch (name)
                {
                    case "--app-id":
                        appIdArg = e.Current;
                        break;
                    case "--out":
                        outPath = e.Current;
                        break;
                    default:
                        manifestArg = e.Current;
                        break;
                }
            }
        }

        // The same key the channel authentication reads, so one setting serves the host and the package.
        var appIdText = appIdArg ?? configuration["MicrosoftAppId"];
        if (string.IsNullOrWhiteSpace(appIdText))
        {
            await stderr.WriteLineAsync($"{Verb}: no app id. Pass --app-id GUID or set MicrosoftAppId (the Microsoft App ID of the Azure Bot resource).");
            return 2;
        }

        // Teams and Azure Bot Service only take the hyphenated 8-4-4-4-12 form, so the braced or bare forms are refused too.
        if (!Guid.TryParseExact(appIdText.Trim(), "D", out var appId))
        {
            await stderr.WriteLineAsync($"{Verb}: the app id '{appIdText}' is not a GUID (expected the form 00000000-0000-0000-0000-000000000000).");
            return 2;
        }

        var manifestDirectory = (manifestArg is null ? null : Path.GetFullPath(manifestArg, InvokingDirectory())) ?? NonEmpty(configuration["Teams:ManifestPath"]) ?? FindManifestDirectory();
        if (manifestDirectory is null || !File.Exists(Path.Combine(manifestDirectory, "manifest.json")))
        {
            await stderr.WriteLineAsync($"{Verb}: no manifest.json found{(manifestDirectory is null ? $" in {ManifestFolder} above the current folder" : $" in {manifestDirectory}")}; pass --manifest DIR or set Teams:ManifestPath.");
            return 2;
        }

        var result = await TeamsAppPackage.BuildAsync(manifestDirectory, appId, cancellationToken);
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors)
            {
                await stderr.WriteLineAsync($"{Verb}: {error}");
            }

            return 3;
        }

        outPath = Path.GetFullPath(outPath ?? "appPackage.zip", InvokingDirectory());
        await File.WriteAllBytesAsync(outPath, result.Zip!, cancellationToken);
        await stdout.WriteLineAsync($"wrote {outPath} for app id {appId:D} from {Path.GetFullPath(manifestDirectory)}");
        return 0;
    }

    /// <summary>
    /// The folder the user typed the command in. `dotnet run --project Bot` starts the bot in the project's folder, but
    /// the shell's <c>PWD</c> is inherited unchanged, so a relative <c>--out</c> means what the user meant.
    /// </summary>
    internal static string InvokingDirectory() =>
        Environment.GetEnvironmentVariable("PWD") is { Length: > 0 } pwd && Path.IsPathRooted(pwd) && Directory.Exists(pwd)
            ? pwd
            : Directory.GetCurrentDirectory();

    public const string Usage = "  WWPS.PolicyBot teams-package [--app-id GUID] [--out appPackage.zip] [--manifest DIR]";

    /// <summary>
    /// The repository's manifest folder, looked for above the current folder (<c>dotnet run</c> from the repository)
    /// and then above the executable (a build output inside the repository, as in the tests).
    /// </summary>
    internal static string? FindManifestDirectory()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, ManifestFolder);
                if (File.Exists(Path.Combine(candidate, "manifest.json")))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
