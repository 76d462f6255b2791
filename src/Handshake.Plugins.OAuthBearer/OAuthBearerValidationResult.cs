namespace Handshake.Plugins.OAuthBearer;

/// <summary>A token validator's answer: the user the token vouches for, or why it was refused.</summary>
public sealed class OAuthBearerValidationResult
{
    private OAuthBearerValidationResult(string? userName, string? status, string? scope, string? detail)
    {
        UserName = userName;
        Status = status;
        Scope = scope;
        Detail = detail;
    }

    /// <summary>Gets a value indicating whether the token is valid.</summary>
    public bool IsValid => UserName is not null;

    /// <summary>Gets the user the token vouches for (its subject, or the configured claim), when valid.</summary>
    public string? UserName { get; }

    /// <summary>Gets, for a refusal, the RFC 6750 §3.1 status sent to the client (<c>invalid_token</c>, <c>insufficient_scope</c>).</summary>
    public string? Status { get; }

    /// <summary>Gets, for a refusal, the scope to tell the client it needs, or null for the verifier's configured one.</summary>
    public string? Scope { get; }

    /// <summary>Gets, for a refusal, a log-safe reason for the server's logs (never the token).</summary>
    public string? Detail { get; }

    /// <summary>The token is valid for <paramref name="userName"/>.</summary>
    /// <param name="userName">The user.</param>
    /// <returns>The result.</returns>
    public static OAuthBearerValidationResult Valid(string userName)
    {
        ArgumentException.ThrowIfNullOrEmpty(userName);
        return new OAuthBearerValidationResult(userName, null, null, null);
    }

    /// <summary>The token is refused.</summary>
    /// <param name="detail">A log-safe reason (never the token).</param>
    /// <param name="status">The status for the client; default <c>invalid_token</c>.</param>
    /// <param name="scope">The scope the client needs, or null for the verifier's configured one.</param>
    /// <returns>The result.</returns>
    public static OAuthBearerValidationResult Invalid(string detail, string status = OAuthBearerMechanism.InvalidTokenStatus, string? scope = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(detail);
        ArgumentException.ThrowIfNullOrEmpty(status);
        return new OAuthBearerValidationResult(null, status, scope, detail);
    }

    /// <summary>Describes the result.</summary>
    /// <returns>A description.</returns>
    public override string ToString() => IsValid ? $"valid for '{UserName}'" : $"{Status}: {Detail}";
}
