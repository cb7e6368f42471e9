using System.Globalization;
using System.Text;
using WWPS.PolicyBot.Cognitive.Policy;
using WWPS.PolicyBot.Dialogs.Insights;

namespace WWPS.PolicyBot.EscalationConsole;

/// <summary>The Insights pages: tables of what the questions showed, and one question's page with the Manager's decision.</summary>
internal static partial class ConsolePages
{
    public const string InsightsSection = "insights";

    public static string Insights(Viewer viewer, InsightsReport report, IReadOnlyList<string> kept, string? shown, PolicyDocument policy, TimeSpan retention)
    {
        var sb = new StringBuilder("<h1>Insights</h1>\n");
        sb.Append("<p>What people asked that the policy did not answer, answers marked not helpful, and the part of the policy chosen after ")
            .Append("\u201cDo you mean \u2026?\u201d, week by week, kept for ").Append(Days(retention))
            .Append(" days. Personal details are taken out ([PHONE], [NAME]\u2026) and who asked is not kept. Choose a question to decide how the bot answers it.</p>\n");
        sb.Append("<nav aria-label=\"Weeks\"><ul class=\"filters\">\n");
        sb.Append(CultureInfo.InvariantCulture, $"<li><a href=\"/console/insights\"{(shown is null ? " aria-current=\"page\"" : "")}>All weeks</a></li>\n");
        foreach (var week in kept)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<li><a href=\"/console/insights?week={week}\"{(week == shown ? " aria-current=\"page\"" : "")}>{week}</a></li>\n");
        }

        sb.Append("</ul></nav>\n");
        var scope = shown is null ? "all weeks kept" : $"week {shown} ({InsightWeeks.Describe(shown)})";

        sb.Append("<h2 id=\"counts\">Counts by week and clause</h2>\n");
        if (report.Counts.Count == 0)
        {
            sb.Append("<p>Nothing yet.</p>\n");
        }
        else
        {
            sb.Append(CultureInfo.InvariantCulture, $"<table>\n<caption>Counts by week and clause, {E(scope)}</caption>\n");
            sb.Append("<thead><tr><th scope=\"col\">Week</th><th scope=\"col\">Clause</th><th scope=\"col\">Not covered</th><th scope=\"col\">Not helpful</th>" +
                "<th scope=\"col\">Chosen after \u201cDo you mean \u2026?\u201d</th></tr></thead>\n<tbody>\n");
            foreach (var row in report.Counts)
            {
                var clause = row.Clause switch
                {
                    null => "None (not covered)",
                    InsightsReport.SomethingElse => "Something else",
                    _ => ClauseName(policy, row.Clause),
                };
                sb.Append(CultureInfo.InvariantCulture,
                    $"<tr><td>{row.Week}</td><td>{E(clause)}</td><td>{row.NotCovered}</td><td>{row.NotHelpful}</td><td>{row.Chosen}</td></tr>\n");
            }

            sb.Append("</tbody>\n</table>\n");
        }

        sb.Append("<h2 id=\"not-covered\">Questions the policy did not cover</h2>\n");
        QuestionTable(sb, report.NotCovered, withClause: false, $"Questions the policy did not cover, {scope}, most asked first", policy);
        sb.Append("<h2 id=\"not-helpful\">Answers marked not helpful</h2>\n");
        QuestionTable(sb, report.NotHelpful, withClause: true, $"Answers marked not helpful, {scope}, most often first", policy);

        sb.Append("<h2 id=\"clarified\">Clarifications chosen</h2>\n");
        if (report.Clarified.Count == 0)
        {
            sb.Append("<p>None.</p>\n");
        }
        else
        {
            sb.Append(CultureInfo.InvariantCulture, $"<table>\n<caption>{E($"Clauses chosen after \u201cDo you mean \u2026?\u201d, {scope}, most often first")}</caption>\n");
            sb.Append("<thead><tr><th scope=\"col\">Question</th><th scope=\"col\">Offered</th><th scope=\"col\">Chosen</th><th scope=\"col\">Times</th><th scope=\"col\">Weeks</th></tr></thead>\n<tbody>\n");
            foreach (var row in report.Clarified.Take(ConsoleEndpoints.MaxInsightRows))
            {
                sb.Append(CultureInfo.InvariantCulture,
                    $"<tr><td class=\"text\">{E(row.Question)}</td><td>{E(string.Join("; ", row.Offered.Select(c => ClauseName(policy, c))))}</td>" +
                    $"<td>{E(row.Chosen is null ? "Something else" : ClauseName(policy, row.Chosen))}</td><td>{row.Count}</td><td>{E(string.Join(", ", row.Weeks))}</td></tr>\n");
            }

            sb.Append("</tbody>\n</table>\n");
            More(sb, report.Clarified.Count);
        }

        foreach (var unkept in report.Unkept)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"<p class=\"hint\">In {unkept.Week}, {unkept.Count} more {Kind(unkept.Kind)} were counted without their words: the week had reached its limit of {InsightsStore.MaxQuestionsPerWeek} different questions.</p>\n");
        }

        return Layout("Insights \u2013 console", viewer, sb.ToString(), InsightsSection);
    }

    public static string InsightQuestion(Viewer viewer, InsightQuestion question, string? notice, bool canDecide, PolicyDocument policy)
    {
        var sb = new StringBuilder("<p><a href=\"/console/insights\">All insights</a></p>\n<h1>A question</h1>\n");
        if (notice is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<p class=\"notice\" role=\"status\">{E(notice)}</p>\n");
        }

        sb.Append(CultureInfo.InvariantCulture, $"<blockquote class=\"text\" id=\"question\">{E(question.Question)}</blockquote>\n<dl class=\"facts\">\n");
        foreach (var row in question.Rows)
        {
            var what = row.Clause is null ? "Not covered" : $"Not helpful (answered from {ClauseName(policy, row.Clause)})";
            sb.Append(CultureInfo.InvariantCulture, $"<dt>{E(what)}</dt><dd>{Times(row.Count)}, in {E(string.Join(", ", row.Weeks))}</dd>\n");
        }

        sb.Append(CultureInfo.InvariantCulture, $"<dt>Decision</dt><dd id=\"decision\">{E(Decision(question.Decision, policy))}</dd>\n</dl>\n");
        sb.Append("<h2>How the bot answers it</h2>\n");
        if (!canDecide)
        {
            sb.Append("<p>Only the Manager can change how the bot answers a question.</p>\n");
            return Layout("A question \u2013 insights \u2013 console", viewer, sb.ToString(), InsightsSection);
        }

        var action = $"/console/insights/questions/{question.Id}/";
        sb.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"{action}cover\" class=\"action\">\n{Hidden(viewer.TokenField, viewer.Token)}");
        sb.Append("<p><label for=\"clause\">Covered by clause</label><br>\n<select id=\"clause\" name=\"clause\" required>\n<option value=\"\">Choose a clause</option>\n");
        foreach (var clause in policy.Clauses)
        {
            var selected = question.Decision?.Clause == clause.Id ? " selected" : "";
            sb.Append(CultureInfo.InvariantCulture, $"<option value=\"{E(clause.Id)}\"{selected}>{E(ClauseName(policy, clause.Id))}</option>\n");
        }

        sb.Append("</select></p>\n<p><button type=\"submit\">Answer it from this clause</button> <span class=\"hint\">The bot then answers this question, " +
            "and the same question worded the same way (with anyone's details in place of [PHONE], [NAME]\u2026), from that clause.</span></p>\n</form>\n");

        sb.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"{action}tell\" class=\"action\">\n{Hidden(viewer.TokenField, viewer.Token)}");
        sb.Append(CultureInfo.InvariantCulture,
            $"<p><label for=\"answer\">Not covered: tell them</label><br>\n<textarea id=\"answer\" name=\"answer\" rows=\"4\" cols=\"60\" maxlength=\"{ManagerDecisions.MaxAnswerLength}\" required>");
        sb.Append(E(question.Decision?.Answer)).Append("</textarea></p>\n");
        sb.Append("<p><button type=\"submit\">Give this answer</button> <span class=\"hint\">In place of \u201cthe policy doesn\u2019t cover that\u201d; " +
            "they can still ask for the Manager or the Chair.</span></p>\n</form>\n");

        if (question.Decision is not null)
        {
            sb.Append(Button(viewer, action + "forget", "Forget the decision", "The bot answers this question from the policy alone again."));
        }

        return Layout("A question \u2013 insights \u2013 console", viewer, sb.ToString(), InsightsSection);
    }

    public static string InsightNotFound(Viewer viewer) =>
        Layout("Not found \u2013 console", viewer,
            "<h1>Not found</h1>\n<p>No such question is kept: it may be older than the retention period. <a href=\"/console/insights\">All insights</a></p>\n", InsightsSection);

    public static string ManagerOnly(Viewer viewer) =>
        Layout("Not allowed \u2013 console", viewer,
            "<h1>Only the Manager decides</h1>\n<p>Only the Manager can change how the bot answers a question. <a href=\"/console/insights\">All insights</a></p>\n", InsightsSection);

    private static void QuestionTable(StringBuilder sb, IReadOnlyList<QuestionRow> rows, bool withClause, string caption, PolicyDocument policy)
    {
        if (rows.Count == 0)
        {
            sb.Append("<p>None.</p>\n");
            return;
        }

        sb.Append(CultureInfo.InvariantCulture, $"<table>\n<caption>{E(caption)}</caption>\n<thead><tr><th scope=\"col\">Question</th>");
        sb.Append(withClause ? "<th scope=\"col\">Clause given</th>" : "");
        sb.Append("<th scope=\"col\">Times</th><th scope=\"col\">Weeks</th><th scope=\"col\">Decision</th></tr></thead>\n<tbody>\n");
        foreach (var row in rows.Take(ConsoleEndpoints.MaxInsightRows))
        {
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td class=\"text\"><a href=\"/console/insights/questions/{row.Id}\">{E(row.Question)}</a></td>");
            if (withClause)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<td>{E(row.Clause is null ? "" : ClauseName(policy, row.Clause))}</td>");
            }

            sb.Append(CultureInfo.InvariantCulture, $"<td>{row.Count}</td><td>{E(string.Join(", ", row.Weeks))}</td><td>{E(Decision(row.Decision, policy))}</td></tr>\n");
        }

        sb.Append("</tbody>\n</table>\n");
        More(sb, rows.Count);
    }

    private static void More(StringBuilder sb, int count)
    {
        if (count > ConsoleEndpoints.MaxInsightRows)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"<p class=\"hint\">{count - ConsoleEndpoints.MaxInsightRows} less frequent ones are not shown here: choose a week to see them.</p>\n");
        }
    }

    private static string Decision(ManagerDecision? decision, PolicyDocument policy) => decision switch
    {
        null => "None yet",
        { Clause: { } clause } => $"Covered by {ClauseName(policy, clause)}",
        _ => $"Not covered: tells them \u201c{decision.Answer}\u201d",
    };

    private static string ClauseName(PolicyDocument policy, string id) => policy.Find(id) is { } clause ? $"{clause.Title} ({clause.Id})" : id;

    private static string Kind(InsightKind kind) => kind switch
    {
        InsightKind.NotCovered => "questions the policy did not cover",
        InsightKind.NotHelpful => "answers marked not helpful",
        _ => "clarifications",
    };

    private static string Times(int count) => count == 1 ? "once" : string.Create(CultureInfo.InvariantCulture, $"{count} times");

    private static string Days(TimeSpan retention) => Math.Round(retention.TotalDays).ToString(CultureInfo.InvariantCulture);
}
