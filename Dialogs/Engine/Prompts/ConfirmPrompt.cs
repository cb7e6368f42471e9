using WWPS.PolicyBot.Protocol;

namespace WWPS.PolicyBot.Dialogs.Engine;

/// <summary>Yes or no, shown as two buttons; accepts the usual ways of saying either, and 1 or 2.</summary>
public sealed class ConfirmPrompt(string id, PromptValidator<bool>? validator = null) : Prompt<bool>(id, validator)
{
    private static readonly Choice[] YesNo =
    [
        new("Yes") { Synonyms = ["y", "yep", "yeah", "yup", "yes please", "sure", "ok", "okay", "correct", "that's right", "go ahead"] },
        new("No") { Synonyms = ["n", "nope", "nah", "no thanks", "no thank you", "not really", "don't"] },
    ];

    protected override Task OnPromptAsync(ITurnContext turnContext, PromptOptions options, bool isRetry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        ArgumentNullException.ThrowIfNull(options);
        var prompt = isRetry && options.RetryPrompt is not null ? options.RetryPrompt : options.Prompt;
        var style = options.Style == ListStyle.Auto ? ListStyle.SuggestedActions : options.Style;
        return turnContext.SendActivityAsync(ChoicePrompt.Render(prompt, YesNo, style), cancellationToken);
    }

    protected override Task<PromptRecognizerResult<bool>> OnRecognizeAsync(ITurnContext turnContext, PromptOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        var found = ChoicePrompt.Recognize(turnContext.Activity.Text, YesNo);
        return Task.FromResult(found is null ? PromptRecognizerResult.Fail<bool>() : PromptRecognizerResult.Ok(found.Index == 0));
    }
}
