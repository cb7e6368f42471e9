using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using WWPS.PolicyBot.Cognitive.Policy;
using WWPS.PolicyBot.Dialogs.Escalations;

namespace WWPS.PolicyBot.Dialogs.Insights;

/// <summary>What one look at the digest did.</summary>
internal enum DigestOutcome
{
    /// <summary>No digest: turned off, escalation not configured, or the Manager has no chat identity.</summary>
    Off,

    /// <summary>This week's digest time has not come yet.</summary>
    NotYet,

    /// <summary>Sent, being sent, or given up on, by this instance or another.</summary>
    Done,

    Sent,

    /// <summary>Could not be delivered; tried again later, a few times.</summary>
    Failed,
}

/// <summary>
/// Once a week (at <see cref="InsightsOptions.DigestDay"/> and <see cref="InsightsOptions.DigestTime"/> in the preschool's
/// time zone) a short message in the Manager's chat with last week's counts: questions not covered, answers marked not
/// helpful and clarifications chosen, by clause. Counts only: the questions are on the console's Insights page.
/// With several instances of the bot, each looks; the one whose claim on the week (an ETag-guarded write) lands
/// first sends, and the others find it claimed.
/// </summary>
internal sealed partial class InsightsDigest(InsightsService insights, EscalationService escalations, PolicyDocument policy, TimeProvider time, ILogger logger)
{
    /// <summary>Tries for one week's digest: a Manager whose chat is not reachable yet is not tried all week.</summary>
    public const int MaxAttempts = 3;

    /// <summary>
    /// After a claim, how long before another attempt may be made: longer than any send takes, so that an instance's
    /// claim is never taken over while it is still sending.
    /// </summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromMinutes(30);

    public async Task<DigestOutcome> SendIfDueAsync(CancellationToken cancellationToken)
    {
        var options = insights.Options;
        if (options.DigestDay is not { } day || !escalations.Options.IsEnabled || escalations.Options.Manager?.Chat is null)
        {
            return DigestOutcome.Off;
        }

        var now = time.GetUtcNow();
        var thisWeek = InsightWeeks.Of(now, options.Zone);
        var due = InsightWeeks.At(InsightWeeks.Monday(thisWeek).AddDays(((int)day + 6) % 7), options.DigestTime, options.Zone);
        if (now < due)
        {
            return DigestOutcome.NotYet;
        }

        var week = InsightWeeks.Add(thisWeek, -1);
        if (await insights.Store.ClaimDigestAsync(week, now, RetryAfter, MaxAttempts, cancellationToken).ConfigureAwait(false) is not { } claim)
        {
            return DigestOutcome.Done;
        }

        var stored = await insights.Store.ReadWeeksAsync([week], cancellationToken).ConfigureAwait(false);
        var counts = stored.Count > 0 ? stored[0] : new InsightWeek { Week = week };
        if (!await escalations.TellStaffAsync(EscalationRole.Manager, Compose(counts, policy), cancellationToken).ConfigureAwait(false))
        {
            NotSent(logger, week, claim.Attempts);
            return DigestOutcome.Failed;
        }

        await insights.Store.MarkDigestSentAsync(week, cancellationToken).ConfigureAwait(false);
        Sent(logger, week);
        return DigestOutcome.Sent;
    }

    /// <summary>The digest of one week: a line per kind, with the clauses concerned. No question's words.</summary>
    internal static string Compose(InsightWeek week, PolicyDocument policy)
    {
        ArgumentNullException.ThrowIfNull(week);
        ArgumentNullException.ThrowIfNull(policy);
        var notCovered = week.Entries.Where(e => e.Kind == InsightKind.NotCovered).ToList();
        var notHelpful = week.Entries.Where(e => e.Kind == InsightKind.NotHelpful).ToList();
        var clarified = week.Entries.Where(e => e.Kind == InsightKind.Clarified).ToList();
        var text = new StringBuilder($"PolicyBot insights for last week ({week.Week}, {InsightWeeks.Describe(week.Week)}):");
        if (notCovered.Count + notHelpful.Count + clarified.Count == 0)
        {
            return text.Append(" no questions the policy didn't cover, no answers marked not helpful and no clarifications chosen.").ToString();
        }

        var total = notCovered.Sum(e => e.Count);
        var distinct = notCovered.Count(e => e.Question is not null);
        text.Append(CultureInfo.InvariantCulture, $"\n- {Plural(total, "question")} the policy didn't cover")
            .Append(total > 0 && distinct > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({distinct} different)") : "");
        text.Append(CultureInfo.InvariantCulture, $"\n- {Plural(notHelpful.Sum(e => e.Count), "answer")} marked not helpful").Append(ByClause(notHelpful, policy));
        text.Append(CultureInfo.InvariantCulture, $"\n- {Plural(clarified.Sum(e => e.Count), "clarification")} chosen after \"Do you mean …?\"").Append(ByClause(clarified, policy));
        return text.Append("\nThe questions, with personal details taken out, are on the console's Insights page (/console/insights).").ToString();
    }

    private static string ByClause(List<InsightEntry> entries, PolicyDocument policy)
    {
        if (entries.Count == 0)
        {
            return "";
        }

        var parts = entries.GroupBy(e => e.Clause)
            .Select(g => (Name: g.Key is null ? "something else" : $"{policy.Find(g.Key)?.Title ?? g.Key} [{g.Key}]", Count: g.Sum(e => e.Count)))
            .OrderByDescending(p => p.Count)
            .ThenBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name} {p.Count}"));
        return ": " + string.Join(", ", parts);
    }

    private static string Plural(int count, string noun) => string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? "" : "s")}");

    [LoggerMessage(Level = LogLevel.Information, Message = "Insights: the digest for {Week} was sent to the Manager")]
    private static partial void Sent(ILogger logger, string week);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Insights: the digest for {Week} could not be sent to the Manager (attempt {Attempt})")]
    private static partial void NotSent(ILogger logger, string week, int attempt);
}
