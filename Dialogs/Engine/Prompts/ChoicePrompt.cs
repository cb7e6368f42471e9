using System.Globalization;
using System.Text.RegularExpressions;
using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Dialogs.Engine;

/// <summary>One option of a choice prompt; synonyms are other words a parent might type for it.</summary>
public sealed record Choice(string Value)
{
    public List<string>? Synonyms { get; init; }

    public static List<Choice> From(params IEnumerable<string> values) => [.. values.Select(v => new Choice(v))];
}

/// <summary>The option picked, and where it was in the list.</summary>
public sealed record FoundChoice(string Value, int Index);

/// <summary>
/// Offers choices as buttons or a numbered list and accepts the number, the title in any case, a synonym, or a
/// sentence that names exactly one option ("blue please").
/// </summary>
public sealed class ChoicePrompt(string id, PromptValidator<FoundChoice>? validator = null) : Prompt<FoundChoice>(id, validator)
{
    protected override Task OnPromptAsync(ITurnContext turnContext, PromptOptions options, bool isRetry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        ArgumentNullException.ThrowIfNull(options);
        var prompt = isRetry && options.RetryPrompt is not null ? options.RetryPrompt : options.Prompt;
        return turnContext.SendActivityAsync(Render(prompt, options.Choices ?? [], options.Style), cancellationToken);
    }

    protected override Task<PromptRecognizerResult<FoundChoice>> OnRecognizeAsync(ITurnContext turnContext, PromptOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        ArgumentNullException.ThrowIfNull(options);
        var found = Recognize(turnContext.Activity.Text, options.Choices ?? []);
        return Task.FromResult(found is null ? PromptRecognizerResult.Fail<FoundChoice>() : PromptRecognizerResult.Ok(found));
    }

    internal static Activity Render(Activity? prompt, IReadOnlyList<Choice> choices, ListStyle style)
    {
        var activity = prompt is null ? MessageFactory.Text(string.Empty, inputHint: InputHints.Expecting) : prompt with { };
        var useButtons = style == ListStyle.SuggestedActions || (style == ListStyle.Auto && choices.Count <= 3);
        if (choices.Count == 0 || style == ListStyle.None)
        {
            return activity;
        }

        if (useButtons)
        {
            return activity with { SuggestedActions = new SuggestedActions { Actions = [.. choices.Select(c => CardAction.ImBack(c.Value))] } };
        }

        var list = string.Join('\n', choices.Select((c, i) => $"{(i + 1).ToString(CultureInfo.InvariantCulture)}. {c.Value}"));
        return activity with { Text = string.IsNullOrEmpty(activity.Text) ? list : $"{activity.Text}\n\n{list}" };
    }

    internal static FoundChoice? Recognize(string? text, IReadOnlyList<Choice> choices)
    {
        var answer = Normalize(text);
        if (answer.Length == 0 || choices.Count == 0)
        {
            return null;
        }

        if (int.TryParse(answer, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1 && number <= choices.Count)
        {
            return new FoundChoice(choices[number - 1].Value, number - 1);
        }

        for (var i = 0; i < choices.Count; i++)
        {
            if (Names(choices[i]).Any(n => string.Equals(Normalize(n), answer, StringComparison.OrdinalIgnoreCase)))
            {
                return new FoundChoice(choices[i].Value, i);
            }
        }

        // "the blue one please": accept only when exactly one option is named, never guess between two.
        var named = Enumerable.Range(0, choices.Count)
            .Where(i => Names(choices[i]).Any(n => ContainsWords(answer, Normalize(n))))
            .ToList();
        return named.Count == 1 ? new FoundChoice(choices[named[0]].Value, named[0]) : null;
    }

    private static IEnumerable<string> Names(Choice choice) => choice.Synonyms is null ? [choice.Value] : [choice.Value, .. choice.Synonyms];

    private static bool ContainsWords(string text, string phrase) =>
        phrase.Length > 0
        && Regex.IsMatch(text, $@"(?<![\w]){Regex.Escape(phrase)}(?![\w])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));

    internal static string Normalize(string? text) => (text ?? string.Empty).Trim().TrimEnd('.', '!', '?', ',').Trim();
}
