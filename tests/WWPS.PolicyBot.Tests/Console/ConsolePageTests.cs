using Microsoft.Playwright;
using WWPS.PolicyBot.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace WWPS.PolicyBot.Tests.EscalationConsole;

/// <summary>The console in a real headless Chromium: it renders with its stylesheet, and signing in works from the keyboard.</summary>
[Trait("Category", "Slow")]
public sealed class ConsolePageTests
{
    [Fact]
    public async Task TheManagerSignsInWithTheKeyboardAndSeesHerList()
    {
        await using var bot = await RunningBot.StartAsync(ConsoleBrowser.Settings());
        await HeadlessChromium.WithBrowserAsync(async browser =>
        {
            var page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
            var problems = new List<string>();
            page.PageError += (_, error) => problems.Add(error);
            page.Console += (_, message) =>
            {
                // A CSP violation or a failed load is reported here as an error (Chromium's DOM advice is only verbose).
                if (message.Type is "error" or "warning")
                {
                    problems.Add($"{message.Text} ({message.Location})");
                }
            };

            await page.GotoAsync(new Uri(bot.BaseAddress, "console").ToString());
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/console/login\\?returnUrl="));
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to the escalation console" })).ToBeVisibleAsync();
            await Expect(page.GetByLabel("The Manager (Jane Smith)")).ToBeCheckedAsync();

            // The stylesheet (and its palette) loaded under the page's Content-Security-Policy.
            Assert.Equal("rgb(47, 125, 91)", await page.Locator("header").EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));

            await page.GetByLabel("Console password").FocusAsync();
            await page.Keyboard.TypeAsync(ConsoleBrowser.ManagerPassword);
            await page.Keyboard.PressAsync("Enter");

            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Escalations for the Manager (Jane Smith)" })).ToBeVisibleAsync();
            await Expect(page.GetByText("None.")).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();

            await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to the escalation console" })).ToBeVisibleAsync();
            Assert.True(problems.Count == 0, string.Join(" | ", problems));
        });
    }
}
