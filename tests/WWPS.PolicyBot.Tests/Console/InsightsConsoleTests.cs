using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using WWPS.PolicyBot.Dialogs.Escalations;
using WWPS.PolicyBot.Tests.DirectLine;
using WWPS.PolicyBot.Tests.Support;

namespace WWPS.PolicyBot.Tests.EscalationConsole;

/// <summary>
/// <c>/console/insights</c> against the running app over real HTTP: a question the policy does not cover, asked in the
/// web chat, reaches the Manager's Insights page with its phone number taken out; once she marks it covered by a
/// clause, the same question (and the same one with another number) is answered from that clause.
/// </summary>
[Trait("Category", "Slow")]
public sealed partial class InsightsConsoleTests
{
    private const string Question = "Can I bring my dog to the summer fair? Text me on 07700 900123";
    private const string Redacted = "Can I bring my dog to the summer fair? Text me on [PHONE]";
    private const string NotCovered = "The Social Networking Policy doesn't cover that";

    [Fact]
    public async Task AnUnansweredQuestionShowsRedactedAndOnceCoveredByAClauseIsAnsweredFromIt()
    {
        await using var bot = await RunningBot.StartAsync(ConsoleBrowser.Settings());
        var parent = await new DirectLineClient(bot.Client).StartAsync("dl_parent", "Pat");
        await parent.ReadNewAsync();
        Assert.StartsWith(NotCovered, Assert.Single(await parent.SayAndReadWordsAsync(Question)), StringComparison.Ordinal);

        using var manager = new ConsoleBrowser(bot.BaseAddress);
        await manager.SignInAsManagerAsync();
        var list = await manager.GetAsync("/console/escalations");
        Assert.Contains("<a href=\"/console/insights\">Insights</a>", list.Body, StringComparison.Ordinal);

        var insights = await manager.GetAsync("/console/insights");
        Assert.Equal(HttpStatusCode.OK, insights.Status);
        Assert.Contains(Redacted, insights.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("07700", insights.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("900123", insights.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("Pat", insights.Body, StringComparison.Ordinal);
        Assert.Matches(@"<tr><td>\d{4}-W\d{2}</td><td>None \(not covered\)</td><td>1</td><td>0</td><td>0</td></tr>", insights.Body);
        var id = QuestionLink().Match(insights.Body).Groups[1].Value;
        Assert.NotEmpty(id);

        var page = await manager.GetAsync($"/console/insights/questions/{id}");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains($"<blockquote class=\"text\" id=\"question\">{Redacted}</blockquote>", page.Body, StringComparison.Ordinal);
        Assert.Contains("<dd id=\"decision\">None yet</dd>", page.Body, StringComparison.Ordinal);
        Assert.Contains("<option value=\"methods-2\">Welfare of children and adults (methods-2)</option>", page.Body, StringComparison.Ordinal);

        var covered = await manager.PostAsync($"/console/insights/questions/{id}/cover", true, ("clause", "methods-2"));
        Assert.Equal(HttpStatusCode.SeeOther, covered.Status);
        Assert.Equal($"/console/insights/questions/{id}?done=covered", covered.Location);
        var after = await manager.GetAsync(covered.Location!);
        Assert.Contains("the bot now answers this question", after.Body, StringComparison.Ordinal);
        Assert.Contains("<dd id=\"decision\">Covered by Welfare of children and adults (methods-2)</dd>", after.Body, StringComparison.Ordinal);

        // Used at once: the same question, and the same one with someone else's number, are answered from the clause.
        var again = Assert.Single(await parent.SayAndReadWordsAsync(Question));
        Assert.Contains("**Welfare of children and adults** [methods-2]", again, StringComparison.Ordinal);
        Assert.DoesNotContain(NotCovered, again, StringComparison.Ordinal);
        var other = await new DirectLineClient(bot.Client).StartAsync("dl_other", "Alex");
        await other.ReadNewAsync();
        Assert.Contains("[methods-2]", Assert.Single(await other.SayAndReadWordsAsync("can i bring my dog to the summer fair - text me on 07700 900 456")), StringComparison.Ordinal);

        var audit = await bot.Services.GetRequiredService<IEscalationStore>().GetAuditAsync(null, default);
        Assert.Contains(audit, a => a.Actor == "manager" && a.Action == AuditActions.InsightsViewed);
        Assert.Contains(audit, a => a.Actor == "manager" && a.Action == $"{AuditActions.InsightCovered}:methods-2:{id}");
    }

    [Fact]
    public async Task TheChairSeesInsightsButOnlyTheManagerDecides()
    {
        await using var bot = await RunningBot.StartAsync(ConsoleBrowser.Settings());
        var parent = await new DirectLineClient(bot.Client).StartAsync("dl_parent", "Pat");
        await parent.ReadNewAsync();
        await parent.SayAndReadWordsAsync(Question);

        using var chair = new ConsoleBrowser(bot.BaseAddress);
        Assert.Equal(HttpStatusCode.SeeOther, (await chair.SignInAsync("chair", ConsoleBrowser.ChairPassword)).Status);
        var insights = await chair.GetAsync("/console/insights");
        Assert.Contains(Redacted, insights.Body, StringComparison.Ordinal);
        var id = QuestionLink().Match(insights.Body).Groups[1].Value;

        var page = await chair.GetAsync($"/console/insights/questions/{id}");
        Assert.Contains("Only the Manager can change how the bot answers a question.", page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("/tell\"", page.Body, StringComparison.Ordinal);
        var refused = await chair.PostAsync($"/console/insights/questions/{id}/tell", true, ("answer", "Dogs are welcome on a lead."));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.StartsWith(NotCovered, Assert.Single(await parent.SayAndReadWordsAsync(Question)), StringComparison.Ordinal);

        // Without the form token, even the Manager's decision is refused; and a question nobody asked is not found.
        using var manager = new ConsoleBrowser(bot.BaseAddress);
        await manager.SignInAsManagerAsync();
        await manager.GetAsync($"/console/insights/questions/{id}");
        Assert.Equal(HttpStatusCode.BadRequest, (await manager.PostAsync($"/console/insights/questions/{id}/tell", false, ("answer", "Dogs are welcome."))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync("/console/insights/questions/0123456789abcdef")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.PostAsync("/console/insights/questions/0123456789abcdef/tell", true, ("answer", "Hello"))).Status);

        // Her answer replaces "not covered" for that question; forgetting it brings "not covered" back.
        var told = await manager.PostAsync($"/console/insights/questions/{id}/tell", true, ("answer", "Dogs are welcome on a lead, <b>outside</b> the hall."));
        Assert.Equal($"/console/insights/questions/{id}?done=told", told.Location);
        Assert.Contains("Not covered: tells them \u201cDogs are welcome on a lead, &lt;b&gt;outside&lt;/b&gt; the hall.\u201d", (await manager.GetAsync(told.Location!)).Body, StringComparison.Ordinal);
        Assert.StartsWith("Dogs are welcome on a lead, <b>outside</b> the hall.", Assert.Single(await parent.SayAndReadWordsAsync(Question)), StringComparison.Ordinal);
        Assert.Equal($"/console/insights/questions/{id}?done=forgotten", (await manager.PostAsync($"/console/insights/questions/{id}/forget")).Location);
        Assert.StartsWith(NotCovered, Assert.Single(await parent.SayAndReadWordsAsync(Question)), StringComparison.Ordinal);

        var audit = await bot.Services.GetRequiredService<IEscalationStore>().GetAuditAsync(null, default);
        Assert.Contains(audit, a => a.Actor == "chair" && a.Action == AuditActions.Denied);
        Assert.Contains(audit, a => a.Actor == "manager" && a.Action == $"{AuditActions.InsightTold}:{id}");
        Assert.Contains(audit, a => a.Actor == "manager" && a.Action == $"{AuditActions.InsightForgotten}:{id}");
        Assert.DoesNotContain(audit, a => a.Action.Contains("dog", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task WithoutSigningInInsightsAreNotShown()
    {
        await using var bot = await RunningBot.StartAsync(ConsoleBrowser.Settings());
        var parent = await new DirectLineClient(bot.Client).StartAsync("dl_parent", "Pat");
        await parent.ReadNewAsync();
        await parent.SayAndReadWordsAsync(Question);
        using var browser = new ConsoleBrowser(bot.BaseAddress);

        foreach (var path in new[] { "/console/insights", "/console/insights?week=2026-W01", "/console/insights/questions/0123456789abcdef" })
        {
            var page = await browser.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, page.Status);
            Assert.DoesNotContain("summer fair", page.Body, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex("<a href=\"/console/insights/questions/([0-9a-f]{16})\">Can I bring my dog")]
    private static partial Regex QuestionLink();
}
