using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using WWPS.PolicyBot.Cli;
using WWPS.PolicyBot.Tests.Support;

namespace WWPS.PolicyBot.Tests.Teams;

/// <summary>The <c>teams-package</c> verb, run on the repository's own manifest and on broken copies of it.</summary>
public sealed class TeamsPackageTests : IDisposable
{
    private const string AppId = "6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b";

    private static readonly string ManifestDirectory = Path.Combine(RepoPaths.Root, "manifest", "teams");

    private readonly string _temp = Directory.CreateTempSubdirectory("wwps-teams-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public async Task PackageHoldsManifestWithTheAppIdEverywhereAndBothIconsAtTheRoot()
    {
        var zipPath = Path.Combine(_temp, "appPackage.zip");

        // Through the bot's own command line, so the verb's routing is covered too.
        var (exit, _, stderr) = await RunAsync(args => CommandLine.RunAsync(["teams-package", .. args.Arguments], TextReader.Null, args.Out, args.Err, CancellationToken.None),
            "--app-id", AppId, "--out", zipPath);

        Assert.True(exit == 0, stderr);
        using var zip = ZipFile.OpenRead(zipPath);
        Assert.Equal(["color.png", "manifest.json", "outline.png"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));

        var text = Read(zip, "manifest.json");
        Assert.DoesNotContain("{{", text, StringComparison.Ordinal);
        var manifest = JsonNode.Parse(text)!;
        Assert.Equal(AppId, (string?)manifest["id"]);
        Assert.Equal(AppId, (string?)manifest["bots"]![0]!["botId"]);
        Assert.Equal("1.22", (string?)manifest["manifestVersion"]);
        Assert.Equal("https://developer.microsoft.com/json-schemas/teams/v1.22/MicrosoftTeams.schema.json", (string?)manifest["$schema"]);
        Assert.Equal(["personal", "team", "groupChat"], manifest["bots"]![0]!["scopes"]!.AsArray().Select(s => (string?)s));
        Assert.Equal(
            ["help", "check my post", "can I friend a parent?"],
            manifest["bots"]![0]!["commandLists"]![0]!["commands"]!.AsArray().Select(c => (string?)c!["title"]));

        Assert.Equal((192, 192, true), PngSize(zip, "color.png"));
        Assert.Equal((32, 32, true), PngSize(zip, "outline.png"));
    }

    [Fact]
    public async Task AppIdComesFromConfigurationWhenNotGiven()
    {
        var zipPath = Path.Combine(_temp, "from-config.zip");
        var configuration = Configuration(("MicrosoftAppId", AppId.ToUpperInvariant()));

        var (exit, _, stderr) = await RunAsync(args => TeamsPackageCommand.RunAsync(args.Arguments, configuration, args.Out, args.Err, CancellationToken.None),
            "--out", zipPath, "--manifest", ManifestDirectory);

        Assert.True(exit == 0, stderr);
        using var zip = ZipFile.OpenRead(zipPath);
        var manifest = JsonNode.Parse(Read(zip, "manifest.json"))!;

        // Azure shows app ids in lower case; the package uses one spelling whichever the setting had.
        Assert.Equal(AppId, (string?)manifest["id"]);
        Assert.Equal(AppId, (string?)manifest["bots"]![0]!["botId"]);
    }

    [Fact]
    public async Task ArgumentWinsOverConfiguration()
    {
        var zipPath = Path.Combine(_temp, "arg.zip");
        var configuration = Configuration(("MicrosoftAppId", "00000000-0000-0000-0000-000000000001"));

        var (exit, _, stderr) = await RunAsync(args => TeamsPackageCommand.RunAsync(args.Arguments, configuration, args.Out, args.Err, CancellationToken.None),
            "--app-id", AppId, "--out", zipPath, "--manifest", ManifestDirectory);

        Assert.True(exit == 0, stderr);
        using var zip = ZipFile.OpenRead(zipPath);
        Assert.Equal(AppId, (string?)JsonNode.Parse(Read(zip, "manifest.json"))!["id"]);
    }

    [Fact]
    public async Task MissingAppIdIsAClearErrorAndWritesNothing()
    {
        var zipPath = Path.Combine(_temp, "none.zip");

        var (exit, _, stderr) = await RunAsync(args => TeamsPackageCommand.RunAsync(args.Arguments, Configuration(), args.Out, args.Err, CancellationToken.None),
            "--out", zipPath, "--manifest", ManifestDirectory);

        Assert.Equal(2, exit);
        Assert.Contains("no app id", stderr, StringComparison.Ordinal);
        Assert.Contains("--app-id", stderr, StringComparison.Ordinal);
        Assert.Contains("MicrosoftAppId", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(zipPath));
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("{{MicrosoftAppId}}")]
    [InlineData("6f1c2a3b4d5e4f608a9b0c1d2e3f4a5b")]
    [InlineData("{6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b}")]
    [InlineData("6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5")]
    public async Task AppIdThatIsNotAGuidIsAClearErrorAndWritesNothing(string appId)
    {
        var zipPath = Path.Combine(_temp, "bad.zip");

        var (exit, _, stderr) = await RunAsync(args => TeamsPackageCommand.RunAsync(args.Arguments, Configuration(), args.Out, args.Err, CancellationToken.None),
            "--app-id", appId, "--out", zipPath, "--manifest", ManifestDirectory);

        Assert.Equal(2, exit);
        Assert.Contains("is not a GUID", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(zipPath));
    }

    [Fact]
    public async Task InvalidAppIdFromConfigurationIsRefusedToo()
    {
        var (exit, _, stderr) = await RunAsync(args => TeamsPackageCommand.RunAsync(args.Arguments, Configuration(("MicrosoftAppId", "my-bot")), args.Out, args.Err, CancellationToken.None),
            "--out", Path.Combine(_temp, "x.zip"), "--manifest", ManifestDirectory);

        Assert.Equal(2, exit);
        Assert.Contains("'my-bot' is not a GUID", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SamePackageForSameInputs()
    {
        var first = await TeamsAppPackage.BuildAsync(ManifestDirectory, Guid.Parse(AppId), CancellationToken.None);
        var second = await TeamsAppPackage.BuildAsync(ManifestDirectory, Guid.Parse(AppId), CancellationToken.None);

        Assert.Empty(first.Errors);
        Assert.Equal(first.Zip, second.Zip);
    }

    /// <summary>Each row breaks one rule in a copy of the real manifest; the package must be refused, naming the rule.</summary>
    [Theory]
    [InlineData("manifestVersion", "\"1.99\"", "manifestVersion is \"1.99\", expected \"1.22\"")]
    [InlineData("$schema", "\"https://developer.microsoft.com/json-schemas/teams/v1.17/MicrosoftTeams.schema.json\"", "is not the schema of manifestVersion 1.22")]
    [InlineData("version", "\"1.0\"", "version is \"1.0\", expected x.y.z")]
    [InlineData("bots/0/botId", "\"00000000-0000-0000-0000-000000000001\"", "differs from id")]
    [InlineData("bots/0/botId", "\"my-bot\"", "bots[0].botId is \"my-bot\", expected a GUID")]
    [InlineData("bots/0/scopes", "[\"everyone\"]", "bots[0].scopes must be a non-empty subset")]
    [InlineData("developer/privacyUrl", null, "developer.privacyUrl is missing, expected an https URL")]
    [InlineData("developer/websiteUrl", "\"http://wwps-policybot.invalid/\"", "developer.websiteUrl is \"http://wwps-policybot.invalid/\", expected an https URL")]
    [InlineData("developer", null, "developer is missing")]
    [InlineData("name/short", "\"West Wycombe Preschool PolicyBot\"", "name.short is 32 characters, at most 30 allowed")]
    [InlineData("description/full", null, "description.full is missing")]
    [InlineData("accentColor", "\"green\"", "accentColor is \"green\", expected #RRGGBB")]
    [InlineData("icons/outline", "\"icons/outline.png\"", "icons.outline is \"icons/outline.png\", expected a .png file name without a folder")]
    [InlineData("icons/color", "\"missing.png\"", "icons.color names missing.png, which is not in")]
    [InlineData("icons/outline", "\"color.png\"", "color.png (outline icon) is 192×192 pixels, expected 32×32")]
    [InlineData("id", "\"{{TeamsAppId}}\"", "a placeholder nothing fills: {{TeamsAppId}}")]
    public async Task BrokenManifestIsRefusedNamingTheRule(string path, string? json, string expected)
    {
        var directory = CopyOfManifest();
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "manifest.json")))!;
        Set(manifest, path, json is null ? null : JsonNode.Parse(json));
        await File.WriteAllTextAsync(Path.Combine(directory, "manifest.json"), manifest.ToJsonString());

        var result = await TeamsAppPackage.BuildAsync(directory, Guid.Parse(AppId), CancellationToken.None);

        Assert.Null(result.Zip);
        Assert.Contains(result.Errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task IconOfTheWrongSizeOrWithoutTransparencyIsRefused()
    {
        var directory = CopyOfManifest();

        // A 32×32 opaque RGB header where the 192×192 colour icon should be, and the same as the outline.
        byte[] opaque32 = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R', 0, 0, 0, 32, 0, 0, 0, 32, 8, 2, 0, 0, 0];
        await File.WriteAllBytesAsync(Path.Combine(directory, "color.png"), opaque32);
        await File.WriteAllBytesAsync(Path.Combine(directory, "outline.png"), opaque32);

        var result = await TeamsAppPackage.BuildAsync(directory, Guid.Parse(AppId), CancellationToken.None);

        Assert.Null(result.Zip);
        Assert.Contains("color.png (color icon) is 32×32 pixels, expected 192×192", result.Errors);
        Assert.Contains("outline.png (outline icon) has no transparency; Teams expects white on a transparent background", result.Errors);
    }

    [Fact]
    public async Task FileThatIsNotAPngIsRefused()
    {
        var directory = CopyOfManifest();
        await File.WriteAllTextAsync(Path.Combine(directory, "outline.png"), "not an image");

        var result = await TeamsAppPackage.BuildAsync(directory, Guid.Parse(AppId), CancellationToken.None);

        Assert.Contains("outline.png is not a PNG file", result.Errors);
    }

    [Fact]
    public async Task RefusedManifestExitsWithErrorsAndWritesNothing()
    {
        var directory = CopyOfManifest();
        var manifestPath = Path.Combine(directory, "manifest.json");
        await File.WriteAllTextAsync(manifestPath, (await File.ReadAllTextAsync(manifestPath)).Replace("\"1.22\"", "\"1.99\"", StringComparison.Ordinal));
        var zipPath = Path.Combine(_temp, "refused.zip");

        var (exit, _, stderr) = await RunAsync(args => TeamsPackageCommand.RunAsync(args.Arguments, Configuration(), args.Out, args.Err, CancellationToken.None),
            "--app-id", AppId, "--out", zipPath, "--manifest", directory);

        Assert.Equal(3, exit);
        Assert.Contains("teams-package: manifestVersion is \"1.99\"", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(zipPath));
    }

    [Fact]
    public void ManifestFolderIsFoundFromTheBuildOutput()
    {
        Assert.Equal(Path.GetFullPath(ManifestDirectory), Path.GetFullPath(TeamsPackageCommand.FindManifestDirectory()!));
    }

    private sealed record CommandArgs(string[] Arguments, StringWriter Out, StringWriter Err);

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(Func<CommandArgs, Task<int>> run, params string[] arguments)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await run(new CommandArgs(arguments, stdout, stderr));
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private string CopyOfManifest()
    {
        var directory = Directory.CreateDirectory(Path.Combine(_temp, "manifest")).FullName;
        foreach (var file in new[] { "manifest.json", "color.png", "outline.png" })
        {
            File.Copy(Path.Combine(ManifestDirectory, file), Path.Combine(directory, file));
        }

        return directory;
    }

    /// <summary>Sets (or, with null, removes) the value at a slash-separated path such as <c>bots/0/botId</c>.</summary>
    private static void Set(JsonNode root, string path, JsonNode? value)
    {
        var parts = path.Split('/');
        var parent = parts[..^1].Aggregate(root, (node, part) => int.TryParse(part, out var i) ? node[i]! : node[part]!);
        var last = parts[^1];
        if (parent is JsonObject obj)
        {
            if (value is null)
            {
                obj.Remove(last);
            }
            else
            {
                obj[last] = value;
            }
        }
        else
        {
            parent[int.Parse(last, System.Globalization.CultureInfo.InvariantCulture)] = value;
        }
    }

    private static string Read(ZipArchive zip, string name)
    {
        using var reader = new StreamReader(zip.GetEntry(name)!.Open());
        return reader.ReadToEnd();
    }

    /// <summary>Width, height and whether there is an alpha channel, read from the PNG's IHDR chunk independently of the code under test.</summary>
    private static (int Width, int Height, bool Alpha) PngSize(ZipArchive zip, string name)
    {
        using var stream = zip.GetEntry(name)!.Open();
        var header = new byte[26];
        stream.ReadExactly(header);
        Assert.Equal("IHDR"u8.ToArray(), header[12..16]);
        return (BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(20)), header[25] is 6 or 4);
    }
}
