namespace Handshake.Testing.Conformance.Adapters;

/// <summary>How one server-side session ended, in the adapter-neutral terms the conformance tests check.</summary>
/// <param name="Authentication">The result, or null when the client was not authenticated.</param>
/// <param name="FailureReason">The reason the server recorded (Unspecified after success).</param>
/// <param name="IsEncrypted">Whether the session ran over TLS.</param>
public sealed record AdapterServerOutcome(AuthResult? Authentication, AuthErrorCode FailureReason, bool IsEncrypted);
