using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WWPS.PolicyBot.Cli;
using WWPS.PolicyBot.Dialogs.Escalations;
using WWPS.PolicyBot.Tests.DirectLine;
using WWPS.PolicyBot.Tests.Support;
using ConsolePassword = WWPS.PolicyBot.EscalationConsole.ConsolePassword;

namespace WWPS.PolicyBot.Tests.EscalationConsole;

/// <summary>
/// The escalation console against the running app, with a real HttpClient and cookie container: sign-in, lockout,
/// the Manager working a concern raised over Direct Line, the Chair kept out of it, form tokens and HTML encoding.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ConsoleTests
{
    private const string Concern = "A parent posted the sports day photos publicly.";

    [Fact]
    public async Task WithoutSigningInNothingIsShownOrDone()
    {
        await using var bot = await RunningBot.StartAsync(ConsoleBrowser.Settings());
        var parent = await RaiseAsync(bot, Concern);
        using var browser = new ConsoleBrowser(bot.BaseAddress);

        foreach (var path in new[] { "/console", "/console/escalations", "/console/escalations?status=all", "/console/escalations/1" })
        {
            var page = await browser.GetAsync(path);
            Assert.True(page.Status is HttpStatusCode.Redirect or HttpStatusCode.SeeOther, path);
            Assert.DoesNotContain(Concern, page.Body, StringComparison.Ordinal);
        }

        var list = await browser.GetAsync("/console/escalations");
        Assert.StartsWith($"{bot.BaseAddress.GetLeftPart(UriPartial.Authority)}/console/login?returnUrl=%2Fconsole%2Fescalations", list.Location, StringComparison.Ordinal);

        // Actions: to the sign-in page, even with a valid form token from the sign-in page.
        await browser.GetAsync("/console/login");
        foreach (var action in new[] { "accept", "close", "reply" })
        {
            var page = await browser.PostAsync($"/console/escalations/1/{action}", true, ("text", "hello"));
            Assert.Equal(HttpStatusCode.Redirect, page.Status);
            Assert.Contains("/console/login", page.Location, StringComparison.Ordinal);
        }

        // Without asking for HTML (a script, fetch): 401, no redirect.
        using var api = new HttpRequestMessage(HttpMethod.Get, new Uri("console/escalations/1", UriKind.Relative));
        api.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var refused = await bot.Client.SendAsync(api);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        var escalation = await bot.Services.GetRequiredService<IEscalationStore>().GetAsync(1, default);
        Assert.Equal(EscalationStatus.Waiting, escalation!.Status);
        Assert.Empty(await bot.Services.GetRequiredService<IEscalationStore>().GetMessagesAsync(1, default));
        Assert.Empty(await parent.ReadNewAsync());
    }

    [Fact]
    public async Task AWrongPasswordIsRefusedAndFiveLockTheRoleForFiveMinutes()
    {
        await using var bot = await RunningBot.StartAsync(ConsoleBrowser.Settings());
        using var browser = new ConsoleBrowser(bot.BaseAddress);

        var wrong = await browser.SignInAsync("manager", ConsoleBrowser.ChairPassword);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Contains("That password is not right.", wrong.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(browser.Cookies.GetCookies(new Uri(bot.BaseAddress, "console/")), c => c.Name == "policybot.console");
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/console/escalations")).Status);

        for (var i = 2; i <= 4; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SignInAsync("manager", "guess " + i)).Status);
        }

        var fifth = await browser.SignInAsync("manager", "guess 5");
        Assert.Equal(HttpStatusCode.TooManyRequests, fifth.Status);
        Assert.Contains("signing in as the Manager from here is locked for 5 minutes", fifth.Body, StringComparison.Ordinal);

        // Locked: even the right password is refused, and nothing is shown.
        var right = await browser.SignInAsync("manager", ConsoleBrowser.ManagerPassword);
        Assert.Equal(HttpStatusCode.TooManyRequests, right.Status);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/console/escalations")).Status);

        // The lockout is the Manager's: the Chair can still sign in.
        Assert.Equal(HttpStatusCode.SeeOther, (await browser.SignInAsync("chair", ConsoleBrowser.ChairPassword)).Status);

        var audit = await bot.Services.GetRequiredService<IEscalationStore>().GetAuditAsync(null, default);
        // Four wrong passwords, then the attempt while locked; the fifth wrong one is the lock.
        Assert.Equal(5, audit.Count(a => a.Actor == "manager" && a.Action == AuditActions.SignInFailed));
        Assert.Single(audit, a => a.Actor == "manager" && a.Action == AuditActions.LockedOut);
        Assert.Single(audit, a => a.Actor == "chair" && a.Action == AuditActions.SignedIn);
    }

    [Fact]
    public async Task ACookieSavedBeforeSigningOutOpensNothingAfterwards()
    {
        await using var bot = await RunningBot.StartAsync(ConsoleBrowser.Settings());
        using var browser = new ConsoleBrowser(bot.BaseAddress);
        await browser.SignInAsManagerAsync();
        var console = new Uri(bot.BaseAddress, "console/");
        var saved = new CookieContainer();
        foreach (Cookie cookie in browser.Cookies.GetCookies(console))
        {
            saved.Add(new Cookie(cookie.Name, cookie.Value, cookie.Path, cookie.Domain));
        }

        using var copy = new ConsoleBrowser(bot.BaseAddress, saved);
        Assert.Equal(HttpStatusCode.OK, (await copy.GetAsync("/console/escalations")).Status);

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/console/escalations")).Status);
        Assert.Equal(HttpStatusCode.SeeOther, (await browser.PostAsync("/console/logout")).Status);

        var afterwards = await copy.GetAsync("/console/escalations");
        Assert.Equal(HttpStatusCode.Redirect, afterwards.Status);
        Assert.Contains("/console/login", afterwards.Location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongPasswordsFromOnePlaceDoNotLockTheManagerOutElsewhereAndSheIsTold()
    {
        // The places come through a proxy on this machine (X-Forwarded-For), over plain HTTP in this test.
        await using var bot = await RunningBot.StartAsync(ConsoleBrowser.Settings(("Console:CookieSecurePolicy", "SameAsRequest")));
        var managersChat = await StaffChat.OpenAsync(bot.BaseAddress, bot.Client);
        await managersChat.ReadNewAsync();
        using var guesser = new ConsoleBrowser(bot.BaseAddress, address: "198.51.100.7");

        for (var i = 1; i <= 5; i++)
        {
            await guesser.SignInAsync("manager", "guess " + i);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await guesser.SignInAsync("manager", ConsoleBrowser.ManagerPassword)).Status);

        using var manager = new ConsoleBrowser(bot.BaseAddress, address: "203.0.113.20");
        Assert.Equal(HttpStatusCode.SeeOther, (await manager.SignInAsync("manager", ConsoleBrowser.ManagerPassword)).Status);

        var notice = await WaitForAsync(managersChat, t => t.Contains("wrong password for the Manager's sign-in 5 times", StringComparison.Ordinal));
        Assert.DoesNotContain("guess", notice, StringComparison.Ordinal);
    }

    private static async Task<string> WaitForAsync(DirectLineClient.Conversation chat, Func<string, bool> match)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if ((await chat.ReadNewAsync()).FirstOrDefault(match) is { } found)
            {
                return found;
            }

            await Task.Delay(100);
        }

        throw new Xunit.Sdk.XunitException("The Manager was not told in her chat.");
    }

    /// <summary>
    /// Bug: the lockout was checked before the (slow) password check and counted after it, so wrong passwords sent at the
    /// same time all got checked: many guesses per lockout instead of five. Checks under way now count too.
    /// </summary>
    [Fact]
    public async Task WrongPasswordsSentAtOnceGetNoMoreThanFiveTries()
    {
        // A slow hash, as in production, so that the sign-ins overlap.
        await using var bot = await RunningBot.StartAsync(ConsoleBrowser.Settings(
            ("Escalation:Manager:ConsolePasswordHash", ConsolePassword.Hash(ConsoleBrowser.ManagerPassword, 300_000))));
        var browsers = Enumerable.Range(0, 20).Select(_ => new ConsoleBrowser(bot.BaseAddress)).ToList();
        try
        {
            foreach (var browser in browsers)
            {
                Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/console/login")).Status);
            }

            var pages = await Task.WhenAll(browsers.Select((b, i) => b.PostAsync("/console/login", true, ("role", "manager"), ("password", "guess " + i))));
            Assert.True(pages.Count(p => p.Status == HttpStatusCode.Unauthorized) <= 4, string.Join(", ", pages.Select(p => (int)p.Status)));
            Assert.All(pages, p => Assert.True(p.Status is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests));
            Assert.Equal(HttpStatusCode.TooManyRequests, (await browsers[0].SignInAsync("manager", ConsoleBrowser.ManagerPassword)).Status);
        }
        finally
        {
            browsers.ForEach(b => b.Dispose());
        }
    }

    [Fact]
    public async Task TheManagerAcceptsRepliesAndClosesFromTheConsole()
    {
        await using var bot = await RunningBot.StartAsync(ConsoleBrowser.Settings());
        var parent = await RaiseAsync(bot, Concern);
        using var browser = new ConsoleBrowser(bot.BaseAddress);
        await browser.SignInAsManagerAsync();

        var list = await browser.GetAsync("/console/escalations");
        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Contains("Escalations for the Manager (Jane Smith)", list.Body, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/console/escalations/1\">#1</a>", list.Body, StringComparison.Ordinal);
        Assert.Contains("<td class=\"status-waiting\">waiting</td>", list.Body, StringComparison.Ordinal);
        Assert.Contains("<td>Pat</td>", list.Body, StringComparison.Ordinal);
        Assert.Contains("None.", (await browser.GetAsync("/console/escalations?status=closed")).Body, StringComparison.Ordinal);

        var detail = await browser.GetAsync("/console/escalations/1");
        Assert.Contains(Concern, detail.Body, StringComparison.Ordinal);
        Assert.Contains("<dt>Status</dt><dd>waiting</dd>", detail.Body, StringComparison.Ordinal);
        Assert.Contains("action=\"/console/escalations/1/accept\"", detail.Body, StringComparison.Ordinal);

        var accepted = await browser.PostAsync("/console/escalations/1/accept");
        Assert.Equal(HttpStatusCode.SeeOther, accepted.Status);
        Assert.Equal("/console/escalations/1?done=accepted", accepted.Location);
        Assert.StartsWith("The Manager (Jane Smith) has picked up your concern (#1)", Assert.Single(await parent.ReadNewAsync()), StringComparison.Ordinal);
        Assert.Contains("Accepted. They have been told", (await browser.GetAsync(accepted.Location!)).Body, StringComparison.Ordinal);

        // Accepting twice: the service refuses, the page says so.
        Assert.Equal("/console/escalations/1?done=not-waiting", (await browser.PostAsync("/console/escalations/1/accept")).Location);

        Assert.Empty(await parent.SayAndReadAsync("Is it being looked at?"));
        var reply = await browser.PostAsync("/console/escalations/1/reply", true, ("text", "Yes, I've asked them to take the photos down."));
        Assert.Equal("/console/escalations/1?done=replied", reply.Location);
        Assert.Equal(["From the Manager (Jane Smith): Yes, I've asked them to take the photos down."], await parent.ReadNewAsync());

        var conversation = await browser.GetAsync("/console/escalations/1");
        Assert.Contains("<li class=\"from-user\"><p class=\"who\"><strong>Pat</strong>", conversation.Body, StringComparison.Ordinal);
        Assert.Contains("<p class=\"text\">Is it being looked at?</p>", conversation.Body, StringComparison.Ordinal);
        Assert.Contains("<li class=\"from-staff\"><p class=\"who\"><strong>You (the Manager (Jane Smith))</strong>", conversation.Body, StringComparison.Ordinal);
        Assert.Contains("<p class=\"text\">Yes, I&#x27;ve asked them to take the photos down.</p>", conversation.Body, StringComparison.Ordinal);
        Assert.Contains("<label for=\"reply\">Reply to Pat</label>", conversation.Body, StringComparison.Ordinal);

        Assert.Equal("/console/escalations/1?done=reply-empty", (await browser.PostAsync("/console/escalations/1/reply", true, ("text", "  "))).Location);

        var closed = await browser.PostAsync("/console/escalations/1/close");
        Assert.Equal("/console/escalations/1?done=closed", closed.Location);
        Assert.StartsWith("The Manager (Jane Smith) has closed the conversation about your concern (#1). I'm back", Assert.Single(await parent.ReadNewAsync()), StringComparison.Ordinal);
        Assert.Single(await parent.SayAndReadAsync("can I add a parent on facebook"));
        Assert.Equal("/console/escalations/1?done=reply-not-accepted", (await browser.PostAsync("/console/escalations/1/reply", true, ("text", "one more"))).Location);
        Assert.Contains("<td class=\"status-closed\">closed</td>", (await browser.GetAsync("/console/escalations?status=closed")).Body, StringComparison.Ordinal);

        var store = bot.Services.GetRequiredService<IEscalationStore>();
        Assert.Equal(["Is it being looked at?", "Yes, I've asked them to take the photos down."], (await store.GetMessagesAsync(1, default)).Select(m => m.Text));
        var audit = await store.GetAuditAsync(null, default);
        foreach (var action in new[] { AuditActions.SignedIn, AuditActions.Listed, AuditActions.Viewed, AuditActions.Accepted, AuditActions.StaffMessage, AuditActions.Closed })
        {
            Assert.Contains(audit, a => a.Actor == "manager" && a.Action == action);
        }

        // Signing out ends the session.
        Assert.Equal("/console/login", (await browser.PostAsync("/console/logout")).Location);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/console/escalations")).Status);
    }

    [Fact]
    public async Task TheChairCannotSeeOrActOnTheManagersEscalation()
    {
        await using var bot = await RunningBot.StartAsync(ConsoleBrowser.Settings());
        var parent = await RaiseAsync(bot, Concern);
        using var chair = new ConsoleBrowser(bot.BaseAddress);
        Assert.Equal(HttpStatusCode.SeeOther, (await chair.SignInAsync("chair", ConsoleBrowser.ChairPassword)).Status);

        var list = await chair.GetAsync("/console/escalations?status=all");
        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Contains("Escalations for the Chair (Sam Brown)", list.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("#1", list.Body, StringComparison.Ordinal);

        // The Manager's #1 reads exactly as a number that does not exist.
        var theirs = await chair.GetAsync("/console/escalations/1");
        var none = await chair.GetAsync("/console/escalations/99");
        Assert.Equal(HttpStatusCode.NotFound, theirs.Status);
        Assert.Equal(HttpStatusCode.NotFound, none.Status);
        Assert.Equal(none.Body.Replace(none.Token!, "", StringComparison.Ordinal), theirs.Body.Replace(theirs.Token!, "", StringComparison.Ordinal));
        Assert.DoesNotContain(Concern, theirs.Body, StringComparison.Ordinal);
        foreach (var action in new[] { "accept", "reply", "close" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await chair.PostAsync($"/console/escalations/1/{action}", true, ("text", "hello"))).Status);
        }

        var store = bot.Services.GetRequiredService<IEscalationStore>();
        Assert.Equal(EscalationStatus.Waiting, (await store.GetAsync(1, default))!.Status);
        Assert.Empty(await store.GetMessagesAsync(1, default));
        Assert.Empty(await parent.ReadNewAsync());
        var audit = await store.GetAuditAsync(1, default);
        Assert.Equal(4, audit.Count(a => a.Actor == "chair" && a.Action == AuditActions.Denied));
        Assert.DoesNotContain(audit, a => a.Actor == "chair" && a.Action != AuditActions.Denied);
    }

    [Fact]
    public async Task APostWithoutTheFormTokenIsRefused()
    {
        await using var bot = await RunningBot.StartAsync(ConsoleBrowser.Settings());
        await RaiseAsync(bot, Concern);
        using var browser = new ConsoleBrowser(bot.BaseAddress);

        await browser.GetAsync("/console/login");
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsync("/console/login", false, ("role", "manager"), ("password", ConsoleBrowser.ManagerPassword))).Status);

        await browser.SignInAsManagerAsync();
        await browser.GetAsync("/console/escalations/1");
        foreach (var action in new[] { "accept", "reply", "close" })
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsync($"/console/escalations/1/{action}", false, ("text", "hello"))).Status);
            Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsync($"/console/escalations/1/{action}", false, ("text", "hello"), ("__RequestVerificationToken", "forged"))).Status);
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsync("/console/logout", false)).Status);
        Assert.Equal(EscalationStatus.Waiting, (await bot.Services.GetRequiredService<IEscalationStore>().GetAsync(1, default))!.Status);
    }

    [Fact]
    public async Task WhatUsersWroteIsShownAsTextNeverAsMarkup()
    {
        await using var bot = await RunningBot.StartAsync(ConsoleBrowser.Settings());
        await RaiseAsync(bot, "<script>alert('x')</script> & <b>bold</b>", userName: "<img src=x onerror=alert(1)>");
        using var browser = new ConsoleBrowser(bot.BaseAddress);
        await browser.SignInAsManagerAsync();

        var list = await browser.GetAsync("/console/escalations");
        Assert.DoesNotContain("<img", list.Body, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", list.Body, StringComparison.Ordinal);

        var detail = await browser.GetAsync("/console/escalations/1");
        Assert.DoesNotContain("<script>alert", detail.Body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>", detail.Body, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;", detail.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CookiesAreSecureHttpOnlyAndStrictAndTheSessionSlides()
    {
        // By default the console needs HTTPS, except for a browser on this machine: a caller from elsewhere over plain
        // HTTP (the connection's own address, faked here below the app) only hears that it needs HTTPS.
        await using (var remote = await RunningBot.StartSeenFromAsync(System.Net.IPAddress.Parse("192.0.2.50"), [], ConsoleBrowser.Settings()))
        {
            var session = remote.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get("Console");
            var antiforgery = remote.Services.GetRequiredService<IOptions<AntiforgeryOptions>>().Value;
            foreach (var cookie in new[] { session.Cookie, antiforgery.Cookie })
            {
                // Secure on every HTTPS response; plain HTTP is only ever answered on loopback.
                Assert.Equal(CookieSecurePolicy.SameAsRequest, cookie.SecurePolicy);
                Assert.Equal(SameSiteMode.Strict, cookie.SameSite);
                Assert.True(cookie.HttpOnly);
                Assert.Equal("/console", cookie.Path);
            }

            Assert.True(session.SlidingExpiration);
            Assert.Equal(TimeSpan.FromMinutes(30), session.ExpireTimeSpan);

            using var browser = new ConsoleBrowser(remote.BaseAddress);
            var page = await browser.GetAsync("/console/login");
            Assert.Equal(HttpStatusCode.BadRequest, page.Status);
            Assert.Contains("only served over HTTPS", page.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("<form", page.Body, StringComparison.Ordinal);
        }

        // What the browser receives (here without Secure, as the test speaks HTTP).
        await using var bot = await RunningBot.StartAsync(ConsoleBrowser.Settings());
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = bot.BaseAddress };
        using var login = await http.GetAsync(new Uri("console/login", UriKind.Relative));
        Assert.True(login.Headers.CacheControl?.NoStore);
        Assert.Contains("default-src 'none'", login.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var antiforgeryCookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("policybot.console.af=", StringComparison.Ordinal));
        AssertFlags(antiforgeryCookie);
        var token = ConsoleBrowser.TokenIn(await login.Content.ReadAsStringAsync())!;

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("console/login", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent([new("role", "manager"), new("password", ConsoleBrowser.ManagerPassword), new("__RequestVerificationToken", token)]),
        };
        request.Headers.Add("Cookie", antiforgeryCookie.Split(';')[0]);
        using var signedIn = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.SeeOther, signedIn.StatusCode);
        var sessionCookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("policybot.console=", StringComparison.Ordinal));
        AssertFlags(sessionCookie);
        Assert.DoesNotContain("expires", sessionCookie, StringComparison.OrdinalIgnoreCase);

        static void AssertFlags(string cookie)
        {
            var flags = cookie.ToLowerInvariant();
            Assert.Contains("path=/console", flags, StringComparison.Ordinal);
            Assert.Contains("samesite=strict", flags, StringComparison.Ordinal);
            Assert.Contains("httponly", flags, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ChangingARolesPasswordEndsItsSessions()
    {
        // The same database each time, as a restarted bot has it: sessions are kept there.
        using var data = new Testing.TempFolder();
        var settings = ConsoleBrowser.Settings(("Storage:DataFolder", data.Path));
        CookieContainer cookies;
        await using (var before = await RunningBot.StartAsync(settings))
        {
            using var browser = new ConsoleBrowser(before.BaseAddress);
            await browser.SignInAsManagerAsync();
            cookies = browser.Cookies;
        }

        // Restarted with the same hash, the session goes on (cookies do not care about the port).
        await using (var same = await RunningBot.StartAsync(settings))
        {
            using var browser = new ConsoleBrowser(same.BaseAddress, cookies);
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/console/escalations")).Status);
        }

        // With a new password for the Manager, her old cookie no longer works.
        await using var changed = await RunningBot.StartAsync([.. settings, ("Escalation:Manager:ConsolePasswordHash", ConsolePassword.Hash("a new password", 1000))]);
        using var again = new ConsoleBrowser(changed.BaseAddress, cookies);
        Assert.Equal(HttpStatusCode.Redirect, (await again.GetAsync("/console/escalations")).Status);
    }

    [Fact]
    public async Task AfterSigningInOnlyAConsolePageIsReturnedTo()
    {
        await using var bot = await RunningBot.StartAsync(ConsoleBrowser.Settings());
        foreach (var (returnUrl, expected) in new[]
        {
            ("/console/escalations/1", "/console/escalations/1"),
            ("//evil.example/console/", "/console/escalations"),
            ("https://evil.example/", "/console/escalations"),
            ("/console/\\evil.example", "/console/escalations"),
            ("/", "/console/escalations"),
            ("/console/../healthz", "/console/escalations"),
            ("/console/%2e%2E/healthz", "/console/escalations"),
            ("/console/.\t./healthz", "/console/escalations"),
            ("/console/escalations?status=all", "/console/escalations?status=all"),
        })
        {
            using var browser = new ConsoleBrowser(bot.BaseAddress);
            await browser.GetAsync("/console/login?returnUrl=" + Uri.EscapeDataString(returnUrl));
            var page = await browser.PostAsync("/console/login", true, ("role", "manager"), ("password", ConsoleBrowser.ManagerPassword), ("returnUrl", returnUrl));
            Assert.Equal(HttpStatusCode.SeeOther, page.Status);
            Assert.Equal(expected, page.Location);
        }
    }

    [Fact]
    public async Task WithoutPasswordsTheConsoleSaysItIsNotSetUp()
    {
        await using var bot = await RunningBot.StartAsync(Escalations.EscalationEndToEndTests.Settings(("Console:CookieSecurePolicy", "SameAsRequest")));
        using var browser = new ConsoleBrowser(bot.BaseAddress);
        var page = await browser.GetAsync("/console/login");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.Status);
        Assert.Contains("The console is not set up", page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("<form", page.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsync("/console/login", true, ("role", "manager"), ("password", "anything"))).Status);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/console/escalations")).Status);
    }

    [Fact]
    public async Task TheConsolePasswordVerbPrintsAHashOfWhatIsReadOnStdin()
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        Assert.Equal(0, await CommandLine.RunAsync(["console-password"], new StringReader("correct horse battery\n"), output, errors, CancellationToken.None));
        var hash = output.ToString().Trim();
        Assert.StartsWith("pbkdf2-sha256$600000$", hash, StringComparison.Ordinal);
        Assert.True(ConsolePassword.Verify("correct horse battery", hash));
        Assert.False(ConsolePassword.Verify("correct horse batterY", hash));
        Assert.DoesNotContain("correct horse", output.ToString() + errors, StringComparison.Ordinal);
        Assert.Contains("Escalation:Manager:ConsolePasswordHash", errors.ToString(), StringComparison.Ordinal);

        Assert.Equal(2, await CommandLine.RunAsync(["console-password"], new StringReader("short\n"), new StringWriter(), new StringWriter(), CancellationToken.None));
        Assert.False(ConsolePassword.Verify("anything", "not a hash"));
        Assert.False(ConsolePassword.Verify("anything", "pbkdf2-sha256$0$AAAAAAAAAAA=$AAAAAAAAAAAAAAAAAAAAAA=="));
    }

    /// <summary>A parent raises a concern with the Manager over Direct Line, with the Manager's own chat open (so she is told there).</summary>
    /// <summary>
    /// Pages update themselves: the list and a waiting escalation reload on their own (not audited again), and an
    /// accepted one's stamp, which its page polls, changes when the user writes.
    /// </summary>
    [Fact]
    public async Task PagesUpdateThemselvesWithoutAuditingEachRedraw()
    {
        await using var bot = await RunningBot.StartAsync(ConsoleBrowser.Settings());
        var parent = await RaiseAsync(bot, "A parent posted photos of the nativity.");
        using var browser = new ConsoleBrowser(bot.BaseAddress);
        await browser.SignInAsManagerAsync();
        var store = bot.Services.GetRequiredService<IEscalationStore>();

        var list = await browser.GetAsync("/console/escalations");
        Assert.DoesNotContain("http-equiv=\"refresh\"", list.Body, StringComparison.Ordinal);
        Assert.Contains("<meta name=\"policybot-stamp\" content=\"/console/escalations/stamp?status=open&amp;since=1w\">", list.Body, StringComparison.Ordinal);
        Assert.Contains("<meta name=\"policybot-reload\" content=\"/console/escalations?status=open&amp;auto=1\">", list.Body, StringComparison.Ordinal);
        Assert.Contains("<td>A parent posted photos of the nativity.</td>", list.Body, StringComparison.Ordinal);
        Assert.Equal("1w", (await browser.GetAsync("/console/escalations/stamp?status=open")).Body);
        var waiting = await browser.GetAsync("/console/escalations/1");
        Assert.Contains("<meta name=\"policybot-reload\" content=\"/console/escalations/1?auto=1\">", waiting.Body, StringComparison.Ordinal);

        var audited = (await store.GetAuditAsync(null, default)).Count + (await store.GetAuditAsync(1, default)).Count;
        await browser.GetAsync("/console/escalations?auto=1");
        await browser.GetAsync("/console/escalations/1?auto=1");
        Assert.Equal(audited, (await store.GetAuditAsync(null, default)).Count + (await store.GetAuditAsync(1, default)).Count);

        await browser.PostAsync("/console/escalations/1/accept");
        Assert.Equal("1a", (await browser.GetAsync("/console/escalations/stamp?status=open")).Body);
        var accepted = await browser.GetAsync("/console/escalations/1");
        Assert.Contains("<script src=\"/js/console-live.js\" defer></script>", accepted.Body, StringComparison.Ordinal);
        Assert.Contains("/console/escalations/1/stamp?since=accepted-0", accepted.Body, StringComparison.Ordinal);
        Assert.Equal("accepted-0", (await browser.GetAsync("/console/escalations/1/stamp")).Body);

        await parent.SayAndReadAsync("It was posted yesterday.");
        Assert.Equal("accepted-1", (await browser.GetAsync("/console/escalations/1/stamp")).Body);

        using var stranger = new HttpClient { BaseAddress = bot.BaseAddress };
        using var anonymous = await stranger.GetAsync(new Uri("console/escalations/1/stamp", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    private static async Task<DirectLineClient.Conversation> RaiseAsync(RunningBot bot, string concern, string userName = "Pat")
    {
        var client = new DirectLineClient(bot.Client);
        var manager = await StaffChat.OpenAsync(bot.BaseAddress, bot.Client);
        await manager.ReadNewAsync();
        var parent = await client.StartAsync("dl_parent", userName);
        await parent.ReadNewAsync();
        await parent.SayAndReadAsync("I want to raise a concern");
        await parent.SayAndReadAsync(concern);
        await parent.SayAndReadAsync("The Manager");
        Assert.StartsWith("Sent to the Manager (Jane Smith) (#1)", Assert.Single(await parent.SayAndReadAsync("Send")), StringComparison.Ordinal);
        return parent;
    }
}
