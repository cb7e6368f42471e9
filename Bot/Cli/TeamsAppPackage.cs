using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace WWPS.PolicyBot.Cli;

/// <summary>A built package, or why it could not be built.</summary>
internal sealed record TeamsPackageResult(byte[]? Zip, IReadOnlyList<string> Errors);

/// <summary>Fills in the app id, checks the manifest against the rules Teams enforces at upload, and zips it.</summary>
internal static partial class TeamsAppPackage
{
    public const string AppIdPlaceholder = "{{MicrosoftAppId}}";

    /// <summary>The one schema version we write and test; Teams' acceptance of newer ones is unverified.</summary>
    public const string ManifestVersion = "1.22";

    public const int ColorIconSize = 192;
    public const int OutlineIconSize = 32;

    private static readonly string[] BotScopes = ["personal", "team", "groupChat", "copilot"];

    // A fixed entry time keeps the zip byte-for-byte the same for the same inputs (the zip format cannot store
    // times before 1980), so a rebuilt package shows no spurious change.
    private static readonly DateTimeOffset EntryTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task<TeamsPackageResult> BuildAsync(string manifestDirectory, Guid appId, CancellationToken cancellationToken)
    {
        var template = await File.ReadAllTextAsync(Path.Combine(manifestDirectory, "manifest.json"), cancellationToken);

        // Substituting in the text reaches every place the id is used (id, botId, webApplicationInfo…) without the
        // code having to know them; the GUID has no characters that would need JSON escaping.
        var manifest = template.Replace(AppIdPlaceholder, appId.ToString("D"), StringComparison.Ordinal);
        if (UnfilledPlaceholder().Match(manifest) is { Success: true } left)
        {
            return Failed($"manifest.json has a placeholder nothing fills: {left.Value}");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(manifest);
        }
        catch (JsonException ex)
        {
            return Failed($"manifest.json is not valid JSON: {ex.Message}");
        }

        using (document)
        {
            var icons = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            var errors = Validate(document.RootElement, manifestDirectory, icons);
            if (errors.Count > 0)
            {
                return new TeamsPackageResult(null, errors);
            }

            return new TeamsPackageResult(Zip(manifest, icons), []);
        }
    }

    private static TeamsPackageResult Failed(string error) => new(null, [error]);

    private static byte[] Zip(string manifest, Dictionary<string, byte[]> icons)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, "manifest.json", new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(manifest));
            foreach (var (name, bytes) in icons)
            {
                Add(zip, name, bytes);
            }
        }

        return buffer.ToArray();
    }

    private static void Add(ZipArchive zip, string name, byte[] bytes)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        entry.LastWriteTime = EntryTime;
        using var stream = entry.Open();
        stream.Write(bytes);
    }

    /// <summary>
    /// The required fields and limits of the Teams manifest schema that a hand-edited manifest most often breaks.
    /// Reads the icons it names into <paramref name="icons"/> so they are read once.
    /// </summary>
    private static List<string> Validate(JsonElement root, string directory, Dictionary<string, byte[]> icons)
    {
        var errors = new List<string>();
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add("manifest.json must be a JSON object");
            return errors;
        }

        var version = Text(root, "manifestVersion");
        if (version != ManifestVersion)
        {
            errors.Add($"manifestVersion is {Shown(version)}, expected \"{ManifestVersion}\"");
        }

        var schema = Text(root, "$schema");
        if (schema is not null && version is not null && !schema.EndsWith($"/v{version}/MicrosoftTeams.schema.json", StringComparison.Ordinal))
        {
            errors.Add($"$schema ({schema}) is not the schema of manifestVersion {version}");
        }

        if (Text(root, "version") is not { } appVersion || !SemVer().IsMatch(appVersion))
        {
            errors.Add($"version is {Shown(Text(root, "version"))}, expected x.y.z");
        }

        var id = Text(root, "id");
        if (!Guid.TryParseExact(id, "D", out var appId))
        {
            errors.Add($"id is {Shown(id)}, expected a GUID");
        }

        if (Object(root, "developer", errors) is { } developer)
        {
            RequireText(developer, "developer.name", "name", 32, errors);
            foreach (var url in new[] { "websiteUrl", "privacyUrl", "termsOfUseUrl" })
            {
                if (!Uri.TryCreate(Text(developer, url), UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
                {
                    errors.Add($"developer.{url} is {Shown(Text(developer, url))}, expected an https URL");
                }
            }
        }

        if (Object(root, "name", errors) is { } name)
        {
            RequireText(name, "name.short", "short", 30, errors);
            OptionalText(name, "name.full", "full", 100, errors);
        }

        if (Object(root, "description", errors) is { } description)
        {
            RequireText(description, "description.short", "short", 80, errors);
            RequireText(description, "description.full", "full", 4000, errors);
        }

        if (Text(root, "accentColor") is not { } accent || !HexColor().IsMatch(accent))
        {
            errors.Add($"accentColor is {Shown(Text(root, "accentColor"))}, expected #RRGGBB");
        }

        if (Object(root, "icons", errors) is { } iconNames)
        {
            Icon(iconNames, "color", ColorIconSize, needsAlpha: false, directory, icons, errors);
            Icon(iconNames, "outline", OutlineIconSize, needsAlpha: true, directory, icons, errors);
        }

        if (root.TryGetProperty("bots", out var bots))
        {
            ValidateBots(bots, appId, errors);
        }

        if (root.TryGetProperty("validDomains", out var domains) && (domains.ValueKind != JsonValueKind.Array || domains.GetArrayLength() > 100))
        {
            errors.Add("validDomains must be an array of at most 100 host names");
        }

        return errors;
    }

    private static void ValidateBots(JsonElement bots, Guid appId, List<string> errors)
    {
        if (bots.ValueKind != JsonValueKind.Array || bots.GetArrayLength() > 1)
        {
            errors.Add("bots must be an array of at most one bot");
            return;
        }

        foreach (var bot in bots.EnumerateArray())
        {
            var botId = Text(bot, "botId");
            if (!Guid.TryParseExact(botId, "D", out var botGuid))
            {
                errors.Add($"bots[0].botId is {Shown(botId)}, expected a GUID");
            }
            else if (botGuid != appId)
            {
                // Teams routes messages to the Azure Bot with this id; a mismatch installs an app that never answers.
                errors.Add($"bots[0].botId ({botId}) differs from id ({appId:D})");
            }

            var scopes = Strings(bot, "scopes");
            if (scopes.Count == 0 || scopes.Any(s => !BotScopes.Contains(s, StringComparer.Ordinal)))
            {
                errors.Add($"bots[0].scopes must be a non-empty subset of {string.Join(", ", BotScopes)}");
            }

            if (bot.TryGetProperty("commandLists", out var lists))
            {
                ValidateCommandLists(lists, errors);
            }
        }
    }

    private static void ValidateCommandLists(JsonElement lists, List<string> errors)
    {
        if (lists.ValueKind != JsonValueKind.Array || lists.GetArrayLength() > 3)
        {
            errors.Add("bots[0].commandLists must be an array of at most 3 lists");
            return;
        }

        var i = 0;
        foreach (var list in lists.EnumerateArray())
        {
            var where = $"bots[0].commandLists[{i++}]";
            if (Strings(list, "scopes").Count == 0)
            {
                errors.Add($"{where}.scopes must name at least one scope");
            }

            if (!list.TryGetProperty("commands", out var commands) || commands.ValueKind != JsonValueKind.Array || commands.GetArrayLength() is 0 or > 12)
            {
                errors.Add($"{where}.commands must hold 1 to 12 commands");
                continue;
            }

            var j = 0;
            foreach (var command in commands.EnumerateArray())
            {
                RequireText(command, $"{where}.commands[{j}].title", "title", 128, errors);
                RequireText(command, $"{where}.commands[{j++}].description", "description", 4000, errors);
            }
        }
    }

    private static void Icon(JsonElement iconNames, string kind, int size, bool needsAlpha, string directory, Dictionary<string, byte[]> icons, List<string> errors)
    {
        var file = Text(iconNames, kind);

        // Teams reads the icons from the root of the zip by the names given here, so a path would point nowhere.
        if (string.IsNullOrEmpty(file) || file.IndexOfAny(['/', '\\']) >= 0 || !file.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"icons.{kind} is {Shown(file)}, expected a .png file name without a folder");
            return;
        }

        var path = Path.Combine(directory, file);
        if (!File.Exists(path))
        {
            errors.Add($"icons.{kind} names {file}, which is not in {directory}");
            return;
        }

        var bytes = File.ReadAllBytes(path);
        if (PngHeader.Read(bytes) is not { } png)
        {
            errors.Add($"{file} is not a PNG file");
            return;
        }

        if (png.Width != size || png.Height != size)
        {
            errors.Add($"{file} ({kind} icon) is {png.Width}×{png.Height} pixels, expected {size}×{size}");
        }

        if (needsAlpha && !png.HasAlpha)
        {
            errors.Add($"{file} ({kind} icon) has no transparency; Teams expects white on a transparent background");
        }

        if (!icons.TryAdd(file, bytes))
        {
            errors.Add("icons.color and icons.outline must be different files");
        }
    }

    private static JsonElement? Object(JsonElement parent, string name, List<string> errors)
    {
        if (parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object)
        {
            return value;
        }

        errors.Add($"{name} is missing (an object is required)");
        return null;
    }

    private static void RequireText(JsonElement parent, string label, string name, int maxLength, List<string> errors)
    {
        var value = Text(parent, name);
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add($"{label} is missing");
        }
        else if (value.Length > maxLength)
        {
            errors.Add($"{label} is {value.Length} characters, at most {maxLength} allowed");
        }
    }

    private static void OptionalText(JsonElement parent, string label, string name, int maxLength, List<string> errors)
    {
        if (Text(parent, name) is { Length: var length } && length > maxLength)
        {
            errors.Add($"{label} is {length} characters, at most {maxLength} allowed");
        }
    }

    private static string? Text(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static List<string> Strings(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "")]
            : [];

    private static string Shown(string? value) => value is null ? "missing" : $"\"{value}\"";

    [GeneratedRegex(@"\{\{[^}]*\}\}")]
    private static partial Regex UnfilledPlaceholder();

    [GeneratedRegex(@"^\d+\.\d+\.\d+$")]
    private static partial Regex SemVer();

    [GeneratedRegex("^#[0-9A-Fa-f]{6}$")]
    private static partial Regex HexColor();
}

/// <summary>The size and colour type of a PNG, from its IHDR chunk, which the format requires to come first.</summary>
internal sealed record PngHeader(int Width, int Height, bool HasAlpha)
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static PngHeader? Read(ReadOnlySpan<byte> bytes)
    {
        // 8-byte signature, then IHDR: length (4), "IHDR" (4), width (4), height (4), bit depth (1), colour type (1).
        if (bytes.Length < 26 || !bytes[..8].SequenceEqual(Signature) || !bytes.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            return null;
        }

        var colorType = bytes[25];

        // Colour types 4 (grey + alpha) and 6 (RGBA) carry an alpha channel; a tRNS chunk could too, but our
        // generator and every icon editor write RGBA for transparent icons.
        return new PngHeader(
            (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.Slice(16, 4)),
            (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.Slice(20, 4)),
            colorType is 4 or 6);
    }
}
