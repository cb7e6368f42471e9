using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using WWPS.PolicyBot.Dialogs.Escalations;
using WWPS.PolicyBot.DirectLine;
using WWPS.PolicyBot.Escalations;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.EscalationConsole;

/// <summary>
/// The escalation console at <c>/console</c>: the Manager or the Chair signs in with their console password and
/// lists, reads, accepts, answers and closes the escalations routed to them. Reads go to the store (each audited);
/// every action goes through <see cref="EscalationService"/>, so the user is told exactly as when acting from chat.
/// </summary>
internal static partial class ConsoleEndpoints
{
    public const string Scheme = "Console";
    private const string Policy = "console";
    private const string FingerprintClaim = "console-password";
    private const string SessionClaim = "console-session";
    private const string ListPath = "/console/escalations";

    private static readonly Dictionary<string, string> Notices = new(StringComparer.Ordinal)
    {
        ["accepted"] = "Accepted. They have been told; you can reply now.",
        ["not-waiting"] = "It was no longer waiting, so it could not be accepted.",
        ["replied"] = "Reply sent.",
        ["reply-undelivered"] = "Your reply is saved with the escalation, but it could not be delivered to them just now (they may have closed their chat). Try again later, or contact them through the preschool.",
        ["reply-not-accepted"] = "Only an accepted escalation can be answered: your reply was not sent.",
        ["reply-empty"] = "Write something to send.",
        ["reply-too-long"] = $"That reply is too long ({ConsoleFilters.MaxReply} characters at most): it was not sent.",
        ["closed"] = "Closed. They have been told, and the bot answers them again.",
        ["not-open"] = "It was already over.",
    };

    public static IServiceCollection AddEscalationConsole(this IServiceCollection services, IConfiguration configuration)
    {
        var options = ConsoleOptions.From(configuration, EscalationHosting.OptionsFrom(configuration));
        services.AddSingleton(options);
        services.AddSingleton<ConsoleLockout>();
        services.AddSingleton<ConsoleSessions>();
        services.AddSingleton<ConsoleAlerts>();
        services.AddSingleton<ConsoleLog>();
        services.AddAuthentication(Scheme).AddCookie(Scheme, cookie =>
        {
            cookie.Cookie.Name = "policybot.console";
            cookie.Cookie.Path = "/console";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = options.EffectiveCookiePolicy;
            cookie.ExpireTimeSpan = options.Session;
            cookie.SlidingExpiration = true;
            cookie.LoginPath = "/console/login";
            cookie.LogoutPath = "/console/logout";
            cookie.AccessDeniedPath = "/console/login";
            cookie.ReturnUrlParameter = "returnUrl";
            cookie.Events = new CookieAuthenticationEvents
            {
                // Pages go to the sign-in form; anything that does not ask for HTML (scripts, fetch) gets a plain 401.
                OnRedirectToLogin = context =>
                {
                    if (WantsHtml(context.Request))
                    {
                        context.Response.Redirect(context.RedirectUri);
                    }
                    else
                    {
                        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    }

                    return Task.CompletedTask;
                },
                OnRedirectToAccessDenied = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                },

                // A session ends when its role's password is changed or removed from configuration, and when it was
                // signed out or went unused (its server-side record is gone): a saved copy of the cookie opens nothing.
                OnValidatePrincipal = async context =>
                {
                    var sessions = context.HttpContext.RequestServices.GetRequiredService<ConsoleSessions>();
                    if (RoleOf(context.Principal) is { } role && options.HashFor(role) is { } hash
                        && context.Principal!.FindFirst(FingerprintClaim)?.Value == ConsolePassword.Fingerprint(hash)
                        && await sessions.IsLiveAsync(context.Principal.FindFirst(SessionClaim)?.Value, role, context.HttpContext.RequestAborted).ConfigureAwait(false))
                    {
                        return;
                    }

                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(Scheme).ConfigureAwait(false);
                },
            };
        });
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser().RequireClaim(ClaimTypes.Role));
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "policybot.console.af";
            antiforgery.Cookie.Path = "/console";
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.SecurePolicy = options.EffectiveCookiePolicy;
            antiforgery.SuppressXFrameOptionsHeader = true;
        });
        return services;
    }

    public static void MapEscalationConsole(this WebApplication app)
    {
        // Only the console signs people in. Run for every request, the cookie handler was built and asked for a cookie
        // on each of the channels' calls too, a few percent of what a Bot Framework turn cost.
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/console", StringComparison.OrdinalIgnoreCase), console =>
        {
            console.UseAuthentication();
            console.UseAuthorization();
            console.UseAntiforgery();
        });

        var console = app.MapGroup("/console").AddEndpointFilter(SecurityHeadersAsync);
        console.MapGet("/", () => new SeeOther(ListPath));
        console.MapGet("/login", LoginPage);
        console.MapPost("/login", SignInAsync).AddEndpointFilter(RequireTokenAsync);
        console.MapPost("/logout", SignOutAsync).RequireAuthorization(Policy).AddEndpointFilter(RequireTokenAsync);

        console.MapPost("/chat", OpenChatAsync).RequireAuthorization(Policy).AddEndpointFilter(RequireTokenAsync);

        var escalations = console.MapGroup("/escalations").RequireAuthorization(Policy);
        escalations.MapGet("/", ListAsync);
        escalations.MapGet("/{id:long}", DetailAsync);
        escalations.MapGet("/{id:long}/stamp", StampAsync);
        escalations.MapGet("/stamp", ListStampAsync);
        var actions = escalations.MapGroup("/{id:long}").AddEndpointFilter(RequireTokenAsync);
        actions.MapPost("/accept", (HttpContext http, long id, EscalationService service, ConsoleLog log, CancellationToken ct) =>
            ActAsync(http, id, service, log, AuditActions.Accepted, async (e, actor) =>
                await service.AcceptAsync(e.Id, actor, ct).ConfigureAwait(false) is null ? "not-waiting" : "accepted", ct));
        actions.MapPost("/close", (HttpContext http, long id, EscalationService service, ConsoleLog log, CancellationToken ct) =>
            ActAsync(http, id, service, log, AuditActions.Closed, async (e, actor) =>
                await service.CloseAsync(e.Id, actor, ct).ConfigureAwait(false) is null ? "not-open" : "closed", ct));
        actions.MapPost("/reply", (HttpContext http, long id, EscalationService service, ConsoleLog log, CancellationToken ct) =>
            ActAsync(http, id, service, log, AuditActions.StaffMessage, (e, _) => ReplyAsync(http, service, e, ct), ct));

        MapInsights(console);
    }

    /// <summary>
    /// Opens a Web Chat conversation as the signed-in role's configured Direct Line user (the only way to get one: the
    /// public endpoints refuse that id) and sends the browser to the chat page with its token in the URL's fragment,
    /// which browsers never send to a server, so it is in no log. 404 when the role is not configured on Direct Line.
    /// </summary>
    private static async Task<IResult> OpenChatAsync(HttpContext http, EscalationService service, DirectLineConversations conversations, ConsoleLog log)
    {
        var role = RoleOf(http.User)!.Value;
        var person = service.Options.Person(role);
        if (DirectLineIdentity(person) is not { } userId)
        {
            return Results.NotFound();
        }

        var conversation = await conversations.CreateAsync(
            new ChannelAccount { Id = userId, Name = person.DisplayName, Role = RoleTypes.User }, "en-GB", http.RequestAborted).ConfigureAwait(false);
        if (conversation is null)
        {
            return Html(ConsolePages.ChatUnavailable(), StatusCodes.Status503ServiceUnavailable);
        }

        var token = (await conversations.IssueTokenAsync(conversation, http.RequestAborted).ConfigureAwait(false)).Token;
        log.ChatOpened(role);
        return new SeeOther($"/#token={Uri.EscapeDataString(token)}&user={Uri.EscapeDataString(userId)}&name={Uri.EscapeDataString(person.DisplayName)}");
    }

    /// <summary>The person's Direct Line user id when their chat identity is on Direct Line; otherwise null.</summary>
    internal static string? DirectLineIdentity(EscalationPerson person) =>
        person.Chat is { } chat && string.Equals(chat.ChannelId, Channels.DirectLine, StringComparison.OrdinalIgnoreCase) ? chat.UserId : null;

    private static async Task<IResult> ListAsync(HttpContext http, string? status, string? auto, EscalationService service, IAntiforgery antiforgery, CancellationToken ct)
    {
        var role = RoleOf(http.User)!.Value;
        var (name, statuses) = ConsoleFilters.Parse(status);
        if (auto != "1")
        {
            await service.Store.AuditAsync(null, EscalationAccess.StaffActor(role), AuditActions.Listed, ct).ConfigureAwait(false);
        }

        var list = await service.Store.ListAsync(new EscalationFilter(role, Statuses: statuses), ct).ConfigureAwait(false);
        return Html(ConsolePages.List(Viewer(http, role, service, antiforgery), list, name, service.Options.Hours.TimeZone));
    }

    private static async Task<IResult> DetailAsync(
        HttpContext http, long id, string? done, string? auto, EscalationService service, IAntiforgery antiforgery, CancellationToken ct)
    {
        var role = RoleOf(http.User)!.Value;
        var viewer = Viewer(http, role, service, antiforgery);
        if (await FindAsync(service, role, id, ct).ConfigureAwait(false) is not { } escalation)
        {
            return Html(ConsolePages.NotFound(viewer), StatusCodes.Status404NotFound);
        }

        if (auto != "1")
        {
            await service.Store.AuditAsync(id, EscalationAccess.StaffActor(role), AuditActions.Viewed, ct).ConfigureAwait(false);
        }

        var messages = await service.Store.GetMessagesAsync(id, ct).ConfigureAwait(false);
        var notice = done is not null && Notices.TryGetValue(done, out var text) ? text : null;
        return Html(ConsolePages.Detail(viewer, escalation, messages, notice, service.Options.Hours.TimeZone));
    }

    /// <summary>The list's stamp, for its page to poll (console-live.js); not audited, like the escalation's.</summary>
    private static async Task<IResult> ListStampAsync(HttpContext http, string? status, EscalationService service, CancellationToken ct)
    {
        var role = RoleOf(http.User)!.Value;
        var (_, statuses) = ConsoleFilters.Parse(status);
        var list = await service.Store.ListAsync(new EscalationFilter(role, Statuses: statuses), ct).ConfigureAwait(false);
        return Results.Text(ConsolePages.ListStamp(list), "text/plain");
    }

    /// <summary>
    /// What the open escalation's page polls (console-live.js): its current stamp as plain text, so the page can tell
    /// whether anything changed since it was drawn. Not audited: it shows nothing, and it is asked every few seconds.
    /// </summary>
    private static async Task<IResult> StampAsync(HttpContext http, long id, EscalationService service, CancellationToken ct)
    {
        var role = RoleOf(http.User)!.Value;
        if (await FindAsync(service, role, id, ct).ConfigureAwait(false) is not { } escalation)
        {
            return Results.NotFound();
        }

        var messages = await service.Store.GetMessagesAsync(id, ct).ConfigureAwait(false);
        return Results.Text(ConsolePages.Stamp(escalation, messages), "text/plain");
    }

    /// <summary>
    /// One action on an escalation the signed-in role may handle; anything else is a 404 (audited as denied), so an id
    /// routed to the other role is indistinguishable from one that does not exist. Ends on the escalation's page.
    /// </summary>
    private static async Task<IResult> ActAsync(
        HttpContext http, long id, EscalationService service, ConsoleLog log, string action, Func<Escalation, string, Task<string>> act, CancellationToken ct)
    {
        var role = RoleOf(http.User)!.Value;
        if (await FindAsync(service, role, id, ct).ConfigureAwait(false) is not { } escalation)
        {
            return Results.NotFound();
        }

        var outcome = await act(escalation, EscalationAccess.StaffActor(role)).ConfigureAwait(false);
        log.Acted(role, action, id, outcome);
        return new SeeOther($"{ListPath}/{id.ToString(CultureInfo.InvariantCulture)}?done={outcome}");
    }

    private static async Task<string> ReplyAsync(HttpContext http, EscalationService service, Escalation escalation, CancellationToken ct)
    {
        var text = (await http.Request.ReadFormAsync(ct).ConfigureAwait(false))["text"].ToString().Trim();
        if (escalation.Status != EscalationStatus.Accepted)
        {
            return "reply-not-accepted";
        }

        if (text.Length == 0)
        {
            return "reply-empty";
        }

        if (text.Length > ConsoleFilters.MaxReply)
        {
            return "reply-too-long";
        }

        return await service.SendFromStaffAsync(escalation, text, ct).ConfigureAwait(false) ? "replied" : "reply-undelivered";
    }

    /// <summary>The escalation when it is routed to <paramref name="role"/>; otherwise null, with a <c>denied</c> audit row.</summary>
    private static async Task<Escalation?> FindAsync(EscalationService service, EscalationRole role, long id, CancellationToken ct)
    {
        var escalation = await service.Store.GetAsync(id, ct).ConfigureAwait(false);
        if (escalation is not null && EscalationAccess.CanHandle(escalation, role))
        {
            return escalation;
        }

        await service.Store.AuditAsync(escalation?.Id, EscalationAccess.StaffActor(role), AuditActions.Denied, ct).ConfigureAwait(false);
        return null;
    }

    private static ConsolePages.Viewer Viewer(HttpContext http, EscalationRole role, EscalationService service, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        return new ConsolePages.Viewer(service.Options.Person(role), tokens.FormFieldName, tokens.RequestToken!);
    }

    /// <summary>Every POST needs the form token that came with the page (and its cookie): 400 without.</summary>
    private static async ValueTask<object?> RequireTokenAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var antiforgery = context.HttpContext.RequestServices.GetRequiredService<IAntiforgery>();
        return await antiforgery.IsRequestValidAsync(context.HttpContext).ConfigureAwait(false)
            ? await next(context).ConfigureAwait(false)
            : Results.BadRequest();
    }

    /// <summary>
    /// No caching, no framing, no scripts, forms only to this site, no referrer. By default the console is served over
    /// HTTPS only, except to a browser on the bot's own machine (the connection's own address is loopback, whatever a
    /// header says), so `dotnet run` and http://localhost work without settings; elsewhere plain HTTP gets a page saying
    /// it needs HTTPS.
    /// </summary>
    private static ValueTask<object?> SecurityHeadersAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var headers = http.Response.Headers;
        // Exactly what antiforgery wants on a page with a form token, so it has nothing to override (and log about).
        headers.CacheControl = "no-cache, no-store";
        headers.Pragma = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.ContentSecurityPolicy =
            "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        return http.RequestServices.GetRequiredService<ConsoleOptions>().CookieSecurePolicy == CookieSecurePolicy.Always && !http.Request.IsHttps
                && !Plumbing.ConnectionOrigin.Of(http).IsThisMachine
            ? ValueTask.FromResult<object?>(Html(ConsolePages.NeedsHttps(), StatusCodes.Status400BadRequest))
            : next(context);
    }

    private static EscalationRole? RoleOf(ClaimsPrincipal? user) => ParseRole(user?.FindFirst(ClaimTypes.Role)?.Value);

    private static EscalationRole? ParseRole(string? name) => name switch
    {
        "manager" => EscalationRole.Manager,
        "chair" => EscalationRole.Chair,
        _ => null,
    };

    /// <summary>
    /// Only a path inside the console: never another site ("//evil", "/\evil") or another part of this one
    /// ("/console/../", also percent-encoded or split by a tab or newline, which browsers drop).
    /// </summary>
    private static string? LocalReturnUrl(string? url) =>
        url is { Length: > 0 } && url.StartsWith("/console/", StringComparison.Ordinal) && !url.Contains('\\', StringComparison.Ordinal) && !url.StartsWith("//", StringComparison.Ordinal)
            && !url.Any(char.IsControl) && !Uri.UnescapeDataString(url.Split('?', '#')[0]).Split('/').Any(segment => segment is "." or "..")
            ? url
            : null;

    private static bool WantsHtml(HttpRequest request) =>
        request.Headers.Accept.Any(a => a is not null && (a.Contains("text/html", StringComparison.OrdinalIgnoreCase) || a.Contains("*/*", StringComparison.Ordinal)))
        && !string.Equals(request.Headers.XRequestedWith, "XMLHttpRequest", StringComparison.Ordinal);

    private static IResult Html(string html, int status = StatusCodes.Status200OK) => Results.Content(html, "text/html; charset=utf-8", statusCode: status);

    /// <summary>303: after a POST the browser fetches the page with GET, so a reload does not repeat the action.</summary>
    private sealed class SeeOther(string url) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = url;
            return Task.CompletedTask;
        }
    }
}
