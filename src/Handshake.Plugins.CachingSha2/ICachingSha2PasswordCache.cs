namespace Handshake.Plugins.CachingSha2;

/// <summary>
/// The fast-auth cache of <c>caching_sha2_password</c>: per user, <c>SHA256(SHA256(password))</c>
/// recorded after a successful full authentication and tied to the stored credential it was derived
/// under. The default, <see cref="CachingSha2PasswordCache"/>, is one process's memory; a fleet that
/// wants a fast path on every instance registers a shared one.
/// </summary>
/// <remarks>
/// An entry is password-equivalent for the fast path: an implementation must keep it where only the
/// server can read it, never log it, and return nothing once the user's stored credential changes.
/// Every method is safe to call concurrently.
/// </remarks>
public interface ICachingSha2PasswordCache
{
    /// <summary>Copies the user's cached digest into <paramref name="destination"/> when one exists for this stored credential.</summary>
    /// <param name="userName">The user.</param>
    /// <param name="storedValue">The user's stored credential as the credential store has it now.</param>
    /// <param name="destination">32 bytes that receive the digest on a hit.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>True on a hit.</returns>
    ValueTask<bool> TryGetAsync(string userName, string storedValue, Memory<byte> destination, CancellationToken cancellationToken);

    /// <summary>Records (or replaces) the user's digest after a successful full authentication.</summary>
    /// <param name="userName">The user.</param>
    /// <param name="storedValue">The stored credential the password was checked against.</param>
    /// <param name="doubleHash">The 32-byte <c>SHA256(SHA256(password))</c>.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>A task.</returns>
    ValueTask SetAsync(string userName, string storedValue, ReadOnlyMemory<byte> doubleHash, CancellationToken cancellationToken);

    /// <summary>Forgets a user (a password change, a dropped account).</summary>
    /// <param name="userName">The user.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>Whether the user was cached.</returns>
    ValueTask<bool> RemoveAsync(string userName, CancellationToken cancellationToken);

    /// <summary>Forgets every user (MySQL's <c>FLUSH PRIVILEGES</c>).</summary>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>A task.</returns>
    ValueTask ClearAsync(CancellationToken cancellationToken);
}
