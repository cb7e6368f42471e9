using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using WWPS.PolicyBot.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace WWPS.PolicyBot.Tests.EndToEnd;

/// <summary>
/// The page at <c>/</c> in a real headless Chromium: the official Web Chat bundle talking to the bot's own Direct Line
/// endpoint, typed into as a parent would. Uses Debian's /usr/bin/chromium (tests/run.sh installs it); Playwright's own
/// browser download does not work on these machines and is never called.
/// </summary>
[Trait("Category", "Slow")]
public sealed partial class WebChatTests
{
    // Long enough for a cold start on a busy 2-core machine; a healthy run answers in well under a second.
    private const float ReplyTimeoutMs = 20_000;

    [Fact]
    public async Task ParentAsksAQuestionAndSeesTheClause()
    {
        await WithWebChatAsync(nameof(ParentAsksAQuestionAndSeesTheClause), async page =>
        {
            await Expect(BotMessages(page).Filter(new() { HasTextRegex = PolicyWord() }).First).ToBeVisibleAsync(new() { Timeout = ReplyTimeoutMs });

            await SendAsync(page, "can I friend a parent?");

            await Expect(BotMessages(page).Filter(new() { HasText = "add parents as friendships" })).ToHaveCountAsync(1, new() { Timeout = ReplyTimeoutMs });
            await ExpectSentAsync(page, "can I friend a parent?");
        });
    }

    [Fact]
    public async Task AnUnsureQuestionGetsDoYouMeanAndTheClauseClickedAnswers()
    {
        await WithWebChatAsync(nameof(AnUnsureQuestionGetsDoYouMeanAndTheClauseClickedAnswers), async page =>
        {
            await Expect(BotMessages(page).Filter(new() { HasTextRegex = PolicyWord() }).First).ToBeVisibleAsync(new() { Timeout = ReplyTimeoutMs });

            await SendAsync(page, "is it ok to talk about work online");
            await Expect(BotMessages(page).Filter(new() { HasText = "Do you mean" })).ToHaveCountAsync(1, new() { Timeout = ReplyTimeoutMs });

            // The card's buttons (Web Chat also keeps an unfocusable copy for screen readers), as a user clicks them: one per
            // clause in plain words, and "Something else".
            await Expect(CardButton(page, "Something else")).ToBeVisibleAsync(new() { Timeout = ReplyTimeoutMs });
            await CardButton(page, "Confidentiality").ClickAsync();

            await Expect(BotMessages(page).Filter(new() { HasText = "disclose any personal or confidential matters" })).ToHaveCountAsync(1, new() { Timeout = ReplyTimeoutMs });
        });
    }

    /// <summary>
    /// A parent asks a question; the bot is killed (SIGKILL) and started again on the same address and database; the
    /// parent reloads the page and is in the same conversation, history and all, and the bot answers the next question.
    /// </summary>
    [Fact]
    public Task AReloadAfterTheBotRestartedKeepsTheConversation() => AcrossARestartAsync(
        async page => await page.EvaluateAsync<string>("() => JSON.parse(sessionStorage.getItem('wwps-policybot-chat')).conversationId"),
        async (page, conversation) =>
        {
            await page.ReloadAsync();
            await Expect(BotMessages(page).Filter(new() { HasText = "add parents as friendships" })).ToHaveCountAsync(1, new() { Timeout = ReplyTimeoutMs });
            await ExpectSentAsync(page, "can I friend a parent?");
            Assert.Equal(conversation, await page.EvaluateAsync<string>("() => JSON.parse(sessionStorage.getItem('wwps-policybot-chat')).conversationId"));
        });

    /// <summary>
    /// The page stays open while the bot is killed (SIGKILL) and started again on the same address: Web Chat's stream
    /// drops, directlinejs reconnects, and the next question in the same page is answered in the same conversation.
    /// </summary>
    [Fact]
    public Task AnOpenPageCarriesOnAfterTheBotRestarts() => AcrossARestartAsync(
        _ => Task.FromResult(string.Empty),
        async (page, _) => await Expect(BotMessages(page).Filter(new() { HasText = "add parents as friendships" })).ToHaveCountAsync(1));

    /// <summary>
    /// A question answered in the page, the bot killed and started again on the same address and data folder, then
    /// <paramref name="afterRestart"/> (given what <paramref name="beforeKill"/> noted), then another question answered.
    /// </summary>
    private static async Task AcrossARestartAsync(Func<IPage, Task<string>> beforeKill, Func<IPage, string, Task> afterRestart)
    {
        using var data = new Testing.TempFolder();
        var bot = await BotProcess.StartAsync(data.Path);
        try
        {
            await HeadlessChromium.WithBrowserAsync(async browser =>
            {
                var page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
                await page.GotoAsync(bot.BaseAddress.ToString());
                await Expect(BotMessages(page).Filter(new() { HasTextRegex = PolicyWord() }).First).ToBeVisibleAsync(new() { Timeout = ReplyTimeoutMs });
                await SendAsync(page, "can I friend a parent?");
                await Expect(BotMessages(page).Filter(new() { HasText = "add parents as friendships" })).ToHaveCountAsync(1, new() { Timeout = ReplyTimeoutMs });
                var noted = await beforeKill(page);

                var port = bot.Port;
                await bot.KillAsync();
                await bot.DisposeAsync();
                bot = await BotProcess.StartOnPortAsync(data.Path, port);

                await afterRestart(page, noted);
                await SendAsync(page, "who runs the preschool facebook page?");
                await Expect(BotMessages(page).Filter(new() { HasText = "third in charge" })).ToHaveCountAsync(1, new() { Timeout = ReplyTimeoutMs });
            });
        }
        finally
        {
            await bot.DisposeAsync();
        }
    }

    /// <summary>The chat page, with a question and its answer card on it, passes axe-core's WCAG 2.1 AA rules.</summary>
    [Fact]
    public async Task TheChatPagePassesWcagAA()
    {
        await WithWebChatAsync(nameof(TheChatPagePassesWcagAA), async page =>
        {
            await Expect(BotMessages(page).Filter(new() { HasTextRegex = PolicyWord() }).First).ToBeVisibleAsync(new() { Timeout = ReplyTimeoutMs });
            await SendAsync(page, "can I friend a parent?");
            await Expect(BotMessages(page).Filter(new() { HasText = "add parents as friendships" })).ToHaveCountAsync(1, new() { Timeout = ReplyTimeoutMs });

            Assert.Empty(await HeadlessChromium.AccessibilityViolationsAsync(page));
        });
    }

    /// <summary>The console's sign-in, list, escalation and insights pages pass axe-core's WCAG 2.1 AA rules, signed in as a person would.</summary>
    [Fact]
    public async Task TheConsolePassesWcagAA()
    {
        await using var bot = await RunningBot.StartAsync(EscalationConsole.ConsoleBrowser.Settings(("Storage:Provider", "memory")));
        var parent = await new DirectLine.DirectLineClient(bot.Client).StartAsync("dl_parent", "Pat");
        await parent.ReadNewAsync();
        await parent.SayAndReadAsync("Can I bring my dog to the summer fair? Text me on 07700 900123");
        await parent.SayAndReadAsync("talk to the manager");
        await parent.SayAndReadAsync("A parent posted photos of the nativity.");
        await parent.SayAndReadAsync("Send");

        await HeadlessChromium.WithBrowserAsync(async browser =>
        {
            var page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
            await page.GotoAsync(new Uri(bot.BaseAddress, "console/login").ToString());
            Assert.Empty(await HeadlessChromium.AccessibilityViolationsAsync(page));

            await page.GetByLabel("Console password").FillAsync(EscalationConsole.ConsoleBrowser.ManagerPassword);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Escalations for the Manager (Jane Smith)" })).ToBeVisibleAsync();
            Assert.Empty(await HeadlessChromium.AccessibilityViolationsAsync(page));

            await page.GetByRole(AriaRole.Link, new() { Name = "#1" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
            await Expect(page.GetByLabel("Reply to Pat")).ToBeVisibleAsync();
            Assert.Empty(await HeadlessChromium.AccessibilityViolationsAsync(page));

            await page.GetByRole(AriaRole.Link, new() { Name = "Insights", Exact = true }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Questions the policy did not cover" })).ToBeVisibleAsync();
            Assert.Empty(await HeadlessChromium.AccessibilityViolationsAsync(page));

            await page.GetByRole(AriaRole.Link, new() { Name = "Can I bring my dog to the summer fair? Text me on [PHONE]" }).ClickAsync();
            await Expect(page.GetByLabel("Covered by clause")).ToBeVisibleAsync();
            Assert.Empty(await HeadlessChromium.AccessibilityViolationsAsync(page));
        });
    }

    [Fact]
    public async Task AMessageTooLongIsRefusedAndThePageSaysWhy()
    {
        await WithWebChatAsync(nameof(AMessageTooLongIsRefusedAndThePageSaysWhy), async page =>
        {
            await Expect(BotMessages(page).Filter(new() { HasTextRegex = PolicyWord() }).First).ToBeVisibleAsync(new() { Timeout = ReplyTimeoutMs });

            await SendAsync(page, new string('a', 20_001));

            await Expect(page.Locator("#status")).ToHaveTextAsync(
                "That message is 20,001 characters; I can read up to 20,000 at a time. Please send it in parts, or shorten it.", new() { Timeout = ReplyTimeoutMs });

            // The next message goes through, and the notice goes with it.
            await SendAsync(page, "can I friend a parent?");
            await Expect(BotMessages(page).Filter(new() { HasText = "add parents as friendships" })).ToHaveCountAsync(1, new() { Timeout = ReplyTimeoutMs });
            await Expect(page.Locator("#status")).ToBeHiddenAsync();
        });
    }

    [Fact]
    public async Task APhotoTheBotCannotHoldJustNowIsRefusedAndThePageSaysWhy()
    {
        await WithWebChatAsync(nameof(APhotoTheBotCannotHoldJustNowIsRefusedAndThePageSaysWhy), async page =>
        {
            await Expect(BotMessages(page).Filter(new() { HasTextRegex = PolicyWord() }).First).ToBeVisibleAsync(new() { Timeout = ReplyTimeoutMs });
            await page.Locator(".webchat__upload-button input[type=file]").SetInputFilesAsync(
                new FilePayload { Name = "sports-day.png", MimeType = "image/png", Buffer = OnePixelPng });
            await Expect(page.Locator(".webchat__attachment-icon--checked")).ToBeVisibleAsync(new() { Timeout = ReplyTimeoutMs });

            await SendAsync(page, "Lovely day at sports day!");

            await Expect(page.Locator("#status")).ToContainTextAsync("could not take yours", new() { Timeout = ReplyTimeoutMs });
        }, staffChat: false, ("DirectLine:MaxUploadBytesHeld", "10"), ("DirectLine:SmallUploadReserve", "0"));
    }

    private static ILocator CardButton(IPage page, string title) => page.Locator($".ac-pushButton[title=\"{title}\"]");

    [Fact]
    public async Task ParentChecksADraftPostAndSeesWhatToRemove()
    {
        await WithWebChatAsync(nameof(ParentChecksADraftPostAndSeesWhatToRemove), async page =>
        {
            await Expect(BotMessages(page).Filter(new() { HasTextRegex = PolicyWord() }).First).ToBeVisibleAsync(new() { Timeout = ReplyTimeoutMs });

            await SendAsync(page, "Text me on 07700 900300 about Leo's nappy rash");

            // A finding names what is wrong (a phone number, a child's name, health details) rather than quoting a clause.
            await Expect(BotMessages(page).Filter(new() { HasTextRegex = FindingWords() }).First).ToBeVisibleAsync(new() { Timeout = ReplyTimeoutMs });
            await Expect(BotMessages(page).Filter(new() { HasText = "[PHONE]" }).First).ToBeVisibleAsync(new() { Timeout = ReplyTimeoutMs });
            await ExpectSentAsync(page, "Text me on 07700 900300 about Leo's nappy rash");
        });
    }

    [Fact]
    public async Task ParentAttachesAPhotoToADraftPostAndIsToldNotToUploadIt()
    {
        await WithWebChatAsync(nameof(ParentAttachesAPhotoToADraftPostAndIsToldNotToUploadIt), async page =>
        {
            await Expect(BotMessages(page).Filter(new() { HasTextRegex = PolicyWord() }).First).ToBeVisibleAsync(new() { Timeout = ReplyTimeoutMs });

            // The upload button's hidden file input, as a user picking a photo; the file goes with the next send.
            await page.Locator(".webchat__upload-button input[type=file]").SetInputFilesAsync(
                new FilePayload { Name = "sports-day.png", MimeType = "image/png", Buffer = OnePixelPng });

            // Web Chat prepares the file (a thumbnail) before it holds it for the send, and then ticks the paperclip;
            // a send before that would go without the photo, as it would for a user who is that quick.
            await Expect(page.Locator(".webchat__attachment-icon--checked")).ToBeVisibleAsync(new() { Timeout = ReplyTimeoutMs });
            await SendAsync(page, "Lovely day at sports day with the children!");

            await Expect(BotMessages(page).Filter(new() { HasText = "Has a photo or video" })).ToHaveCountAsync(1, new() { Timeout = ReplyTimeoutMs });
            await ExpectSentAsync(page, "Lovely day at sports day with the children!");

            // The user's own photo is shown back from the conversation's attachment address, and it loads.
            var photo = page.Locator(".webchat__bubble--from-user img").First;
            await Expect(photo).ToHaveAttributeAsync("src", UploadedAttachmentUrl(), new() { Timeout = ReplyTimeoutMs });
            await page.WaitForFunctionAsync(
                "() => { const img = document.querySelector('.webchat__bubble--from-user img'); return img && img.complete && img.naturalWidth > 0; }",
                null, new() { Timeout = ReplyTimeoutMs });
        });
    }

    /// <summary>
    /// The Manager's chat, opened from the console: the page takes the token from the URL's fragment instead of making
    /// its own, drops the fragment from the address bar, and speaks as the Manager's configured Direct Line user.
    /// </summary>
    [Fact]
    public async Task TheManagersChatOpenedFromTheConsoleIsHers()
    {
        await WithWebChatAsync(nameof(TheManagersChatOpenedFromTheConsoleIsHers), async page =>
        {
            await Expect(BotMessages(page).Filter(new() { HasTextRegex = PolicyWord() }).First).ToBeVisibleAsync(new() { Timeout = ReplyTimeoutMs });
            Assert.DoesNotContain("#", page.Url, StringComparison.Ordinal);

            await SendAsync(page, "whoami");

            await Expect(BotMessages(page).Filter(new() { HasText = "dl_manager" })).ToHaveCountAsync(1, new() { Timeout = ReplyTimeoutMs });
            await ExpectSentAsync(page, "whoami");
        }, staffChat: true);
    }

    private static async Task SendAsync(IPage page, string text)
    {
        var sendBox = page.GetByPlaceholder("Type your message");
        await sendBox.FillAsync(text);
        await sendBox.PressAsync("Enter");
    }

    /// <summary>
    /// The user's own message must settle as sent. Web Chat shows "Sending" until it sees the server's echo with its
    /// clientActivityID, and "Send failed" after 20 s without one (Bot/Channels/DirectLine/README.md; the usual trap).
    /// </summary>
    private static async Task ExpectSentAsync(IPage page, string text)
    {
        await Expect(page.Locator(".webchat__bubble--from-user").Filter(new() { HasText = text })).ToHaveCountAsync(1);
        await Expect(page.GetByText("Sending", new() { Exact = true })).ToHaveCountAsync(0, new() { Timeout = 5_000 });
        await Expect(page.GetByText("Send failed", new() { Exact = false })).ToHaveCountAsync(0);
    }

    private static ILocator BotMessages(IPage page) =>
        page.Locator(".webchat__bubble:not(.webchat__bubble--from-user) .webchat__bubble__content");

    /// <param name="staffChat">Open the page as the console sends the Manager there (<c>/#token=…</c>), not as a parent.</param>
    /// <param name="settings">More settings for the bot.</param>
    private static async Task WithWebChatAsync(string testName, Func<IPage, Task> steps, bool staffChat = false, params (string Key, string? Value)[] settings)
    {
        await using var bot = await RunningBot.StartAsync(staffChat
            ? EscalationConsole.ConsoleBrowser.Settings([("Storage:Provider", "memory"), .. settings])
            : [("Storage:Provider", "memory"), .. settings]);
        var address = bot.BaseAddress.ToString();
        if (staffChat)
        {
            var minted = await EscalationConsole.StaffChat.MintAsync(bot.BaseAddress, "manager");
            address = new Uri(bot.BaseAddress, minted.Location).ToString();
        }

        await HeadlessChromium.WithBrowserAsync(async browser =>
        {
            var page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
            var pageErrors = new List<string>();
            page.PageError += (_, error) => pageErrors.Add(error);

            try
            {
                await page.GotoAsync(address);
                await steps(page);
                Assert.Empty(pageErrors);

                // For looking at the page by eye: POLICYBOT_SCREENSHOTS=/some/folder keeps a picture of every passing run too.
                if (Environment.GetEnvironmentVariable("POLICYBOT_SCREENSHOTS") is { Length: > 0 } folder)
                {
                    await page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"webchat-{testName}.png") });
                }
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                var shot = Path.Combine(Path.GetTempPath(), string.Create(CultureInfo.InvariantCulture, $"webchat-{testName}-{DateTime.UtcNow:yyyyMMddHHmmss}.png"));
                await page.ScreenshotAsync(new() { Path = shot, FullPage = true });
                throw new Xunit.Sdk.XunitException($"{failure.Message}\nScreenshot of the page: {shot}\nPage errors: {string.Join(" | ", pageErrors)}");
            }
        });
    }

    private static readonly byte[] OnePixelPng = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    [GeneratedRegex("/v3/directline/conversations/[^/]+/attachments/[A-Za-z0-9_-]+$")]
    private static partial Regex UploadedAttachmentUrl();

    [GeneratedRegex("policy", RegexOptions.IgnoreCase)]
    private static partial Regex PolicyWord();

    [GeneratedRegex(@"phone|number|name|health|personal|remove", RegexOptions.IgnoreCase)]
    private static partial Regex FindingWords();
}
