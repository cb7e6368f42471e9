using WWPS.PolicyBot.Dialogs.Escalations;

namespace WWPS.PolicyBot.EscalationConsole;

/// <summary>Console events: roles, ids and outcomes only. Never passwords or message text.</summary>
internal sealed partial class ConsoleLog(ILogger<ConsoleLog> logger)
{
    public void SignedIn(EscalationRole role) => LogSignedIn(logger, role);

    public void Refused(EscalationRole role, string reason) => LogRefused(logger, role, reason);

    public void Acted(EscalationRole role, string action, long id, string outcome) => LogActed(logger, role, action, id, outcome);

    public void ChatOpened(EscalationRole role) => LogChatOpened(logger, role);

    public void Decided(EscalationRole role, string action, string outcome) => LogDecided(logger, role, action, outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Console: the {Role} {Action} a question: {Outcome}")]
    private static partial void LogDecided(ILogger logger, EscalationRole role, string action, string outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Console: the {Role} opened a web chat as their configured Direct Line user")]
    private static partial void LogChatOpened(ILogger logger, EscalationRole role);

    [LoggerMessage(Level = LogLevel.Information, Message = "Console: the {Role} signed in")]
    private static partial void LogSignedIn(ILogger logger, EscalationRole role);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Console: sign-in as the {Role} refused ({Reason})")]
    private static partial void LogRefused(ILogger logger, EscalationRole role, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Console: the {Role} {Action} escalation {Id}: {Outcome}")]
    private static partial void LogActed(ILogger logger, EscalationRole role, string action, long id, string outcome);
}
