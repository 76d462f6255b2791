namespace Handshake;

/// <summary>
/// Server-wide secrets shared by the verifiers, and whether they must be configured rather than
/// generated. Validated when the verifiers are created.
/// </summary>
public sealed class ServerSecretOptions
{
    /// <summary>
    /// Gets or sets the key (at least 32 bytes) from which verifiers derive what they show for an
    /// unknown user (SCRAM's fake salt, caching_sha2's fake credential, key auth's made-up key list).
    /// Every instance of a fleet and every restart must use the same key, or a client comparing two
    /// answers tells real users from made-up ones. When neither this, <see cref="UnknownUserKeyFile"/>
    /// nor an <see cref="IServerSecretProvider"/> gives one, each verifier generates a key when it is
    /// created (stable only for that process), which <see cref="RequireSharedSecrets"/> forbids.
    /// </summary>
    public ReadOnlyMemory<byte>? UnknownUserKey { get; set; }

    /// <summary>
    /// Gets or sets a file holding the unknown-user key as base64 text (for example the output of
    /// <c>openssl rand -base64 32</c>); read when the verifiers are created.
    /// </summary>
    public string? UnknownUserKeyFile { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether every server secret must be configured (option, file or
    /// <see cref="IServerSecretProvider"/>) rather than generated per process. A shared store (one that
    /// serves more than one instance) sets it, so a fleet fails at start-up instead of running with
    /// per-instance keys. Default false.
    /// </summary>
    public bool RequireSharedSecrets { get; set; }
}
