namespace Handshake.Plugins.Scram;

/// <summary>Client-side SCRAM settings. Validated at start-up.</summary>
public sealed class ScramOptions
{
    /// <summary>The default lowest iteration count accepted from a server (RFC 7677 §4's minimum).</summary>
    public const int DefaultMinIterations = 4096;

    /// <summary>The default highest iteration count accepted from a server.</summary>
    public const int DefaultMaxIterations = 1_000_000;

    /// <summary>Gets or sets the lowest iteration count the client accepts; a server asking for fewer is refused (<see cref="AuthErrorCode.IterationsOutOfRange"/>). Default 4096.</summary>
    public int MinIterations { get; set; } = DefaultMinIterations;

    /// <summary>Gets or sets the highest iteration count the client accepts, so a hostile server cannot burn the client's CPU. Default 1,000,000.</summary>
    public int MaxIterations { get; set; } = DefaultMaxIterations;

    /// <summary>Gets or sets the channel-binding policy. Default <see cref="ScramChannelBinding.Prefer"/>.</summary>
    public ScramChannelBinding ChannelBinding { get; set; } = ScramChannelBinding.Prefer;

    /// <summary>
    /// Gets or sets a value indicating whether the client sends an empty user name (<c>n=</c>), as
    /// libpq does: PostgreSQL takes the user from the startup message and ignores this one. Default false.
    /// </summary>
    public bool SendEmptyUserName { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether derived keys (ClientKey and ServerKey, never the
    /// password or SaltedPassword) are cached across connections, so a reconnect skips PBKDF2. Default false.
    /// </summary>
    public bool UseDerivedKeyCache { get; set; }

    /// <summary>Gets or sets how many derived-key entries the cache keeps (least recently used is evicted). Default 64.</summary>
    public int DerivedKeyCacheCapacity { get; set; } = 64;

    /// <summary>Gets or sets the offer rank of SCRAM-SHA-256-PLUS when the server offers a list (higher wins). Default 20.</summary>
    public int PlusPreference { get; set; } = 20;

    /// <summary>Gets or sets the offer rank of plain SCRAM-SHA-256 when the server offers a list (higher wins). Default 10.</summary>
    public int PlainPreference { get; set; } = 10;
}
