namespace Handshake.Protocols.Sasl.Internal;

/// <summary>How one protocol frames the server's side of a SASL exchange.</summary>
/// <param name="ChallengePrefix">Before a base64 challenge: IMAP "+ " (RFC 9051 §7.5), SMTP "334 " (RFC 4954 §4).</param>
/// <param name="Success">The line that ends a successful exchange.</param>
/// <param name="Failure">The line that ends a failed one (the same for every reason: the client learns only that it failed).</param>
/// <param name="Cancelled">The line that answers a client's "*" (cancel).</param>
internal sealed record SaslServerReplies(string ChallengePrefix, string Success, string Failure, string Cancelled);
