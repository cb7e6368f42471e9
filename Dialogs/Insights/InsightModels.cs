using System.Globalization;
using System.Text.Json.Serialization;

namespace WWPS.PolicyBot.Dialogs.Insights;

/// <summary>What a conversation taught the Manager about the policy.</summary>
internal enum InsightKind
{
    /// <summary>The bot said the policy does not cover the question.</summary>
    NotCovered,

    /// <summary>The user said an answer did not help; the clause it gave is kept with it.</summary>
    NotHelpful,

    /// <summary>After "Do you mean …?", the clause the user chose, or none ("Something else").</summary>
    Clarified,
}

/// <summary>
/// Something that happened in a conversation, as the dialogs report it: the user's words exactly as typed. It lives in
/// memory only until <see cref="InsightsRecorder"/> has redacted it; what is stored is an <see cref="InsightRecord"/>.
/// </summary>
/// <param name="Clause">Not helpful: the clause the answer gave. Clarified: the clause chosen, null for "Something else".</param>
/// <param name="Offered">Clarified: the clauses "Do you mean …?" offered, best first; empty otherwise.</param>
internal sealed record InsightEvent(InsightKind Kind, string Question, string? Clause, IReadOnlyList<string> Offered, DateTimeOffset At);

/// <summary>An event as it is stored: personal data replaced by placeholders, no user, no time finer than its ISO week.</summary>
internal sealed record InsightRecord(string Week, InsightKind Kind, string Question, string? Clause, IReadOnlyList<string> Offered);

/// <summary>One ISO week's insights: each distinct question (by <see cref="QuestionKey"/>) with how often it came up.</summary>
internal sealed record InsightWeek
{
    public string Week { get; set; } = "";

    public List<InsightEntry> Entries { get; set; } = [];
}

/// <summary>
/// How many times one question came up one way in a week. <see cref="Question"/> is null for the questions counted
/// after the week's cap of distinct questions was reached: their counts are kept (by kind and clause), their words are not.
/// </summary>
internal sealed record InsightEntry
{
    private string? _key;

    public InsightKind Kind { get; set; }

    /// <summary>The redacted question as first seen this week, at most <see cref="InsightsStore.MaxQuestionLength"/> characters.</summary>
    public string? Question { get; set; }

    /// <summary>
    /// <see cref="QuestionKey.Of"/> of <see cref="Question"/>: how the same question asked twice is recognised. Worked
    /// out when first needed rather than stored, which would nearly double the week's item.
    /// </summary>
    [JsonIgnore]
    public string? Key => Question is null ? null : _key ??= QuestionKey.Of(Question);

    public string? Clause { get; set; }

    public List<string>? Offered { get; set; }

    public int Count { get; set; }
}

/// <summary>
/// What the Manager decided about a question the policy did not settle: answer it (and questions worded like it) from
/// <see cref="Clause"/>, or, with no clause, reply with <see cref="Answer"/> in place of the generic "not covered".
/// </summary>
/// <param name="Key">The <see cref="QuestionKey"/> of the redacted question: what later questions are matched against.</param>
/// <param name="Question">The redacted question as the Manager saw it.</param>
/// <param name="By">The role that decided ("manager").</param>
internal sealed record ManagerDecision(string Key, string Question, string? Clause, string? Answer, string By, DateTimeOffset At);

/// <summary>Every decision, newest first: one stored item, so a change is one conditional write.</summary>
internal sealed record DecisionBook
{
    public List<ManagerDecision> Decisions { get; set; } = [];
}

/// <summary>
/// The weekly digest's progress for one week, shared by every instance of the bot: whoever changes it first (with the
/// ETag it read) sends, the others see it claimed and do not. <see cref="LastAttempt"/> lets a failed send be tried
/// again later without two instances trying at once.
/// </summary>
internal sealed record DigestRecord(string Week, bool Sent, int Attempts, DateTimeOffset LastAttempt);

/// <summary>
/// ISO weeks ("2026-W49", Monday to Sunday) in the preschool's own time zone: a question asked late on a Sunday evening
/// belongs to the week the staff lived it in, not to UTC's.
/// </summary>
internal static class InsightWeeks
{
    public static string Of(DateTimeOffset utc, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTime(utc, zone).DateTime;
        return Id(ISOWeek.GetYear(local), ISOWeek.GetWeekOfYear(local));
    }

    public static string Id(int year, int week) => string.Create(CultureInfo.InvariantCulture, $"{year:D4}-W{week:D2}");

    /// <summary>The week's Monday; false for anything that is not a week id.</summary>
    public static bool TryMonday(string? id, out DateOnly monday)
    {
        monday = default;
        if (id is not { Length: 8 } || id[4] != '-' || id[5] != 'W'
            || !int.TryParse(id.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(id.AsSpan(6, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var week)
            || year < 2000 || year > 9998 || week < 1 || week > ISOWeek.GetWeeksInYear(year))
        {
            return false;
        }

        monday = DateOnly.FromDateTime(ISOWeek.ToDateTime(year, week, DayOfWeek.Monday));
        return true;
    }

    public static DateOnly Monday(string id) =>
        TryMonday(id, out var monday) ? monday : throw new FormatException($"'{id}' is not an ISO week (2026-W49).");

    /// <summary>The week <paramref name="weeks"/> after (or, negative, before) <paramref name="id"/>.</summary>
    public static string Add(string id, int weeks) => Of(Monday(id).AddDays(7 * weeks));

    /// <summary>When the week begins: Monday 00:00 in <paramref name="zone"/>, as a moment.</summary>
    public static DateTimeOffset Start(string id, TimeZoneInfo zone) => At(Monday(id), TimeOnly.MinValue, zone);

    /// <summary>A local date and time in <paramref name="zone"/> as a moment.</summary>
    public static DateTimeOffset At(DateOnly date, TimeOnly time, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = date.ToDateTime(time);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>"1 to 7 December 2026", for people.</summary>
    public static string Describe(string id)
    {
        var monday = Monday(id);
        var sunday = monday.AddDays(6);
        var first = monday.ToString(monday.Month == sunday.Month ? "%d" : monday.Year == sunday.Year ? "d MMMM" : "d MMMM yyyy", CultureInfo.InvariantCulture);
        return $"{first} to {sunday.ToString("d MMMM yyyy", CultureInfo.InvariantCulture)}";
    }

    private static string Of(DateOnly date) => Id(ISOWeek.GetYear(date.ToDateTime(TimeOnly.MinValue)), ISOWeek.GetWeekOfYear(date.ToDateTime(TimeOnly.MinValue)));
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(InsightWeek))]
[JsonSerializable(typeof(DecisionBook))]
[JsonSerializable(typeof(DigestRecord))]
[JsonSerializable(typeof(int))]
internal sealed partial class InsightsJson : JsonSerializerContext;
