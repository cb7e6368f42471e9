namespace WWPS.PolicyBot.Dialogs.Insights;

/// <summary>A question as the console lists it: its total over the weeks shown, the weeks it came up, and what the Manager decided.</summary>
/// <param name="Id"><see cref="QuestionKey.Id"/>: how a page and a form name it without putting its words in a URL.</param>
/// <param name="Clause">Not helpful: the clause the answer gave.</param>
/// <param name="Weeks">Newest first.</param>
internal sealed record QuestionRow(string Id, string Key, string Question, string? Clause, int Count, IReadOnlyList<string> Weeks, ManagerDecision? Decision);

/// <param name="Chosen">The clause chosen; null for "Something else".</param>
internal sealed record ClarificationRow(string Question, IReadOnlyList<string> Offered, string? Chosen, int Count, IReadOnlyList<string> Weeks);

/// <summary>One week's counts for one clause (or none: questions not covered; "Something else" after "Do you mean …?").</summary>
internal sealed record CountRow(string Week, string? Clause, int NotCovered, int NotHelpful, int Chosen);

/// <summary>Questions counted without their words because their week had reached its cap.</summary>
internal sealed record UnkeptRow(string Week, InsightKind Kind, string? Clause, int Count);

/// <summary>
/// The weeks kept, put together for people: one row per question (its total and the weeks it came up in), the counts by
/// week and clause, and what was counted without its words. Rows are busiest first.
/// </summary>
internal sealed record InsightsReport(
    IReadOnlyList<QuestionRow> NotCovered,
    IReadOnlyList<QuestionRow> NotHelpful,
    IReadOnlyList<ClarificationRow> Clarified,
    IReadOnlyList<CountRow> Counts,
    IReadOnlyList<UnkeptRow> Unkept)
{
    /// <summary>The clause column of a count row for "Something else" chosen after "Do you mean …?".</summary>
    public const string SomethingElse = "something-else";

    /// <param name="weeks">Newest first.</param>
    /// <param name="decisions">Newest first.</param>
    public static InsightsReport From(IReadOnlyList<InsightWeek> weeks, IReadOnlyList<ManagerDecision> decisions)
    {
        ArgumentNullException.ThrowIfNull(weeks);
        ArgumentNullException.ThrowIfNull(decisions);
        var decided = new Dictionary<string, ManagerDecision>(StringComparer.Ordinal);
        foreach (var decision in decisions)
        {
            decided.TryAdd(decision.Key, decision);
        }

        var kept = weeks.SelectMany(w => w.Entries.Where(e => e.Question is not null && e.Key is not null).Select(e => (w.Week, Entry: e))).ToList();
        QuestionRow Row(IGrouping<(string Key, string? Clause), (string Week, InsightEntry Entry)> g) => new(
            QuestionKey.Id(g.Key.Key), g.Key.Key, g.First().Entry.Question!, g.Key.Clause, g.Sum(x => x.Entry.Count),
            [.. g.Select(x => x.Week).Distinct(StringComparer.Ordinal)], decided.GetValueOrDefault(g.Key.Key));

        var notCovered = kept.Where(x => x.Entry.Kind == InsightKind.NotCovered).GroupBy(x => (x.Entry.Key!, (string?)null)).Select(Row);
        var notHelpful = kept.Where(x => x.Entry.Kind == InsightKind.NotHelpful).GroupBy(x => (x.Entry.Key!, x.Entry.Clause)).Select(Row);
        var clarified = kept.Where(x => x.Entry.Kind == InsightKind.Clarified)
            .GroupBy(x => (x.Entry.Key!, x.Entry.Clause, Offered: string.Join(' ', x.Entry.Offered ?? [])))
            .Select(g => new ClarificationRow(
                g.First().Entry.Question!, g.First().Entry.Offered ?? [], g.Key.Clause, g.Sum(x => x.Entry.Count), [.. g.Select(x => x.Week).Distinct(StringComparer.Ordinal)]));

        var counts = weeks.SelectMany(w => w.Entries
                .GroupBy(e => e.Kind switch
                {
                    InsightKind.NotCovered => null,
                    InsightKind.Clarified when e.Clause is null => SomethingElse,
                    _ => e.Clause,
                })
                .Select(g => new CountRow(
                    w.Week,
                    g.Key,
                    g.Where(e => e.Kind == InsightKind.NotCovered).Sum(e => e.Count),
                    g.Where(e => e.Kind == InsightKind.NotHelpful).Sum(e => e.Count),
                    g.Where(e => e.Kind == InsightKind.Clarified).Sum(e => e.Count)))
                .OrderBy(r => r.Clause is null ? 0 : r.Clause == SomethingElse ? 2 : 1)
                .ThenBy(r => r.Clause, StringComparer.Ordinal))
            .ToList();
        var unkept = weeks.SelectMany(w => w.Entries.Where(e => e.Question is null).Select(e => new UnkeptRow(w.Week, e.Kind, e.Clause, e.Count))).ToList();

        return new InsightsReport(
            [.. notCovered.OrderByDescending(r => r.Count).ThenByDescending(r => r.Weeks[0], StringComparer.Ordinal)],
            [.. notHelpful.OrderByDescending(r => r.Count).ThenByDescending(r => r.Weeks[0], StringComparer.Ordinal)],
            [.. clarified.OrderByDescending(r => r.Count).ThenByDescending(r => r.Weeks[0], StringComparer.Ordinal)],
            counts,
            unkept);
    }

    /// <summary>The question with this <see cref="QuestionKey.Id"/>, not covered or not helpful (any clause); null when none is kept.</summary>
    public IReadOnlyList<QuestionRow> Question(string id) => [.. NotCovered.Concat(NotHelpful).Where(r => r.Id == id)];
}
