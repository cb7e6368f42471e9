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

                // Lets a test inject axe-core into pages whose Content-Security-Policy allows no inline script (the console).
                BypassCSP = true,
            });
            await use(browser);
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Runs axe-core (tests/node, pinned) on the page against WCAG 2.1 A and AA and returns the rules that failed, with
    /// the first offending element of each: empty when the page passes.
    /// </summary>
    public static async Task<IReadOnlyList<string>> AccessibilityViolationsAsync(IPage page)
    {
        var axe = System.IO.Path.Combine(RepoPaths.Root, "tests", "node", "node_modules", "axe-core", "axe.min.js");
        Assert.True(File.Exists(axe), $"{axe} is missing. Run `bash tests/run.sh` (it installs the pinned node tools).");
        await page.AddScriptTagAsync(new() { Path = axe });
        return await page.EvaluateAsync<string[]>("""
            async () => {
              const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
              return result.violations.map(v => v.id + ': ' + v.help + ' (' + (v.nodes[0] ? v.nodes[0].target.join(' ') : '') + ')');
            }
            """);
    }
}
