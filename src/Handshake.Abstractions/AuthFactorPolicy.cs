namespace Handshake;

/// <summary>One factor of a user's server-side policy: which verifier runs it and what it checks against.</summary>
/// <param name="PluginName">The verifier's name (e.g. "SCRAM-SHA-256", "totp").</param>
/// <param name="Credential">The stored credential for that verifier.</param>
public sealed record AuthFactorPolicy(string PluginName, StoredCredential Credential);
