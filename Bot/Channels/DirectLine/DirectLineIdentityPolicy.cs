namespace WWPS.PolicyBot.DirectLine;

/// <summary>
/// Which user ids a public client may not open a Direct Line conversation for. Another feature (escalation) registers
/// its own to keep the ids it trusts (the Manager's, the Chair's) for conversations it opens itself; by default
/// nothing is reserved.
/// </summary>
internal interface IDirectLineIdentityPolicy
{
    /// <summary>True when <paramref name="userId"/> must not be claimed through <c>/tokens/generate</c> or <c>/conversations</c>.</summary>
    bool IsReserved(string userId);
}

/// <summary>The default: any id may be named by the client (Web Chat sends a random one per page load).</summary>
internal sealed class NoReservedDirectLineIds : IDirectLineIdentityPolicy
{
    public bool IsReserved(string userId) => false;
}
