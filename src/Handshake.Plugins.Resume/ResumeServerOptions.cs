namespace Handshake.Plugins.Resume;

/// <summary>Server-side rules for resume tokens. Validated at start-up.</summary>
public sealed class ResumeServerOptions
{
    /// <summary>The name of the token hash key in an <see cref="IServerSecretProvider"/>.</summary>
    public const string HashKeySecretName = "resume-hash-key";

    /// <summary>Gets or sets how long a family lives after the full login that issued it, however often it is rotated. Default 24 h.</summary>
    public TimeSpan AbsoluteLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Gets or sets how long a token may go unused after it was issued (each rotation starts a new period). Default 1 h.</summary>
    public TimeSpan InactivityTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Gets or sets how long after a token's use a second presentation is refused without revoking
    /// its family (a client that lost the server's reply and retries). After it, reuse revokes the
    /// family. Zero: any reuse revokes. Default 10 s (Supabase's refresh-token reuse interval).
    /// </summary>
    public TimeSpan ReuseGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets an optional server key: when set (at least 32 bytes), tokens are stored as
    /// HMAC-SHA-256 under it, so a leaked store cannot even be checked against guessed tokens without
    /// the key; when null, as SHA-256 (enough for 256-bit random tokens). Changing it invalidates every token.
    /// </summary>
    /// <remarks>
    /// Every instance sharing one token store must use the same key (or none): set it here, through
    /// <see cref="HashKeyFile"/>, or with an <see cref="IServerSecretProvider"/> secret named
    /// <see cref="HashKeySecretName"/>. It is never generated, so it cannot silently differ per instance.
    /// </remarks>
    public ReadOnlyMemory<byte>? HashKey { get; set; }

    /// <summary>Gets or sets a file holding <see cref="HashKey"/> as base64 text, read at start-up when <see cref="HashKey"/> is not set.</summary>
    public string? HashKeyFile { get; set; }
}
