using WWPS.PolicyBot.Cognitive.Answering;

namespace WWPS.PolicyBot.Dialogs.Insights;

/// <summary>Insights settings: the preschool's time zone and retention, from the escalation settings, and the digest's time.</summary>
/// <param name="Retention">How long anything is kept (<c>Escalation:RetentionDays</c>): a week goes once its Monday is older.</param>
/// <param name="DigestDay">The day the weekly digest is sent (about the week before); null for no digest.</param>
/// <param name="DigestTime">Its time, in <paramref name="Zone"/>.</param>
internal sealed record InsightsOptions(TimeZoneInfo Zone, TimeSpan Retention, DayOfWeek? DigestDay, TimeOnly DigestTime)
{
    public static InsightsOptions Default { get; } = new(TimeZoneInfo.Utc, TimeSpan.FromDays(90), DayOfWeek.Monday, new TimeOnly(9, 0));
}

/// <summary>
/// Insights as the dialogs, the console and the digest see them: the recorder, the Manager's decisions and the weeks
/// kept. <see cref="Recorder"/> is null when nobody could read what it would record (the Manager and the Chair are not
/// configured), so nothing is kept for no one; decisions already made still apply.
/// </summary>
internal sealed class InsightsService(InsightsStore store, InsightsRecorder? recorder, ManagerDecisions decisions, InsightsOptions options, TimeProvider time)
{
    public InsightsStore Store => store;

    public InsightsRecorder? Recorder => recorder;

    public ManagerDecisions Decisions => decisions;

    public InsightsOptions Options => options;

    /// <summary>
    /// The answer the Manager decided for a question worded like <paramref name="question"/> (see
    /// <see cref="QuestionKey"/>): from the clause she chose, or her "not covered: tell them …" answer (abstaining, with
    /// a person still offered). Null when she decided nothing about it, or chose a clause the policy no longer has.
    /// </summary>
    public async Task<PolicyAnswer?> DecidedAnswerAsync(string question, PolicyAnswerer answerer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(answerer);
        if (await decisions.FindAsync(question, cancellationToken).ConfigureAwait(false) is not { } decision)
        {
            return null;
        }

        return decision switch
        {
            { Clause: { } clause } => answerer.AnswerFrom(question, clause),
            { Answer: { Length: > 0 } answer } => new PolicyAnswer(question, Abstained: true, answer, [], EscalationOffered: true),
            _ => null,
        };
    }

    /// <summary>The week it is now, in the preschool's time zone.</summary>
    public string ThisWeek => InsightWeeks.Of(time.GetUtcNow(), options.Zone);

    /// <summary>The weeks still kept, newest first: back to the first whose Monday is within the retention period.</summary>
    public IReadOnlyList<string> KeptWeeks()
    {
        var weeks = new List<string>();
        var expired = LastExpiredWeek();
        for (var week = ThisWeek; string.CompareOrdinal(week, expired) > 0; week = InsightWeeks.Add(week, -1))
        {
            weeks.Add(week);
        }

        return weeks;
    }

    /// <summary>Deletes the weeks whose Monday is older than the retention period; returns how many went.</summary>
    public Task<int> PurgeAsync(CancellationToken cancellationToken) => store.PurgeAsync(LastExpiredWeek(), cancellationToken);

    /// <summary>The newest week that has begun more than the retention period ago: it and all before it go.</summary>
    private string LastExpiredWeek() => InsightWeeks.Of(time.GetUtcNow() - options.Retention, options.Zone);
}
