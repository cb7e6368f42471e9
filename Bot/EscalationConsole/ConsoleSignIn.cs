using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using WWPS.PolicyBot.Dialogs.Escalations;

namespace WWPS.PolicyBot.EscalationConsole;

/// <summary>
/// Signing in and out of the console: the password checked against the role's hash, wrong ones counted by
/// <see cref="ConsoleLockout"/> (the Manager told in chat by <see cref="ConsoleAlerts"/> of a lockout), and a
/// server-side session (<see cref="ConsoleSessions"/>) behind the cookie.
/// </summary>
internal static partial class ConsoleEndpoints
{
    private static IResult LoginPage(HttpContext http, ConsoleOptions options, EscalationService service, IAntiforgery antiforgery, string? returnUrl)
    {
        if (!options.IsSetUp)
        {
            return Html(ConsolePages.NotSetUp(), StatusCodes.Status503ServiceUnavailable);
        }

        return RoleOf(http.User) is not null
            ? new SeeOther(LocalReturnUrl(returnUrl) ?? ListPath)
            : LoginForm(http, options, service, antiforgery, error: null, returnUrl, StatusCodes.Status200OK);
    }

    private static async Task<IResult> SignInAsync(
        HttpContext http, ConsoleOptions options, ConsoleLockout lockout, ConsoleSessions sessions, ConsoleAlerts alerts, EscalationService service,
        IAntiforgery antiforgery, ConsoleLog log, CancellationToken ct)
    {
        if (!options.IsSetUp)
        {
            return Html(ConsolePages.NotSetUp(), StatusCodes.Status503ServiceUnavailable);
        }

        var form = await http.Request.ReadFormAsync(ct).ConfigureAwait(false);
        var returnUrl = form["returnUrl"].ToString();
        if (ParseRole(form["role"].ToString()) is not { } role || options.HashFor(role) is not { } hash)
        {
            return LoginForm(http, options, service, antiforgery, "Choose whether you are the Manager or the Chair.", returnUrl, StatusCodes.Status400BadRequest);
        }

        var actor = EscalationAccess.StaffActor(role);
        var title = EscalationPerson.RoleTitle(role);
        var client = Plumbing.ClientAddress.Key(http);
        if (await lockout.TryBeginAsync(client, role, ct).ConfigureAwait(false) is { } wait)
        {
            await service.Store.AuditAsync(null, actor, AuditActions.SignInFailed, ct).ConfigureAwait(false);
            log.Refused(role, "locked");
            return LoginForm(http, options, service, antiforgery, Locked(title, wait), returnUrl, StatusCodes.Status429TooManyRequests);
        }

        if (!ConsolePassword.Verify(form["password"].ToString(), hash))
        {
            var locked = await lockout.FailAsync(client, role, ct).ConfigureAwait(false);
            await service.Store.AuditAsync(null, actor, locked is null ? AuditActions.SignInFailed : AuditActions.LockedOut, ct).ConfigureAwait(false);
            log.Refused(role, locked is null ? "wrong password" : "wrong password; locked");
            if (locked is { } lockedFor)
            {
                alerts.LockedOut(role, options.LockoutFailures, lockedFor);
                return LoginForm(http, options, service, antiforgery, Locked(title, lockedFor), returnUrl, StatusCodes.Status429TooManyRequests);
            }

            return LoginForm(http, options, service, antiforgery, "That password is not right.", returnUrl, StatusCodes.Status401Unauthorized);
        }

        await lockout.SucceedAsync(client, role, ct).ConfigureAwait(false);
        var session = await sessions.StartAsync(role, ct).ConfigureAwait(false);
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Role, actor), new Claim(FingerprintClaim, ConsolePassword.Fingerprint(hash)), new Claim(SessionClaim, session)],
            Scheme, ClaimTypes.Role, ClaimTypes.Role);
        await http.SignInAsync(Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = false }).ConfigureAwait(false);
        await service.Store.AuditAsync(null, actor, AuditActions.SignedIn, ct).ConfigureAwait(false);
        log.SignedIn(role);
        return new SeeOther(LocalReturnUrl(returnUrl) ?? ListPath);
    }

    private static async Task<IResult> SignOutAsync(HttpContext http, EscalationService service, ConsoleSessions sessions, CancellationToken ct)
    {
        if (RoleOf(http.User) is { } role)
        {
            await service.Store.AuditAsync(null, EscalationAccess.StaffActor(role), AuditActions.SignedOut, ct).ConfigureAwait(false);
        }

        // The server forgets the session first: the cookie is only cleared in this browser, and a copy of it elsewhere
        // must stop working too.
        await sessions.EndAsync(http.User.FindFirst(SessionClaim)?.Value, ct).ConfigureAwait(false);
        await http.SignOutAsync(Scheme).ConfigureAwait(false);
        return new SeeOther("/console/login");
    }

    private static IResult LoginForm(
        HttpContext http, ConsoleOptions options, EscalationService service, IAntiforgery antiforgery, string? error, string? returnUrl, int status)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        return Html(ConsolePages.Login(options, service.Options, tokens.FormFieldName, tokens.RequestToken!, error, LocalReturnUrl(returnUrl)), status);
    }

    private static string Locked(string title, TimeSpan wait) =>
        $"Too many wrong passwords: signing in as the {title} from here is locked for {Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes))} minutes.";
}
