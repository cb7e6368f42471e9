using System.Diagnostics.CodeAnalysis;

namespace WWPS.PolicyBot.Protocol;

[SuppressMessage("Naming", "CA1711", Justification = "The Bot Framework name; people who know the SDK look for it.")]
public delegate Task NextDelegate(CancellationToken cancellationToken);

/// <summary>Runs around every turn; code before <c>next</c> sees the activity first, code after sees the result.</summary>
public interface IMiddleware
{
    [SuppressMessage("Naming", "CA1716", Justification = "'next' is the SDK's parameter name; VB callers are not a concern.")]
    Task OnTurnAsync(ITurnContext turnContext, NextDelegate next, CancellationToken cancellationToken);
}

/// <summary>The bot itself, as the host registers it.</summary>
public interface IBot
{
    Task OnTurnAsync(ITurnContext turnContext, CancellationToken cancellationToken);
}

/// <summary>Adapts a lambda so tests and small hosts need no class for a one-line middleware.</summary>
public sealed class MiddlewareFunc(Func<ITurnContext, NextDelegate, CancellationToken, Task> func) : IMiddleware
{
    public Task OnTurnAsync(ITurnContext turnContext, NextDelegate next, CancellationToken cancellationToken) =>
        func(turnContext, next, cancellationToken);
}
