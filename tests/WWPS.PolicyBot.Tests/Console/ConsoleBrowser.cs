using System.Net;
using System.Text.RegularExpressions;

namespace WWPS.PolicyBot.Tests.EscalationConsole;

/// <summary>
/// A browser's part in the console tests: a real HttpClient with a cookie container, redirects not followed (so each
/// 302/303 can be checked), asking for HTML as a browser does, and keeping the form token of the last page it read.
/// </summary>
internal sealed partial class ConsoleBrowser : IDisposable
{
    public const string ManagerPassword = "manager-console-pw";
    public const string ChairPassword = "chair-console-pw";

    private readonly HttpClient _http;

    /// <param name="cookies">Another browser's cookies, to come back to a restarted bot as the same browser.</param>
    /// <param name="address">Where the browser is, as a proxy on this machine tells the bot (X-Forwarded-For); null: here.</param>
    public ConsoleBrowser(Uri baseAddress, CookieContainer? cookies = null, string? address = null)
    {
        Cookies = cookies ?? new CookieContainer();
        _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = baseAddress };
        _http.DefaultRequestHeaders.Accept.ParseAdd("text/html");
        if (address is not null)
        {
            _http.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        }
    }

    public CookieContainer Cookies { get; }

    /// <summary>The form token from the last page read; null before any.</summary>
    public string? Token { get; private set; }

    /// <summary>The two roles' console passwords, hashed with few iterations so the tests stay quick.</summary>
    public static (string Key, string? Value)[] Settings(params (string Key, string? Value)[] more) =>
        Escalations.EscalationEndToEndTests.Settings(
        [
            ("Escalation:Manager:ConsolePasswordHash", PolicyBot.EscalationConsole.ConsolePassword.Hash(ManagerPassword, 1000)),
            ("Escalation:Chair:ConsolePasswordHash", PolicyBot.EscalationConsole.ConsolePassword.Hash(ChairPassword, 1000)),
            .. more,
        ]);

    public async Task<Page> GetAsync(string path)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative));
        return await ReadAsync(response);
    }

    /// <summary>Posts a form with the last page's token (unless <paramref name="withToken"/> is false).</summary>
    public async Task<Page> PostAsync(string path, bool withToken = true, params (string Name, string Value)[] fields)
    {
        var form = fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).ToList();
        if (withToken && Token is not null)
        {
            form.Add(new("__RequestVerificationToken", Token));
        }

        using var content = new FormUrlEncodedContent(form);
        using var response = await _http.PostAsync(new Uri(path, UriKind.Relative), content);
        return await ReadAsync(response);
    }

    /// <summary>Opens the sign-in page and signs in; returns the response to the form.</summary>
    public async Task<Page> SignInAsync(string role, string password)
    {
        var login = await GetAsync("/console/login");
        Assert.Equal(HttpStatusCode.OK, login.Status);
        return await PostAsync("/console/login", true, ("role", role), ("password", password));
    }

    public async Task SignInAsManagerAsync()
    {
        var page = await SignInAsync("manager", ManagerPassword);
        Assert.Equal(HttpStatusCode.SeeOther, page.Status);
        Assert.Equal("/console/escalations", page.Location);
    }

    public void Dispose() => _http.Dispose();

    private async Task<Page> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        var match = TokenField().Match(body);
        if (match.Success)
        {
            Token = WebUtility.HtmlDecode(match.Groups[1].Value);
        }

        return new Page(response.StatusCode, body, response.Headers.Location?.OriginalString, match.Success ? match.Groups[1].Value : null);
    }

    /// <summary>The form token a page carries, decoded; null when it has no form.</summary>
    public static string? TokenIn(string html) => TokenField().Match(html) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    /// <param name="Token">This page's form token as written in its HTML; null when it has no form.</param>
    internal sealed record Page(HttpStatusCode Status, string Body, string? Location, string? Token);
}
