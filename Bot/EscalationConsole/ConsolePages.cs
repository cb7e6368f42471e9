using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using WWPS.PolicyBot.Dialogs.Escalations;

namespace WWPS.PolicyBot.EscalationConsole;

/// <summary>
/// The console's HTML, rendered on the server: no scripts, one stylesheet. Every piece of text that came from a user
/// or from configuration goes through <see cref="E"/>; the fixed strings here are the only markup.
/// </summary>
internal static partial class ConsolePages
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    /// <summary>A signed-in page's state: who is signed in and the form token for its buttons.</summary>
    public sealed record Viewer(EscalationPerson Person, string TokenField, string Token);

    public static string E(string? text) => Encoder.Encode(text ?? "");

    public static string NotSetUp() => Layout("Escalation console", null, """
        <h1>Escalation console</h1>
        <p>The console is not set up. Sign-in needs the Manager and the Chair configured
        (<code>Escalation:Manager</code>, <code>Escalation:Chair</code>) and a console password hash for each
        (<code>Escalation:Manager:ConsolePasswordHash</code>, <code>Escalation:Chair:ConsolePasswordHash</code>),
        made with <code>WWPS.PolicyBot console-password</code>.</p>
        """);

    public static string NeedsHttps() => Layout("Escalation console", null, """
        <h1>Escalation console</h1>
        <p>The console is only served over HTTPS, so that its sign-in cookie is never sent in the clear. Open it with an
        <code>https://</code> address, or <code>http://localhost</code> on the machine the bot runs on. Behind a proxy that
        ends TLS, name the proxy in <code>ForwardedHeaders:KnownProxies</code> or <code>ForwardedHeaders:KnownNetworks</code>
        so the bot believes what it says about the original request (docs/deployment.md, "Behind a proxy").</p>
        """);

    public static string Login(ConsoleOptions options, EscalationOptions escalation, string tokenField, string token, string? error, string? returnUrl)
    {
        var sb = new StringBuilder("<h1>Sign in to the escalation console</h1>\n");
        if (error is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<p class=\"error\" role=\"alert\" id=\"login-error\">{E(error)}</p>\n");
        }

        sb.Append("<form method=\"post\" action=\"/console/login\">\n");
        sb.Append(Hidden(tokenField, token));
        if (returnUrl is not null)
        {
            sb.Append(Hidden("returnUrl", returnUrl));
        }

        sb.Append("<fieldset><legend>I am</legend>\n");
        var first = true;
        foreach (var role in Enum.GetValues<EscalationRole>().Where(r => options.HashFor(r) is not null))
        {
            var id = "role-" + EscalationText.Name(role);
            sb.Append(CultureInfo.InvariantCulture,
                $"<div><input type=\"radio\" name=\"role\" id=\"{id}\" value=\"{EscalationText.Name(role)}\"{(first ? " checked" : "")}> " +
                $"<label for=\"{id}\">{E(Capital(escalation.Person(role).Title))}</label></div>\n");
            first = false;
        }

        sb.Append("</fieldset>\n");
        sb.Append("<p><label for=\"password\">Console password</label><br>\n");
        sb.Append("<input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required"
            + (error is not null ? " aria-describedby=\"login-error\"" : "") + "></p>\n");
        sb.Append("<p><button type=\"submit\">Sign in</button></p>\n</form>\n");
        return Layout("Sign in – escalation console", null, sb.ToString());
    }

    public static string ChatUnavailable() =>
        Layout("Chat unavailable – console", null,
            "<h1>The chat is busy</h1>\n<p>Too many web chats are open just now. Go back and try again in a minute.</p>\n<p><a href=\"/console/escalations\">Back to escalations</a></p>\n");

    public static string List(Viewer viewer, IReadOnlyList<Escalation> escalations, string filter, TimeZoneInfo zone)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<h1>Escalations for {E(viewer.Person.Title)}</h1>\n");
        if (ConsoleEndpoints.DirectLineIdentity(viewer.Person) is not null)
        {
            sb.Append(Button(viewer, "/console/chat", "Open my chat with the bot",
                "The web chat, as you: you are told of new concerns there and can accept and answer them."));
        }

        sb.Append("<nav aria-label=\"Filter\"><ul class=\"filters\">\n");
        foreach (var name in ConsoleFilters.Names)
        {
            var current = name == filter ? " aria-current=\"page\"" : "";
            sb.Append(CultureInfo.InvariantCulture, $"<li><a href=\"/console/escalations?status={name}\"{current}>{Capital(name)}</a></li>\n");
        }

        sb.Append("</ul></nav>\n");
        if (escalations.Count == 0)
        {
            sb.Append("<p>None.</p>\n");
        }
        else
        {
            sb.Append("<table>\n<caption>").Append(Capital(filter)).Append(" escalations, newest first</caption>\n");
            sb.Append("<thead><tr><th scope=\"col\">Number</th><th scope=\"col\">Status</th><th scope=\"col\">Raised</th><th scope=\"col\">From</th><th scope=\"col\">About</th></tr></thead>\n<tbody>\n");
            foreach (var e in escalations)
            {
                sb.Append(CultureInfo.InvariantCulture,
                    $"<tr><td><a href=\"/console/escalations/{e.Id}\">#{e.Id}</a></td><td class=\"status-{EscalationText.Name(e.Status)}\">{EscalationText.Name(e.Status)}</td>" +
                    $"<td><time datetime=\"{Iso(e.Created)}\">{Local(e.Created, zone)}</time></td><td>{E(EscalationService.Words.UserName(e))}</td><td>{E(StartOf(e.Summary))}</td></tr>\n");
            }

            sb.Append("</tbody>\n</table>\n");
        }

        sb.Append("<p id=\"live\" class=\"notice\" role=\"status\" hidden></p>\n");
        return Layout("Escalations – console", viewer, sb.ToString(), EscalationsSection,
            stampUrl: $"/console/escalations/stamp?status={filter}&since={Uri.EscapeDataString(ListStamp(escalations))}",
            refreshUrl: $"/console/escalations?status={filter}&auto=1");
    }

    public static string Detail(Viewer viewer, Escalation e, IReadOnlyList<EscalationMessage> messages, string? notice, TimeZoneInfo zone)
    {
        var sb = new StringBuilder();
        sb.Append("<p><a href=\"/console/escalations\">All escalations</a></p>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<h1>Escalation #{e.Id}</h1>\n");
        if (notice is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<p class=\"notice\" role=\"status\">{E(notice)}</p>\n");
        }

        sb.Append("<dl class=\"facts\">\n");
        Fact(sb, "Status", EscalationText.Name(e.Status));
        Fact(sb, "From", EscalationService.Words.UserName(e));
        Fact(sb, "Raised from", Source(e.Source));
        sb.Append(CultureInfo.InvariantCulture, $"<dt>Raised</dt><dd><time datetime=\"{Iso(e.Created)}\">{Local(e.Created, zone)}</time></dd>\n");
        if (e.Status == EscalationStatus.Waiting)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<dt>Times out</dt><dd><time datetime=\"{Iso(e.Deadline)}\">{Local(e.Deadline, zone)}</time></dd>\n");
        }

        if (e.Rerouted)
        {
            Fact(sb, "Note", $"They asked for {EscalationPerson.RoleTitle(e.RequestedRole)}; it came to you because it is about them.");
        }

        sb.Append("</dl>\n<h2>Summary</h2>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<blockquote class=\"text\" id=\"summary\">{E(e.Summary)}</blockquote>\n");
        sb.Append("<h2>Messages</h2>\n");
        if (messages.Count == 0)
        {
            sb.Append("<p>No messages yet.</p>\n");
        }
        else
        {
            sb.Append("<ol class=\"messages\">\n");
            foreach (var m in messages)
            {
                var who = m.Sender == MessageSender.User ? EscalationService.Words.UserName(e) : $"You ({viewer.Person.Title})";
                sb.Append(CultureInfo.InvariantCulture,
                    $"<li class=\"from-{(m.Sender == MessageSender.User ? "user" : "staff")}\"><p class=\"who\"><strong>{E(who)}</strong>, " +
                    $"<time datetime=\"{Iso(m.Sent)}\">{Local(m.Sent, zone)}</time></p><p class=\"text\">{E(m.Text)}</p></li>\n");
            }

            sb.Append("</ol>\n");
        }

        sb.Append("<h2>Actions</h2>\n");
        var action = $"/console/escalations/{e.Id.ToString(CultureInfo.InvariantCulture)}/";
        if (e.Status == EscalationStatus.Waiting)
        {
            sb.Append(Button(viewer, action + "accept", "Accept", "They are told you have picked it up; then you can reply."));
        }

        if (e.Status == EscalationStatus.Accepted)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"{action}reply\">\n{Hidden(viewer.TokenField, viewer.Token)}");
            sb.Append(CultureInfo.InvariantCulture, $"<p><label for=\"reply\">Reply to {E(EscalationService.Words.UserName(e))}</label><br>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<textarea id=\"reply\" name=\"text\" rows=\"5\" cols=\"60\" maxlength=\"{ConsoleFilters.MaxReply}\" required></textarea></p>\n");
            sb.Append("<p><button type=\"submit\">Send reply</button></p>\n</form>\n");
        }

        if (e.IsOpen)
        {
            sb.Append(Button(viewer, action + "close", "Close", "They are told it is closed, and the bot answers them again."));
        }
        else
        {
            sb.Append("<p>It is over: nothing more can be done here.</p>\n");
        }

        sb.Append("<p id=\"live\" class=\"notice\" role=\"status\" hidden></p>\n");
        return Layout(
            $"#{e.Id.ToString(CultureInfo.InvariantCulture)} – console",
            viewer,
            sb.ToString(),
            EscalationsSection,
            stampUrl: $"/console/escalations/{e.Id.ToString(CultureInfo.InvariantCulture)}/stamp?since={Uri.EscapeDataString(Stamp(e, messages))}",
            refreshUrl: $"/console/escalations/{e.Id.ToString(CultureInfo.InvariantCulture)}?auto=1");
    }

    /// <summary>What changes when the list changes: each escalation's number and status.</summary>
    internal static string ListStamp(IReadOnlyList<Escalation> escalations) =>
        string.Join(',', escalations.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Id}{EscalationText.Name(e.Status)[0]}")));

    /// <summary>What changes when anything the page shows changes: the status and the number of messages.</summary>
    internal static string Stamp(Escalation e, IReadOnlyList<EscalationMessage> messages) =>
        string.Create(CultureInfo.InvariantCulture, $"{EscalationText.Name(e.Status)}-{messages.Count}");


    public static string NotFound(Viewer viewer) =>
        Layout("Not found – console", viewer, "<h1>Not found</h1>\n<p>There is no such escalation for you. <a href=\"/console/escalations\">All escalations</a></p>\n", EscalationsSection);

    public const string EscalationsSection = "escalations";

    /// <param name="section">The part of the console the page is in, marked as current in the header's links.</param>
    /// <param name="stampUrl">
    /// When set, the page keeps itself up to date (console-live.js): every few seconds it asks this address whether
    /// anything it shows has changed, and then reloads itself from <paramref name="refreshUrl"/>, unless a reply is being
    /// typed, when it says so instead. Not a timed refresh (WCAG 2.2.1): nothing moves while nothing changes, and a
    /// half-written reply is never lost. Without scripts the page works as before and is reloaded by hand.
    /// </param>
    private static string Layout(string title, Viewer? viewer, string main, string? section = null, string? stampUrl = null, string? refreshUrl = null)
    {
        var sb = new StringBuilder();
        sb.Append("<!doctype html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        if (stampUrl is not null)
        {
            // Reloaded as "auto": a page redrawn by itself is not a new look at it, so it is not audited again.
            sb.Append(CultureInfo.InvariantCulture, $"<meta name=\"policybot-stamp\" content=\"{E(stampUrl)}\">\n");
            sb.Append(CultureInfo.InvariantCulture, $"<meta name=\"policybot-reload\" content=\"{E(refreshUrl ?? string.Empty)}\">\n");
            sb.Append("<script src=\"/js/console-live.js\" defer></script>\n");
        }

        sb.Append(CultureInfo.InvariantCulture, $"<title>{E(title)}</title>\n<link rel=\"stylesheet\" href=\"/css/console.css\">\n<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">\n</head>\n<body>\n");
        sb.Append("<a class=\"skip\" href=\"#main\">Skip to content</a>\n<header>\n<p class=\"brand\">PolicyBot escalation console</p>\n");
        if (viewer is not null)
        {
            sb.Append("<nav aria-label=\"Console\"><ul class=\"sections\">");
            foreach (var (name, href, label) in new[] { (EscalationsSection, "/console/escalations", "Escalations"), (InsightsSection, "/console/insights", "Insights") })
            {
                sb.Append(CultureInfo.InvariantCulture, $"<li><a href=\"{href}\"{(name == section ? " aria-current=\"page\"" : "")}>{label}</a></li>");
            }

            sb.Append("</ul></nav>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"/console/logout\" class=\"signout\">{Hidden(viewer.TokenField, viewer.Token)}");
            sb.Append(CultureInfo.InvariantCulture, $"<span>Signed in as {E(viewer.Person.Title)}</span> <button type=\"submit\">Sign out</button></form>\n");
        }

        sb.Append("</header>\n<main id=\"main\">\n").Append(main).Append("</main>\n</body>\n</html>\n");
        return sb.ToString();
    }

    private static string Button(Viewer viewer, string action, string label, string hint) =>
        $"<form method=\"post\" action=\"{action}\" class=\"action\">{Hidden(viewer.TokenField, viewer.Token)}<button type=\"submit\">{label}</button> <span class=\"hint\">{hint}</span></form>\n";

    private static string Hidden(string name, string value) => $"<input type=\"hidden\" name=\"{E(name)}\" value=\"{E(value)}\">\n";

    private static void Fact(StringBuilder sb, string term, string value) =>
        sb.Append(CultureInfo.InvariantCulture, $"<dt>{term}</dt><dd>{E(value)}</dd>\n");

    /// <summary>The start of a summary for a list row: its first line, at most 80 characters, cut at a word.</summary>
    internal static string StartOf(string summary)
    {
        var line = summary.Split('\n', 2)[0].Trim();
        if (line.Length <= 80)
        {
            return line;
        }

        var cut = line.LastIndexOf(' ', 79);
        return string.Concat(line.AsSpan(0, cut > 40 ? cut : 79), "\u2026");
    }

    private static string Source(string source) => EscalationService.Words.Capital(EscalationService.Words.Source(source));

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Local(DateTimeOffset time, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(time, zone).ToString("ddd d MMM yyyy, HH:mm", CultureInfo.InvariantCulture);

    private static string Capital(string text) => EscalationService.Words.Capital(text);
}

/// <summary>The list's filters, by the name used in the URL.</summary>
internal static class ConsoleFilters
{
    public const int MaxReply = 4000;

    public static readonly string[] Names = ["open", "waiting", "accepted", "closed", "all"];

    /// <summary>Null statuses for "all"; closed includes timed-out. Unknown names read as "open".</summary>
    public static (string Name, IReadOnlyCollection<EscalationStatus>? Statuses) Parse(string? name) => name switch
    {
        "waiting" => ("waiting", [EscalationStatus.Waiting]),
        "accepted" => ("accepted", [EscalationStatus.Accepted]),
        "closed" => ("closed", [EscalationStatus.Closed, EscalationStatus.TimedOut]),
        "all" => ("all", null),
        _ => ("open", EscalationFilter.Open),
    };
}
