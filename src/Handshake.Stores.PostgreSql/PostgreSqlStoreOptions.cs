namespace Handshake.Stores.PostgreSql;

/// <summary>Settings of the PostgreSQL stores. Validated at start-up.</summary>
public sealed class PostgreSqlStoreOptions
{
    /// <summary>The default schema.</summary>
    public const string DefaultSchema = "handshake";

    /// <summary>
    /// Gets or sets the schema the tables live in (lower-case letters, digits and underscores, starting
    /// with a letter or underscore, at most 63 characters). Default "handshake".
    /// </summary>
    public string Schema { get; set; } = DefaultSchema;

    /// <summary>Gets or sets how many rows one cleanup statement deletes at most. Default 1000.</summary>
    public int CleanupBatchSize { get; set; } = 1000;

    /// <summary>Gets or sets how long one cleanup run may take; it stops between batches when this is spent. Default 5 s.</summary>
    public TimeSpan CleanupTimeLimit { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets how long a TOTP factor's state is kept after its last change (and after any lockout
    /// ends). Its last accepted step only matters while a code of that step could still be in the
    /// verifier's window (minutes), so the default of 1 day is generous. Default 1 day.
    /// </summary>
    public TimeSpan TotpStateRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Gets or sets how long a caching_sha2 fast-path entry lives after it was recorded; a later login records it again. Default 7 days.</summary>
    public TimeSpan FastPathCacheLifetime { get; set; } = TimeSpan.FromDays(7);
}
