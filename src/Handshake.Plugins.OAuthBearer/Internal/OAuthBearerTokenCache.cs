using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Handshake.Plugins.OAuthBearer.Internal;

/// <summary>
/// Keeps the provider's last token per user and factor until <c>RefreshBeforeExpiry</c> before it
/// expires; one fetch at a time per user, so concurrent handshakes share one refresh. A token is never
/// handed out at or after its expiry, and a token the server refused is dropped.
/// </summary>
internal sealed class OAuthBearerTokenCache(IOAuthBearerTokenProvider provider, TimeSpan refreshBeforeExpiry)
{
    private readonly ConcurrentDictionary<(string User, int Factor), Entry> _entries = new();

    /// <summary>Gets a copy of a current token (pinned; the caller wipes it) and the generation it belongs to.</summary>
    public async ValueTask<(byte[] Token, long Generation)> GetAsync(OAuthBearerTokenRequestSeed seed, TimeProvider time, CancellationToken cancellationToken)
    {
        var entry = _entries.GetOrAdd((seed.UserName, seed.FactorIndex), static _ => new Entry());
        await entry.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = time.GetUtcNow();
            if (entry.Token is { } cached && cached.ExpiresAt - refreshBeforeExpiry > now)
            {
                return (Copy(cached), entry.Generation);
            }

            entry.Drop();
            OAuthBearerToken fresh;
            try
            {
                // WaitAsync: the deadline holds even for a provider that ignores its cancellation token.
                fresh = await provider.GetTokenAsync(new OAuthBearerTokenRequest(seed.UserName, seed.FactorIndex, seed.Host, seed.Port, entry.LastError), cancellationToken)
                    .AsTask().WaitAsync(cancellationToken).ConfigureAwait(false)
                    ?? throw new HandshakeException(AuthErrorCode.KeyUnavailable, "The OAUTHBEARER token provider returned no token.", OAuthBearerPluginNames.OAuthBearer, seed.FactorIndex);
            }
            catch (Exception ex) when (ex is not HandshakeException and not OperationCanceledException)
            {
                // The type only: a provider's message might quote the token or its refresh secret.
                throw new HandshakeException(AuthErrorCode.KeyUnavailable, $"The OAUTHBEARER token provider failed with {ex.GetType().Name}.", OAuthBearerPluginNames.OAuthBearer, seed.FactorIndex, innerException: ex);
            }

            now = time.GetUtcNow();
            if (fresh.ExpiresAt <= now)
            {
                fresh.Dispose();
                throw new HandshakeException(AuthErrorCode.KeyUnavailable, $"The OAUTHBEARER token provider returned a token that expired at {fresh.ExpiresAt:O}; an expired token is never sent.", OAuthBearerPluginNames.OAuthBearer, seed.FactorIndex);
            }

            var copy = Copy(fresh);
            entry.Generation++;
            if (fresh.ExpiresAt - refreshBeforeExpiry > now)
            {
                entry.Token = fresh;
                entry.LastError = null;
            }
            else
            {
                // Valid, but inside the refresh window: used once, fetched again next time.
                fresh.Dispose();
            }

            return (copy, entry.Generation);
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    /// <summary>
    /// The server refused the token of <paramref name="generation"/>: drop it if it is still the cached
    /// one, and remember what the server said for the next request. Never blocks: while a refresh runs
    /// the refused token is already gone.
    /// </summary>
    public void Invalidate(string userName, int factorIndex, long generation, OAuthBearerError? error)
    {
        if (!_entries.TryGetValue((userName, factorIndex), out var entry) || !entry.Gate.Wait(0))
        {
            return;
        }

        try
        {
            if (entry.Generation == generation)
            {
                entry.Drop();
                entry.LastError = error;
            }
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private static byte[] Copy(OAuthBearerToken token)
    {
        var bytes = GC.AllocateArray<byte>(token.Value.Length, pinned: true);
        token.Value.Bytes.CopyTo(bytes);
        return bytes;
    }

    private sealed class Entry
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public OAuthBearerToken? Token { get; set; }

        public OAuthBearerError? LastError { get; set; }

        public long Generation { get; set; }

        public void Drop()
        {
            Token?.Dispose();
            Token = null;
        }
    }

    /// <summary>Wipes a copy handed out by <see cref="GetAsync"/>.</summary>
    public static void Wipe(byte[]? copy)
    {
        if (copy is not null)
        {
            CryptographicOperations.ZeroMemory(copy);
        }
    }
}
