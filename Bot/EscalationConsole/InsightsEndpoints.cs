using Microsoft.AspNetCore.Antiforgery;
using WWPS.PolicyBot.Cognitive;
using WWPS.PolicyBot.Dialogs.Escalations;
using WWPS.PolicyBot.Dialogs.Insights;

namespace WWPS.PolicyBot.EscalationConsole;

/// <summary>
/// <c>/console/insights</c>: what the questions tell the Manager (both roles read it), and her decisions about single
/// questions (only she makes them). Questions are named in addresses and forms by <see cref="QuestionKey.Id"/>, never
/// by their words, which would end up in request logs. Every read and decision is audited, with ids only.
/// </summary>
internal static partial class ConsoleEndpoints
{
    /// <summary>Rows shown per table; the rest are counted, and a week's page shows that week alone.</summary>
    internal const int MaxInsightRows = 200;

    private const string InsightsPath = "/console/insights";

    // How long a page waits for questions recorded moments ago to be written before it shows what is there.
    private static readonly TimeSpan FlushWait = TimeSpan.FromSeconds(5);

    private static readonly Dictionary<string, string> InsightNotices = new(StringComparer.Ordinal)
    {
        ["covered"] = "Done: the bot now answers this question, and the same question worded the same way, from that clause.",
        ["told"] = "Done: the bot now gives your answer to this question, and the same question worded the same way.",
        ["forgotten"] = "Done: the bot answers this question from the policy alone again.",
        ["no-clause"] = "Choose one of the policy's clauses: nothing was changed.",
        ["answer-empty"] = "Write the answer the bot should give: nothing was changed.",
        ["answer-too-long"] = $"That answer is too long ({ManagerDecisions.MaxAnswerLength} characters at most): nothing was changed.",
        ["full"] = $"There are already {ManagerDecisions.MaxDecisions} decisions: forget some before making new ones. Nothing was changed.",
    };

    private static void MapInsights(RouteGroupBuilder console)
    {
        var insights = console.MapGroup("/insights").RequireAuthorization(Policy);
        insights.MapGet("/", InsightsAsync);
        insights.MapGet("/questions/{id}", InsightQuestionAsync);
        var decide = insights.MapGroup("/questions/{id}").AddEndpointFilter(RequireTokenAsync);
        decide.MapPost("/cover", (HttpContext http, string id, InsightsService service, CognitiveServices cognitive, EscalationService escalations, ConsoleLog log, CancellationToken ct) =>
            DecideAsync(http, id, service, escalations, log, AuditActions.InsightCovered, async (row, form, decisions, actor) =>
            {
                var clause = form["clause"].ToString();
                if (cognitive.Policy.Find(clause) is null)
                {
                    return ("no-clause", null);
                }

                var decision = new ManagerDecision(row.Key, row.Question, clause, null, actor, escalations.Time.GetUtcNow());
                return await decisions.DecideAsync(decision, ct).ConfigureAwait(false) ? ("covered", clause) : ("full", null);
            }, ct));
        decide.MapPost("/tell", (HttpContext http, string id, InsightsService service, EscalationService escalations, ConsoleLog log, CancellationToken ct) =>
            DecideAsync(http, id, service, escalations, log, AuditActions.InsightTold, async (row, form, decisions, actor) =>
            {
                var answer = string.Join(' ', form["answer"].ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
                if (answer.Length == 0)
                {
                    return ("answer-empty", null);
                }

                if (answer.Length > ManagerDecisions.MaxAnswerLength)
                {
                    return ("answer-too-long", null);
                }

                var decision = new ManagerDecision(row.Key, row.Question, null, answer, actor, escalations.Time.GetUtcNow());
                return await decisions.DecideAsync(decision, ct).ConfigureAwait(false) ? ("told", "") : ("full", null);
            }, ct));
        decide.MapPost("/forget", (HttpContext http, string id, InsightsService service, EscalationService escalations, ConsoleLog log, CancellationToken ct) =>
            DecideAsync(http, id, service, escalations, log, AuditActions.InsightForgotten, async (row, _, decisions, _) =>
                await decisions.RemoveAsync(row.Key, ct).ConfigureAwait(false) ? ("forgotten", "") : ("forgotten", null), ct));
    }

    private static async Task<IResult> InsightsAsync(
        HttpContext http, string? week, InsightsService insights, EscalationService service, CognitiveServices cognitive, IAntiforgery antiforgery, CancellationToken ct)
    {
        var role = RoleOf(http.User)!.Value;
        await service.Store.AuditAsync(null, EscalationAccess.StaffActor(role), AuditActions.InsightsViewed, ct).ConfigureAwait(false);
        var kept = insights.KeptWeeks();
        var shown = week is not null && kept.Contains(week, StringComparer.Ordinal) ? week : null;
        var report = await ReportAsync(insights, shown is null ? kept : [shown], ct).ConfigureAwait(false);
        return Html(ConsolePages.Insights(Viewer(http, role, service, antiforgery), report, kept, shown, cognitive.Policy, insights.Options.Retention));
    }

    private static async Task<IResult> InsightQuestionAsync(
        HttpContext http, string id, string? done, InsightsService insights, EscalationService service, CognitiveServices cognitive, IAntiforgery antiforgery,
        CancellationToken ct)
    {
        var role = RoleOf(http.User)!.Value;
        var viewer = Viewer(http, role, service, antiforgery);
        if (await FindQuestionAsync(insights, id, ct).ConfigureAwait(false) is not { } question)
        {
            return Html(ConsolePages.InsightNotFound(viewer), StatusCodes.Status404NotFound);
        }

        await service.Store.AuditAsync(null, EscalationAccess.StaffActor(role), $"{AuditActions.InsightViewed}:{question.Id}", ct).ConfigureAwait(false);
        var notice = done is not null && InsightNotices.TryGetValue(done, out var text) ? text : null;
        return Html(ConsolePages.InsightQuestion(viewer, question, notice, role == EscalationRole.Manager, cognitive.Policy));
    }

    /// <summary>
    /// One decision about the question with this id, by the Manager only (the Chair gets 403; an id nothing is kept for,
    /// 404). <paramref name="decide"/> returns the notice to show and what to audit after the action (null: nothing
    /// changed, nothing audited). Ends on the question's page.
    /// </summary>
    private static async Task<IResult> DecideAsync(
        HttpContext http, string id, InsightsService insights, EscalationService service, ConsoleLog log, string action,
        Func<InsightQuestion, IFormCollection, ManagerDecisions, string, Task<(string Notice, string? Audit)>> decide, CancellationToken ct)
    {
        var role = RoleOf(http.User)!.Value;
        var actor = EscalationAccess.StaffActor(role);
        if (role != EscalationRole.Manager)
        {
            await service.Store.AuditAsync(null, actor, AuditActions.Denied, ct).ConfigureAwait(false);
            return Html(ConsolePages.ManagerOnly(Viewer(http, role, service, http.RequestServices.GetRequiredService<IAntiforgery>())), StatusCodes.Status403Forbidden);
        }

        if (await FindQuestionAsync(insights, id, ct).ConfigureAwait(false) is not { } question)
        {
            return Results.NotFound();
        }

        var form = await http.Request.ReadFormAsync(ct).ConfigureAwait(false);
        var (notice, audit) = await decide(question, form, insights.Decisions, actor).ConfigureAwait(false);
        if (audit is not null)
        {
            await service.Store.AuditAsync(null, actor, audit.Length == 0 ? $"{action}:{question.Id}" : $"{action}:{audit}:{question.Id}", ct).ConfigureAwait(false);
        }

        log.Decided(role, action, notice);
        return new SeeOther($"{InsightsPath}/questions/{question.Id}?done={notice}");
    }

    /// <summary>
    /// The question with this id as the console knows it: from the weeks kept (not covered, not helpful) and from the
    /// decisions (a decision outlives the weeks its question was counted in). Null when neither has it.
    /// </summary>
    private static async Task<InsightQuestion?> FindQuestionAsync(InsightsService insights, string id, CancellationToken ct)
    {
        var report = await ReportAsync(insights, insights.KeptWeeks(), ct).ConfigureAwait(false);
        var rows = report.Question(id);
        var decisions = await insights.Decisions.AllAsync(ct).ConfigureAwait(false);
        var decision = decisions.FirstOrDefault(d => QuestionKey.Id(d.Key) == id);
        if (rows.Count == 0 && decision is null)
        {
            return null;
        }

        var key = rows.Count > 0 ? rows[0].Key : decision!.Key;
        return new InsightQuestion(id, key, rows.Count > 0 ? rows[0].Question : decision!.Question, rows, decision);
    }

    /// <summary>The report over <paramref name="weeks"/>, after waiting briefly for what was recorded moments ago to be written.</summary>
    private static async Task<InsightsReport> ReportAsync(InsightsService insights, IReadOnlyList<string> weeks, CancellationToken ct)
    {
        if (insights.Recorder is { } recorder)
        {
            try
            {
                await recorder.FlushAsync(ct).WaitAsync(FlushWait, ct).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Storage is slow: show what is written; the rest appears on the next look.
            }
        }

        var stored = await insights.Store.ReadWeeksAsync(weeks, ct).ConfigureAwait(false);
        var decisions = await insights.Decisions.AllAsync(ct).ConfigureAwait(false);
        return InsightsReport.From(stored, decisions);
    }
}

/// <summary>One question on its own page: how it came up (not covered, not helpful by clause) and what was decided.</summary>
internal sealed record InsightQuestion(string Id, string Key, string Question, IReadOnlyList<QuestionRow> Rows, ManagerDecision? Decision);
