using System.Text.Json;

namespace WWPS.PolicyBot.Tests.Support;

internal static class ActivityJson
{
    /// <summary>
    /// What a user reads of a reply on a channel that draws cards: the card's plain-text twin travels as
    /// <c>summary</c> there (see ReplyRendering.WithCard), as <c>text</c> elsewhere.
    /// </summary>
    public static string ReadableText(JsonElement activity) =>
        activity.TryGetProperty("text", out var text) ? text.GetString() ?? ""
        : activity.TryGetProperty("summary", out var summary) ? summary.GetString() ?? ""
        : "";
}
