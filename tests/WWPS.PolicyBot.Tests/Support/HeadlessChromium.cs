using Microsoft.Playwright;

namespace WWPS.PolicyBot.Tests.Support;

/// <summary>
/// Debian's /usr/bin/chromium, headless, in a throwaway profile, for the browser tests. tests/run.sh installs it;
/// Playwright's own browser download does not work on these machines and is never called.
/// </summary>
internal static class HeadlessChromium
{
    public const string Path = "/usr/bin/chromium";

    /// <summary>Runs <paramref name="use"/> with a fresh browser; the profile is deleted afterwards.</summary>
    public static async Task WithBrowserAsync(Func<IBrowserContext, Task> use)
    {
        // A missing browser is a broken machine, not a reason to skip: fail loudly with the fix.
        Assert.True(File.Exists(Path), $"{Path} is missing. Run `bash tests/run.sh` (it installs Debian's chromium) or `apt-get install -y chromium`.");

        using var playwright = await Playwright.CreateAsync();
        var profile = Directory.CreateTempSubdirectory("policybot-chromium-");
        try
        {
            await using var browser = await playwright.Chromium.LaunchPersistentContextAsync(profile.FullName, new()
            {
                ExecutablePath = Path,
                Headless = true,
                Args =
                [
                    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-quic",
                ],
                ViewportSize = new() { Width = 1100, Height = 800 },
                Locale = "en-GB",
            });
            await use(browser);
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}
