namespace Handshake.Plugins.Resume;

/// <summary>
/// Where the client keeps its resume tokens, one per (server identity, user). Synchronous because
/// plugins choose and start synchronously; a persistent cache loads ahead and writes behind.
/// Implementations must be thread-safe (a pool resumes many connections at once) and must treat
/// tokens as secrets.
/// </summary>
public interface IResumeTokenCache
{
    /// <summary>Gets a copy of the cached token, or null.</summary>
    /// <param name="serverIdentity">The server the token belongs to.</param>
    /// <param name="userName">The user.</param>
    /// <returns>A copy the caller disposes, or null.</returns>
    ResumeToken? Find(string serverIdentity, string userName);

    /// <summary>Caches a copy of a token, replacing any other for the same server and user.</summary>
    /// <param name="serverIdentity">The server the token belongs to.</param>
    /// <param name="userName">The user.</param>
    /// <param name="token">The token.</param>
    void Store(string serverIdentity, string userName, ResumeToken token);

    /// <summary>Removes the cached token; when <paramref name="expected"/> is given, only if the cached one is still that token.</summary>
    /// <param name="serverIdentity">The server.</param>
    /// <param name="userName">The user.</param>
    /// <param name="expected">The token to remove, or null for whatever is cached.</param>
    /// <returns>True when a token was removed.</returns>
    bool Remove(string serverIdentity, string userName, ResumeToken? expected = null);
}
