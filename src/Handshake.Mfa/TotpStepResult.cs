namespace Handshake.Mfa;

/// <summary>What <see cref="ITotpStateStore.TryAcceptStepAsync"/> decided about a correct code.</summary>
public enum TotpStepResult
{
    /// <summary>The step was newer than any accepted before; it is now recorded and the failure count reset.</summary>
    Accepted = 0,

    /// <summary>The step was at or before the last accepted one: the code (or an older one) was already used.</summary>
    Replayed = 1,

    /// <summary>The factor is locked out after too many consecutive failures.</summary>
    LockedOut = 2,
}
