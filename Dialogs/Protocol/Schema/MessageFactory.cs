namespace WWPS.PolicyBot.Protocol;

/// <summary>Outgoing messages. Routing fields are left empty: the turn context fills them in when sending.</summary>
public static class MessageFactory
{
    public static Activity Text(string text, string? speak = null, string? inputHint = null) => new()
    {
        Type = ActivityTypes.Message,
        Text = text,
        Speak = speak,
        InputHint = inputHint,
    };

    /// <summary>A message with quick-reply buttons; each posts its title back as text.</summary>
    public static Activity SuggestedActions(IEnumerable<string> titles, string? text = null, string? inputHint = null) => new()
    {
        Type = ActivityTypes.Message,
        Text = text,
        InputHint = inputHint,
        SuggestedActions = new SuggestedActions { Actions = [.. titles.Select(t => CardAction.ImBack(t))] },
    };
}
