using System.Net;
using WWPS.PolicyBot.Tests.DirectLine;

namespace WWPS.PolicyBot.Tests.EscalationConsole;

/// <summary>
/// The Manager's or the Chair's web chat, opened the only way there is: signed in to the console with the password in
/// the test's settings (<see cref="ConsoleBrowser.Settings"/>), "Open my chat with the bot", then the token from the
/// redirect's fragment, started as Web Chat starts it.
/// </summary>
internal static class StaffChat
{
    public static async Task<DirectLineClient.Conversation> OpenAsync(Uri baseAddress, HttpClient bot, string role = "manager")
    {
        var minted = await MintAsync(baseAddress, role);
        Assert.Equal(HttpStatusCode.SeeOther, minted.Status);
        var (token, user, name) = Parse(minted.Location);
        return await new DirectLineClient(bot).StartWithTokenAsync(token, user, name);
    }

    /// <summary>Signs in as <paramref name="role"/> (its own password) in a new browser and presses the button; the response to it.</summary>
    public static async Task<ConsoleBrowser.Page> MintAsync(Uri baseAddress, string role)
    {
        using var browser = new ConsoleBrowser(baseAddress);
        var signedIn = await browser.SignInAsync(role, role == "manager" ? ConsoleBrowser.ManagerPassword : ConsoleBrowser.ChairPassword);
        Assert.Equal(HttpStatusCode.SeeOther, signedIn.Status);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/console/escalations")).Status);
        return await browser.PostAsync("/console/chat");
    }

    /// <summary>The token, user id and name in a <c>/#token=…&amp;user=…&amp;name=…</c> redirect.</summary>
    public static (string Token, string User, string Name) Parse(string? location)
    {
        Assert.NotNull(location);
        Assert.StartsWith("/#token=", location, StringComparison.Ordinal);
        var fields = location[2..].Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]), StringComparer.Ordinal);
        return (fields["token"], fields["user"], fields["name"]);
    }
}
